/**
 * ECDSA signatures' twins: (r, n − s) verifies exactly when (r, s) does, on every curve, and
 * nothing but the length of an ECDSA signature with s in [1, n − 1] has a twin.
 */
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ecdsaSignatureBytes, ecdsaTwin } from '../../../../lambdas/core/verification/ecdsa-signature';

const INPUT = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9';
const CURVES = [
  { alg: 'ES256', curve: 'P-256', hash: 'sha256', bytes: 64 },
  { alg: 'ES384', curve: 'P-384', hash: 'sha384', bytes: 96 },
  { alg: 'ES512', curve: 'P-521', hash: 'sha512', bytes: 132 },
] as const;

describe('ecdsa-signature', () => {
  it.each(CURVES)('gives every $alg token a twin that verifies too, and back', ({ curve, hash }) => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
    for (let i = 0; i < 20; i++) {
      // Prepare
      const signature = sign(hash, Buffer.from(INPUT), { key: privateKey, dsaEncoding: 'ieee-p1363' });
      const token = `${INPUT}.${signature.toString('base64url')}`;
      // Act
      const twin = ecdsaTwin(token) ?? '';
      // Assert
      const twinSignature = Buffer.from(twin.split('.')[2] ?? '', 'base64url');
      expect(twin).not.toBe(token);
      expect(twin.startsWith(`${INPUT}.`)).toBe(true);
      expect(verify(hash, Buffer.from(INPUT), { key: publicKey, dsaEncoding: 'ieee-p1363' }, twinSignature)).toBe(true);
      expect(ecdsaTwin(twin)).toBe(token);
    }
  });

  it.each([
    { name: 'an RS256-length signature', signature: Buffer.alloc(256, 1) },
    { name: 's = 0', signature: Buffer.concat([Buffer.alloc(32, 1), Buffer.alloc(32)]) },
    { name: 's = all ones (≥ n)', signature: Buffer.alloc(64, 0xff) },
    { name: 'an empty signature', signature: Buffer.alloc(0) },
  ])('gives $name no twin', ({ signature }) => {
    expect(ecdsaTwin(`${INPUT}.${signature.toString('base64url')}`)).toBeUndefined();
  });

  it('knows the signature length of each ECDSA algorithm and of nothing else', () => {
    expect(CURVES.map(({ alg }) => ecdsaSignatureBytes(alg))).toEqual(CURVES.map(({ bytes }) => bytes));
    for (const other of ['RS256', 'EdDSA', '__proto__', 'constructor', 7]) expect(ecdsaSignatureBytes(other)).toBeUndefined();
  });
});
