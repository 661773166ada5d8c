/**
 * RSA moduli that give the private key away, built per run (test/helpers/weak-keys.ts): each is
 * refused with its reason, and for each one with a known φ(n) the forged signature is shown to
 * verify under Node, so the case is a real forgery and not a pedantry. Real keys pass.
 */
import { createPublicKey, generateKeyPairSync, randomBytes, verify, type JsonWebKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { moduliSharingAPrime, rsaModulusWeakness } from '../../../../lambdas/core/verification/rsa-modulus';
import { hasRocaFingerprint, ROCA_RESIDUE_PRIMES } from '../../../../lambdas/core/verification/roca-fingerprint';
import { forgeRs256, prime, rocaPrime, rsaJwk, weakModuli, WYCHEPROOF_ROCA_JWK } from '../../../helpers/weak-keys';

const toBigInt = (base64url: string): bigint => BigInt(`0x${Buffer.from(base64url, 'base64url').toString('hex')}`);
const modulusOf = (bits: number): bigint =>
  toBigInt(String(generateKeyPairSync('rsa', { modulusLength: bits }).publicKey.export({ format: 'jwk' }).n));
/** Real moduli, generated once: RSA key generation is most of this file's run time. */
const REAL_MODULI = [2048, 2048, 2048, 2048, 3072, 4096].map(modulusOf);

const WEAK = weakModuli();
const byName = (prefix: string): bigint => WEAK.find((weak) => weak.name.startsWith(prefix))?.n ?? 0n;

describe('rsa-modulus', () => {
  it.each([
    { name: 'n = p²', reason: 'RSA modulus is a perfect power (an integer to the power 2)' },
    { name: 'n = p³', reason: 'RSA modulus is a perfect power (an integer to the power 3)' },
    { name: 'n = 3q', reason: 'RSA modulus has the small prime factor 3' },
    { name: 'n prime', reason: 'RSA modulus is prime' },
    { name: 'n = pq with |p − q|', reason: "RSA modulus factors by Fermat's method (its two primes are too close)" },
    { name: 'n even', reason: 'RSA modulus is even' },
    { name: 'n with ROCA structure', reason: 'RSA modulus has the ROCA fingerprint (CVE-2017-15361: Infineon RSALib primes)' },
  ])('refuses $name: $reason', ({ name, reason }) => {
    expect(rsaModulusWeakness(byName(name), 65537n)).toBe(reason);
  });

  it.each(WEAK.filter((weak) => weak.phi !== undefined).map((weak) => ({ name: weak.name, weak })))(
    'the forgery for $name verifies under Node (what the check prevents is real)',
    ({ weak }) => {
      // Prepare
      const [header, payload, signature] = forgeRs256('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJtYWxsb3J5In0', weak.n, weak.phi ?? 0n).split('.');
      const key = createPublicKey({ key: rsaJwk(weak.n, 'weak') as JsonWebKey, format: 'jwk' });
      // Act
      const verified = verify('sha256', Buffer.from(`${header}.${payload}`), key, Buffer.from(signature ?? '', 'base64url'));
      // Assert
      expect(verified).toBe(true);
    },
  );

  it('refuses a small factor just below 2^16 and a modulus not greater than its exponent', () => {
    expect(rsaModulusWeakness(65521n * prime(2032), 65537n)).toBe('RSA modulus has the small prime factor 65521');
    expect(rsaModulusWeakness(65537n, 65537n)).toBe('RSA modulus is not greater than its public exponent');
  });

  it('refuses the ROCA-vulnerable key of Wycheproof’s JWK vectors (tcId 7)', () => {
    expect(rsaModulusWeakness(toBigInt(WYCHEPROOF_ROCA_JWK.n), 65537n)).toBe(
      'RSA modulus has the ROCA fingerprint (CVE-2017-15361: Infineon RSALib primes)',
    );
  });

  it('accepts freshly generated 2048-, 3072- and 4096-bit moduli', () => {
    for (const n of REAL_MODULI) expect(rsaModulusWeakness(n, 65537n)).toBeUndefined();
  });

  describe('moduliSharingAPrime', () => {
    it('finds both keys of a pair sharing a prime, and only them', () => {
      // Prepare
      const [p, q, r] = [prime(1024), prime(1024), prime(1024)];
      const unrelated = REAL_MODULI[0] ?? 0n;
      // Act
      const sharing = moduliSharingAPrime([p * q, unrelated, q * r]);
      // Assert
      expect(sharing).toEqual(new Set([p * q, q * r]));
    });

    it('does not count one key published twice (one modulus under two kids)', () => {
      const [n = 0n, other = 0n] = REAL_MODULI;
      expect(moduliSharingAPrime([n, n, other]).size).toBe(0);
    });
  });

  describe('roca-fingerprint', () => {
    it('uses exactly the 17 primes where 65537 generates a proper subgroup (Wycheproof’s RsaKeyTest set)', () => {
      expect(ROCA_RESIDUE_PRIMES).toEqual([11, 13, 17, 19, 37, 53, 61, 71, 73, 79, 97, 103, 107, 109, 127, 151, 157]);
    });

    it('flags moduli built from RSALib-structured primes', () => {
      for (let i = 0; i < 3; i++) expect(hasRocaFingerprint(rocaPrime(1024) * rocaPrime(1024))).toBe(true);
    });

    it('does not flag a modulus whose residues each lie in the subgroups but with no common exponent', () => {
      // Residues chosen independently per prime pass the residue test; the discrete-log test needs
      // one exponent for all primes at once (roca's own "fake_mods" are of this kind).
      const primes = [
        2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 101, 103, 107, 109, 113, 127, 131,
        137, 139, 149, 151, 157, 163, 167,
      ];
      const m = primes.reduce((product, p) => product * BigInt(p), 1n);
      const subgroup = (p: number): Set<number> => {
        const powers = new Set<number>();
        for (let value = 1; !powers.has(value); value = (value * (65537 % p)) % p) powers.add(value);
        return powers;
      };
      for (let attempt = 0; attempt < 20; attempt++) {
        // Prepare
        let n = 0n;
        for (const p of primes) {
          const bigP = BigInt(p);
          const residue = BigInt([...subgroup(p)][Math.floor(Math.random() * subgroup(p).size)] ?? 1);
          const others = m / bigP;
          n = (n + residue * others * modInverse(others % bigP, bigP)) % m;
        }
        n += m * BigInt(`0x${randomBytes(228).toString('hex')}`);
        expect(primes.every((p) => subgroup(p).has(Number(n % BigInt(p))))).toBe(true);
        // Act, Assert
        expect(hasRocaFingerprint(n)).toBe(false);
      }
    });

    it('flags no freshly generated modulus', () => {
      for (const n of REAL_MODULI) expect(hasRocaFingerprint(n)).toBe(false);
    });
  });
});

function modInverse(a: bigint, m: bigint): bigint {
  for (let x = 1n; x < m; x++) if ((a * x) % m === 1n) return x;
  throw new Error('no inverse');
}
