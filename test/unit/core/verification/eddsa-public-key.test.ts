/**
 * Ed25519 and Ed448 public keys no honest signer can have: every encoding of a small-order point
 * (aliases included) and every non-canonical encoding, judged against an independent decoder that
 * computes [cofactor]·P (test/helpers/edwards.ts). Real keys are generated per run.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eddsaKeyWeakness } from '../../../../lambdas/core/verification/eddsa-public-key';
import { judgeEdwardsKey } from '../../../helpers/edwards';
import { ED25519_SMALL_ORDER_ENCODINGS, ED448_SMALL_ORDER_ENCODINGS } from '../../../helpers/weak-keys';

const publicX = (crv: 'ed25519' | 'ed448'): Buffer =>
  Buffer.from(String(generateKeyPairSync(crv as 'ed25519').publicKey.export({ format: 'jwk' }).x), 'base64url');

describe('eddsa-public-key', () => {
  it.each(ED25519_SMALL_ORDER_ENCODINGS.map((hex) => ({ hex })))('rejects the Ed25519 small-order encoding $hex', ({ hex }) => {
    // Act
    const reason = eddsaKeyWeakness('Ed25519', Buffer.from(hex, 'hex'));
    // Assert
    expect(reason).toMatch(/^Ed25519 public key (has small order|is not canonically encoded)/);
    expect(judgeEdwardsKey('Ed25519', Buffer.from(hex, 'hex'))).toMatch(/small-order|non-canonical/);
  });

  it.each(ED448_SMALL_ORDER_ENCODINGS.map((hex) => ({ hex })))('rejects the Ed448 small-order encoding $hex', ({ hex }) => {
    expect(eddsaKeyWeakness('Ed448', Buffer.from(hex, 'hex'))).toMatch(/^Ed448 public key (has small order|is not canonically encoded)/);
  });

  it('rejects the Ed25519 identity point as small order, the alias y = p + 1 as non-canonical', () => {
    expect(eddsaKeyWeakness('Ed25519', Buffer.from(ED25519_SMALL_ORDER_ENCODINGS[0] ?? '', 'hex'))).toBe(
      'Ed25519 public key has small order (anyone could forge signatures for it)',
    );
    expect(eddsaKeyWeakness('Ed25519', Buffer.from(ED25519_SMALL_ORDER_ENCODINGS[2] ?? '', 'hex'))).toBe(
      'Ed25519 public key is not canonically encoded (y is not below the field prime)',
    );
  });

  it.each([
    {
      name: 'an Ed448 key with a spare bit of its last byte set',
      crv: 'Ed448' as 'Ed25519' | 'Ed448',
      x: () => {
        const x = publicX('ed448');
        x[56] = 0x01;
        return x;
      },
    },
    { name: 'a 31-byte Ed25519 key', crv: 'Ed25519' as 'Ed25519' | 'Ed448', x: () => randomBytes(31) },
    { name: 'a 58-byte Ed448 key', crv: 'Ed448' as 'Ed25519' | 'Ed448', x: () => randomBytes(58) },
  ])('rejects $name', ({ crv, x: build }) => {
    // Prepare
    const x = build();
    // Act, Assert
    expect(eddsaKeyWeakness(crv, x)).toBeDefined();
  });

  it('accepts 200 freshly generated Ed25519 keys and 50 Ed448 keys', () => {
    for (let i = 0; i < 200; i++) expect(eddsaKeyWeakness('Ed25519', publicX('ed25519'))).toBeUndefined();
    for (let i = 0; i < 50; i++) expect(eddsaKeyWeakness('Ed448', publicX('ed448'))).toBeUndefined();
  });

  it('agrees with decoding and multiplying by the cofactor, on random and near-boundary encodings', () => {
    const p25519 = 2n ** 255n - 19n;
    const p448 = 2n ** 448n - 2n ** 224n - 1n;
    const encode = (y: bigint, bytes: number, signBit: boolean): Buffer => {
      const out = Buffer.alloc(bytes);
      let rest = y;
      for (let i = 0; i < bytes; i++) {
        out[i] = Number(rest & 0xffn);
        rest >>= 8n;
      }
      if (signBit) out[bytes - 1] = (out[bytes - 1] ?? 0) | 0x80;
      return out;
    };
    const near = (p: bigint): bigint[] => [0n, 1n, 2n, p - 2n, p - 1n, p, p + 1n, p + 2n];
    const encodingArb = fc.oneof(
      fc.record({ crv: fc.constant('Ed25519' as const), x: fc.uint8Array({ minLength: 32, maxLength: 32 }) }),
      fc.record({
        crv: fc.constant('Ed448' as const),
        x: fc.uint8Array({ minLength: 56, maxLength: 56 }).map((y) => Uint8Array.from([...y, 0])),
      }),
      fc
        .tuple(fc.constantFrom(...near(p25519)), fc.boolean())
        .map(([y, sign]) => ({ crv: 'Ed25519' as const, x: new Uint8Array(encode(y, 32, sign)) })),
      fc
        .tuple(fc.constantFrom(...near(p448)), fc.boolean())
        .map(([y, sign]) => ({ crv: 'Ed448' as const, x: new Uint8Array(encode(y, 57, sign)) })),
    );
    fc.assert(
      fc.property(encodingArb, ({ crv, x }) => {
        const verdict = judgeEdwardsKey(crv, x);
        const rejected = eddsaKeyWeakness(crv, x) !== undefined;
        // Points not on the curve are left to OpenSSL, which cannot verify anything under them.
        if (verdict !== 'not-on-curve') expect(rejected).toBe(verdict === 'non-canonical' || verdict === 'small-order');
      }),
      { numRuns: 400 },
    );
  });
});
