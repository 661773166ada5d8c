/**
 * Which algorithms a key can verify: the token's alg must fit the key's type and curve, whether
 * or not the JWK names an alg.
 */
import type { Jwk } from 'aws-jwt-verify/jwk';
import { describe, expect, it } from 'vitest';
import { algorithmFitsKey } from '../../../../lambdas/core/verification/jwk-policy';

const RSA = { kty: 'RSA', n: 'n', e: 'AQAB' } as Jwk;
const P256 = { kty: 'EC', crv: 'P-256', x: 'x', y: 'y' } as Jwk;
const P384 = { kty: 'EC', crv: 'P-384', x: 'x', y: 'y' } as Jwk;
const P521 = { kty: 'EC', crv: 'P-521', x: 'x', y: 'y' } as Jwk;
const ED25519 = { kty: 'OKP', crv: 'Ed25519', x: 'x' } as Jwk;
const X25519 = { kty: 'OKP', crv: 'X25519', x: 'x' } as Jwk;

describe('algorithmFitsKey', () => {
  it.each([
    { alg: 'RS256', key: RSA },
    { alg: 'RS512', key: RSA },
    { alg: 'ES256', key: P256 },
    { alg: 'ES384', key: P384 },
    { alg: 'ES512', key: P521 },
    { alg: 'EdDSA', key: ED25519 },
  ])('lets $alg use a $key.kty $key.crv key', ({ alg, key }) => {
    expect(algorithmFitsKey(alg, key)).toBe(true);
  });

  it.each([
    { alg: 'RS256', key: P256 },
    { alg: 'RS256', key: ED25519 },
    { alg: 'ES256', key: RSA },
    { alg: 'ES256', key: P384 },
    { alg: 'ES512', key: P256 },
    { alg: 'EdDSA', key: P256 },
    { alg: 'EdDSA', key: X25519 },
    { alg: 'PS256', key: RSA },
    { alg: 'HS256', key: RSA },
    { alg: undefined, key: RSA },
  ])('refuses $alg with a $key.kty $key.crv key', ({ alg, key }) => {
    expect(algorithmFitsKey(alg, key)).toBe(false);
  });
});
