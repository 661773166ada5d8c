/**
 * The key policy: which keys of a fetched JWKS may ever verify a token. Keys are generated with
 * node:crypto at run time; none is checked in.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { Jwk } from 'aws-jwt-verify/jwk';
import { describe, expect, it } from 'vitest';
import { VERIFICATION_SETTINGS } from '../../../../lambdas/core/config/defaults';
import { applyKeyPolicy, KeyPolicy, rejectionReason, type KeyPolicyOptions } from '../../../../lambdas/core/verification/jwk-policy';
import { rsaModulusWeakness } from '../../../../lambdas/core/verification/rsa-modulus';
import {
  ED25519_SMALL_ORDER_ENCODINGS,
  ED448_SMALL_ORDER_ENCODINGS,
  okpJwk,
  prime,
  rsaJwk,
  WYCHEPROOF_ROCA_JWK,
} from '../../../helpers/weak-keys';

const OPTIONS: KeyPolicyOptions = {
  algorithms: ['RS256', 'ES256', 'ES384', 'ES512', 'EdDSA'],
  minRsaModulusBits: 2048,
  maxRsaModulusBits: 4096,
};

function toJwk(key: KeyObject, extra: Record<string, string> = {}): Jwk {
  return { ...(key.export({ format: 'jwk' }) as Record<string, string>), ...extra } as Jwk;
}

const rsa2048 = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 });
const rsa3072 = generateKeyPairSync('rsa', { modulusLength: 3072 });
const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const p521 = generateKeyPairSync('ec', { namedCurve: 'P-521' });
const secp256k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
const ed25519 = generateKeyPairSync('ed25519');
const x25519 = generateKeyPairSync('x25519');

const RSA = toJwk(rsa2048.publicKey, { kid: 'rsa', use: 'sig', alg: 'RS256' });
const EC = toJwk(p256.publicKey, { kid: 'ec', use: 'sig', alg: 'ES256' });

/** A 2048-bit modulus of its own for each index: RSA's modulus with its low bytes replaced (odd, same size). */
function distinctModulus(index: number): string {
  const n = Buffer.from(String(RSA['n']), 'base64url');
  n.writeUInt32BE(index * 2 + 1, n.length - 4);
  return n.toString('base64url');
}

/** The P-256 key with its y coordinate changed, so the point is no longer on the curve. */
function offCurve(jwk: Jwk): Jwk {
  const y = Buffer.from(String(jwk['y']), 'base64url');
  y[y.length - 1] = (y[y.length - 1] ?? 0) ^ 0x01;
  return { ...jwk, y: y.toString('base64url') };
}

