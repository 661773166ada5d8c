/**
 * Signing keys generated per test run (no key material is checked in), with their public JWKs.
 */
import { exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';

export type TestAlgorithm = 'RS256' | 'ES256' | 'EdDSA' | 'RS384' | 'ES384' | 'ES512' | 'RS512';

export interface TestKey {
  readonly kid: string;
  readonly alg: TestAlgorithm;
  readonly privateKey: CryptoKey;
  /** The public JWK as an issuer would publish it (kid, alg, use). */
  readonly publicJwk: JWK;
}

let counter = 0;

export async function generateTestKey(
  alg: TestAlgorithm = 'RS256',
  options: { kid?: string; modulusLength?: number } = {},
): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, {
    extractable: true,
    modulusLength: options.modulusLength,
    crv: alg === 'EdDSA' ? 'Ed25519' : undefined,
  });
  const kid = options.kid ?? `test-${alg.toLowerCase()}-${++counter}`;
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { kid, alg, privateKey, publicJwk };
}
