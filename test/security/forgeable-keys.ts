/**
 * Keys a hostile or broken JWKS could publish that let anyone sign (crypto research §1–2), with
 * the forgery for each where one exists — the attack catalogue publishes them all under the
 * trusted issuer and expects every token naming one to be `unknown_key`.
 *
 * Each forgery is proven real when the set is built: Node verifies it under the weak key, with
 * the same call aws-jwt-verify makes. Built at run time from test/helpers/weak-keys.ts; nothing
 * private is checked in (Wycheproof's ROCA vector is a public key).
 */
import { createPublicKey, verify, type JsonWebKey } from 'node:crypto';
import {
  ED25519_IDENTITY_SIGNATURE,
  ED25519_SMALL_ORDER_ENCODINGS,
  ED448_ORDER_4_SIGNATURE,
  ED448_SMALL_ORDER_ENCODINGS,
  forgeRs256,
  okpJwk,
  rsaJwk,
  weakModuli,
  WYCHEPROOF_ROCA_JWK,
} from '../helpers/weak-keys';

export interface ForgeableKey {
  /** What is wrong with the key, for the catalogue row. */
  readonly name: string;
  readonly jwk: Record<string, string>;
  readonly alg: 'RS256' | 'EdDSA';
  /** The signature segment for `header.payload`: a working forgery, or filler where the key forbids without forging. */
  signature(signingInput: string): string;
  /** True when {@link signature} is a forgery Node verifies under the key. */
  readonly forges: boolean;
}

const FILLER_RS256 = Buffer.alloc(256, 7).toString('base64url');

/** The keys, each under its own kid, with their forgeries proven. */
export function forgeableKeys(): ForgeableKey[] {
  const keys: ForgeableKey[] = [];
  for (const [index, weak] of weakModuli().entries()) {
    const kid = `weak-rsa-${index}`;
    const phi = weak.phi;
    keys.push({
      name: `RSA key with ${weak.name}`,
      jwk: rsaJwk(weak.n, kid),
      alg: 'RS256',
      signature: (input) => (phi === undefined ? FILLER_RS256 : (forgeRs256(input, weak.n, phi).split('.')[2] ?? '')),
      forges: phi !== undefined,
    });
  }
  keys.push(
    {
      name: "Wycheproof's ROCA-vulnerable RSA key (json_web_key_test tcId 7)",
      jwk: { ...WYCHEPROOF_ROCA_JWK },
      alg: 'RS256',
      signature: () => FILLER_RS256,
      forges: false,
    },
    {
      name: 'RSA key with a 4,201-bit modulus (over the 4,096-bit cap)',
      jwk: rsaJwk((1n << 4200n) + 0x10001n, 'huge-rsa'),
      alg: 'RS256',
      signature: () => Buffer.alloc(526, 7).toString('base64url'),
      forges: false,
    },
    {
      name: 'Ed25519 identity point (R = identity, S = 0 verifies for any claims)',
      jwk: okpJwk('Ed25519', ED25519_SMALL_ORDER_ENCODINGS[0] ?? '', 'ed25519-identity'),
      alg: 'EdDSA',
      signature: () => ED25519_IDENTITY_SIGNATURE.toString('base64url'),
      forges: true,
    },
    {
      name: 'Ed25519 identity point spelt y = p + 1 (a non-canonical alias)',
      jwk: okpJwk('Ed25519', ED25519_SMALL_ORDER_ENCODINGS[2] ?? '', 'ed25519-identity-alias'),
      alg: 'EdDSA',
      signature: () => ED25519_IDENTITY_SIGNATURE.toString('base64url'),
      forges: true,
    },
    {
      name: 'Ed25519 point of order 8',
      jwk: okpJwk('Ed25519', ED25519_SMALL_ORDER_ENCODINGS[10] ?? '', 'ed25519-order-8'),
      alg: 'EdDSA',
      signature: () => Buffer.alloc(64).toString('base64url'),
      forges: false,
    },
    {
      name: 'Ed25519 point of order 4 (y = 0)',
      jwk: okpJwk('Ed25519', ED25519_SMALL_ORDER_ENCODINGS[6] ?? '', 'ed25519-order-4'),
      alg: 'EdDSA',
      signature: () => Buffer.alloc(64).toString('base64url'),
      forges: false,
    },
    {
      name: 'Ed448 point of order 4 (114 zero bytes verify for any claims)',
      jwk: okpJwk('Ed448', ED448_SMALL_ORDER_ENCODINGS[2] ?? '', 'ed448-order-4'),
      alg: 'EdDSA',
      signature: () => ED448_ORDER_4_SIGNATURE.toString('base64url'),
      forges: true,
    },
    {
      name: 'Ed448 identity point',
      jwk: okpJwk('Ed448', ED448_SMALL_ORDER_ENCODINGS[0] ?? '', 'ed448-identity'),
      alg: 'EdDSA',
      signature: () => ED448_ORDER_4_SIGNATURE.toString('base64url'),
      forges: false,
    },
  );
  for (const key of keys.filter((candidate) => candidate.forges)) {
    if (!verifiesUnder(key, 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJwcm9vZiJ9')) throw new Error(`the forgery for ${key.name} does not verify`);
  }
  return keys;
}

/** Node's verdict on the key's signature for `input` (the call aws-jwt-verify makes). */
function verifiesUnder(key: ForgeableKey, input: string): boolean {
  const publicKey = createPublicKey({ key: key.jwk as JsonWebKey, format: 'jwk' });
  const digest = key.alg === 'EdDSA' ? null : 'sha256';
  return verify(digest, Buffer.from(input), publicKey, Buffer.from(key.signature(input), 'base64url'));
}