describe('jwk-policy', () => {
  describe('rejectionReason', () => {
    it.each([
      { name: 'a 2048-bit RSA key', jwk: RSA },
      { name: 'a 3072-bit RSA key', jwk: toJwk(rsa3072.publicKey, { kid: 'rsa3072' }) },
      { name: 'an RSA exponent with a leading zero byte', jwk: { ...RSA, e: 'AAEAAQ' } },
      { name: 'a P-256 key', jwk: EC },
      { name: 'a P-384 key', jwk: toJwk(p384.publicKey, { kid: 'p384', alg: 'ES384' }) },
      { name: 'a P-521 key', jwk: toJwk(p521.publicKey, { kid: 'p521', alg: 'ES512' }) },
      { name: 'an Ed25519 key', jwk: toJwk(ed25519.publicKey, { kid: 'ed', alg: 'EdDSA' }) },
      { name: 'a key without use or alg', jwk: toJwk(rsa2048.publicKey, { kid: 'bare' }) },
      { name: 'a key whose key_ops include verify', jwk: { ...RSA, key_ops: ['verify'] } },
    ])('accepts $name', ({ jwk }) => {
      // Act
      const reason = rejectionReason(jwk, OPTIONS);
      // Assert
      expect(reason).toBeUndefined();
    });

    it.each([
      { name: 'a 1024-bit RSA key', jwk: toJwk(rsa1024.publicKey, { kid: 'weak' }), reason: 'RSA modulus of 1024 bits is below 2048' },
      { name: 'an RSA public exponent of 1', jwk: { ...RSA, e: 'AQ' }, reason: 'RSA public exponent is not 65537' },
      { name: 'an RSA public exponent of 3', jwk: { ...RSA, e: 'Aw' }, reason: 'RSA public exponent is not 65537' },
      {
        name: 'an RSA modulus that is not base64url',
        jwk: { ...RSA, n: `${String(RSA['n'])}==` },
        reason: 'RSA modulus of 0 bits is below 2048',
      },
      { name: 'use "enc"', jwk: { ...RSA, use: 'enc' }, reason: 'use is "enc", not "sig"' },
      { name: 'key_ops without verify', jwk: { ...RSA, key_ops: ['encrypt'] }, reason: 'key_ops does not include "verify"' },
      { name: 'key_ops that is not a list', jwk: { ...RSA, key_ops: 'verify' }, reason: 'key_ops does not include "verify"' },
      { name: 'an alg that is not allowed', jwk: { ...RSA, alg: 'RS384' }, reason: 'alg "RS384" is not an allowed algorithm' },
      { name: 'a symmetric alg', jwk: { ...RSA, alg: 'HS256' }, reason: 'alg "HS256" is not an allowed algorithm' },
      {
        name: 'private RSA material',
        jwk: toJwk(rsa2048.privateKey, { kid: 'leaked' }),
        reason: 'contains private or symmetric key material',
      },
      { name: 'private EC material', jwk: toJwk(p256.privateKey, { kid: 'leaked' }), reason: 'contains private or symmetric key material' },
      {
        name: 'symmetric key material',
        jwk: { kty: 'oct', kid: 'hmac', k: 'c2VjcmV0' } as Jwk,
        reason: 'contains private or symmetric key material',
      },
      { name: 'an EC point that is not on the curve', jwk: offCurve(EC), reason: 'not an importable public key' },
      { name: 'an unsupported EC curve', jwk: toJwk(secp256k1.publicKey, { kid: 'k1' }), reason: 'EC curve "secp256k1" is not supported' },
      { name: 'an OKP key for key agreement', jwk: toJwk(x25519.publicKey, { kid: 'x' }), reason: 'OKP curve "X25519" is not supported' },
      { name: 'no kid', jwk: toJwk(rsa2048.publicKey), reason: 'no kid, so no token can select it' },
      { name: 'an empty kid', jwk: { ...RSA, kid: '' }, reason: 'no kid, so no token can select it' },
      { name: 'an unsupported kty', jwk: { kty: 'oct', kid: 'o' } as Jwk, reason: 'key type "oct" cannot verify signatures' },
      { name: 'an unknown kty', jwk: { ...RSA, kty: 'RSA-PSS' }, reason: 'key type "RSA-PSS" cannot verify signatures' },
      {
        name: 'the Ed25519 identity point (a fixed signature verifies for any claims)',
        jwk: okpJwk('Ed25519', ED25519_SMALL_ORDER_ENCODINGS[0] ?? '', 'identity') as Jwk,
        reason: 'Ed25519 public key has small order (anyone could forge signatures for it)',
      },
      {
        name: 'an Ed448 point of order 4',
        jwk: okpJwk('Ed448', ED448_SMALL_ORDER_ENCODINGS[2] ?? '', 'order-4') as Jwk,
        reason: 'Ed448 public key has small order (anyone could forge signatures for it)',
      },
      {
        name: 'the ROCA-vulnerable key of Wycheproof’s JWK vectors',
        jwk: WYCHEPROOF_ROCA_JWK as unknown as Jwk,
        reason: 'RSA modulus has the ROCA fingerprint (CVE-2017-15361: Infineon RSALib primes)',
      },
      {
        name: 'an RSA modulus of more than 4096 bits',
        jwk: rsaJwk((1n << 4200n) + 1n, 'huge') as Jwk,
        reason: 'RSA modulus of 4201 bits is above 4096',
      },
    ])('rejects $name', ({ jwk, reason }) => {
      // Act
      const result = rejectionReason(jwk, OPTIONS);
      // Assert
      expect(result).toBe(reason);
    });

    it('honours a lower configured minimum modulus', () => {
      // Act
      const reason = rejectionReason(toJwk(rsa1024.publicKey, { kid: 'legacy' }), { ...OPTIONS, minRsaModulusBits: 1024 });
      // Assert
      expect(reason).toBeUndefined();
    });
  });

  describe('applyKeyPolicy', () => {
    it('drops an RSA key whose modulus is a square, and both keys of a pair sharing a prime', () => {
      // Prepare
      const [p, q, r] = [prime(1024), prime(1024), prime(1024)];
      const jwks = { keys: [RSA, rsaJwk(p * p, 'square'), rsaJwk(p * q, 'pq'), rsaJwk(q * r, 'qr')] };
      // Act
      const result = applyKeyPolicy(jwks, OPTIONS);
      // Assert
      expect(result.jwks.keys).toEqual([RSA]);
      expect(result.rejected).toEqual([
        { kid: 'square', reason: 'RSA modulus is a perfect power (an integer to the power 2)' },
        { kid: 'pq', reason: 'RSA modulus shares a prime factor with another key of the set' },
        { kid: 'qr', reason: 'RSA modulus shares a prime factor with another key of the set' },
      ]);
    });

    it('keeps one RSA key published under two kids (the same modulus shares nothing new)', () => {
      const result = applyKeyPolicy({ keys: [RSA, { ...RSA, kid: 'rsa-again' }] }, OPTIONS);
      expect(result.jwks.keys).toHaveLength(2);
    });

    it('checks each modulus once per policy, however often the set is fetched again', () => {
      // Prepare
      let checks = 0;
      const policy = new KeyPolicy(OPTIONS, (n, e) => {
        checks++;
        return rsaModulusWeakness(n, e);
      });
      const jwks = { keys: [RSA, toJwk(rsa3072.publicKey, { kid: 'rsa3072' }), EC] };
      // Act
      for (let fetch = 0; fetch < 5; fetch++) policy.apply(jwks);
      // Assert
      expect(checks).toBe(2);
    });

    it('keeps the trusted keys, drops the others with their reasons, and keeps the set’s other fields', () => {
      // Prepare
      const jwks = { keys: [RSA, { ...RSA, kid: 'forgeable', e: 'AQ' }, EC, toJwk(rsa2048.publicKey)], source: 'test' };
      // Act
      const result = applyKeyPolicy(jwks, OPTIONS);
      // Assert
      expect(result.jwks).toEqual({ keys: [RSA, EC], source: 'test' });
      expect(result.rejected).toEqual([
        { kid: 'forgeable', reason: 'RSA public exponent is not 65537' },
        { kid: undefined, reason: 'no kid, so no token can select it' },
      ]);
    });

    it.each([
      { name: 'a numeric kid', entry: { ...RSA, kid: 7 }, kid: undefined },
      { name: 'a non-string kty', entry: { ...RSA, kid: 'odd', kty: ['RSA'] }, kid: 'odd' },
      { name: 'a string instead of an object', entry: 'not a key', kid: undefined },
      { name: 'null', entry: null, kid: undefined },
    ])('drops an entry with $name but keeps the well-formed keys beside it', ({ entry, kid }) => {
      // Act
      const result = applyKeyPolicy({ keys: [entry, RSA] }, OPTIONS);
      // Assert
      expect(result.jwks.keys).toEqual([RSA]);
      expect(result.rejected).toEqual([{ kid, reason: 'not a well-formed JWK (a standard field has the wrong type)' }]);
    });

    it('judges at most maxKeys entries of a set: the rest are dropped unjudged, under one rejection', () => {
      // Prepare: 300 distinct RSA moduli (a hostile set well within the byte cap; the judge counts
      // its calls and finds nothing, so the moduli need not be real keys)
      let checks = 0;
      const policy = new KeyPolicy(OPTIONS, () => {
        checks++;
        return undefined;
      });
      const keys = Array.from({ length: 300 }, (_, index) => ({ ...RSA, kid: `k${index}`, n: distinctModulus(index) }));
      // Act
      const result = policy.apply({ keys });
      // Assert
      const judged = new Set<string | undefined>(keys.slice(0, VERIFICATION_SETTINGS.maxJwksKeys).map((jwk) => jwk.kid));
      expect(checks).toBe(VERIFICATION_SETTINGS.maxJwksKeys);
      expect(result.jwks.keys.length).toBeGreaterThan(0);
      expect(result.jwks.keys.every((jwk) => judged.has(jwk.kid))).toBe(true);
      expect(result.rejected[0]).toEqual({
        kid: undefined,
        reason: '250 keys after the first 50 of the set, unjudged (the key policy judges at most 50 per set)',
      });
      // The rest of the rejections (moduli of this made-up set that share a small prime) are among the judged.
      expect(result.rejected.slice(1).every((rejection) => judged.has(rejection.kid))).toBe(true);
    });

    it('judges a set of exactly maxKeys entries whole', () => {
      // Act
      const result = applyKeyPolicy({ keys: [RSA, EC, { ...RSA, kid: 'third' }] }, { ...OPTIONS, maxKeys: 3 });
      // Assert
      expect(result.jwks.keys).toHaveLength(3);
      expect(result.rejected).toEqual([]);
    });

    it('leaves an empty set when no key is trusted', () => {
      // Act
      const result = applyKeyPolicy({ keys: [{ ...RSA, use: 'enc' }] }, OPTIONS);
      // Assert
      expect(result.jwks.keys).toEqual([]);
      expect(result.rejected).toHaveLength(1);
    });
  });
});
