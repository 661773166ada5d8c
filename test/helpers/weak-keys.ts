/**
 * Public keys that let anyone forge signatures, built at run time (no key material is checked in),
 * and the forgeries themselves: the key policy's test vectors and the attack catalogue's weapons.
 *
 * RSA: moduli whose factorisation is known or trivial (n = p², n = p³, n = 3q, a prime n, primes
 * close enough for Fermat's method, two keys sharing a prime, RSALib's ROCA structure), each with
 * the φ(n) a forger would compute, so {@link forgeRs256} can sign any payload under it. EdDSA:
 * every encoding of a small-order point (C2SP/CCTV's fourteen Ed25519 strings, and the Ed448
 * ones) and the signatures that verify for any message under some of them.
 *
 * One public vector is written out: Wycheproof's ROCA key (`testvectors/json_web_key_test.json`,
 * group `jws_rsa_roca_key`, tcId 7, "rejectsKeyWithRocaVulnerability"; google/wycheproof @
 * 507bb99, Apache-2.0) — a public key only.
 */
import { checkPrimeSync, createHash, generatePrimeSync, randomBytes } from 'node:crypto';

/** Wycheproof's ROCA-vulnerable RS256 key (public), as its JWK test vector publishes it. */
export const WYCHEPROOF_ROCA_JWK = {
  kty: 'RSA',
  alg: 'RS256',
  use: 'sig',
  kid: 'kid-rsa-roca-sign',
  e: 'AQAB',
  n: 'AanFpofbj7KjD4Lf-N2hVMKR7yewSyXhhbirIMTGpfYEhZ_lnt5UoK98DnKIgArXGTu3MaW_HhFw16HGaTDUHqPrId7fe4r11CqRw09yBFuW79V8sYIwHdzCaWflUI6auImYbVfoN9_nD5n8N8SY9DwXw7mwZM9wREPXoDPgOoIWl6q_MPsp7n0zs3Z5ZaiQWOOzl1S9OhwAfSiiOwz6efnXEaxuTEtPd7BjSx7NaFka8Dx9U7YqXy2RFj1O9PjyaDGuRh7YXsX3iMUSP_wSyHQg_c_qHRtKUsNSGCT7OZg0hzm2KphtjnayKJvC64vAbROBR4Ubg6Bxg9IQVZ-QYyE',
} as const;

const E = 65537n;

/** An RSA modulus a forger can use: the modulus and the φ(n) that gives its private exponent. */
export interface WeakModulus {
  readonly name: string;
  readonly n: bigint;
  /** `undefined` when the weakness forbids the key without giving a forgery (an even modulus, ROCA's vector). */
  readonly phi: bigint | undefined;
}

export function prime(bits: number): bigint {
  return generatePrimeSync(bits, { bigint: true }) as bigint;
}

/** The weak moduli of the catalogue and the unit tests, all of 2048 bits or a few more (so the size checks pass). */
export function weakModuli(): WeakModulus[] {
  const p1024 = prime(1024);
  const q1024 = prime(1024);
  const close = nextPrime(p1024 + (1n << 400n));
  const q2046 = prime(2046);
  const p683 = prime(683);
  const lone = prime(2048);
  const r1024 = prime(1024);
  let rocaModulus = 0n;
  while (rocaModulus.toString(2).length !== 2048) rocaModulus = rocaPrime(1024) * rocaPrime(1024);
  return [
    { name: 'n = p² (a square)', n: p1024 * p1024, phi: p1024 * (p1024 - 1n) },
    { name: 'n = p³ (a cube)', n: p683 ** 3n, phi: p683 ** 2n * (p683 - 1n) },
    { name: 'n = 3q (the small prime factor 3)', n: 3n * q2046, phi: 2n * (q2046 - 1n) },
    { name: 'n prime', n: lone, phi: lone - 1n },
    { name: 'n = pq with |p − q| ≈ 2^400 (Fermat)', n: p1024 * close, phi: (p1024 - 1n) * (close - 1n) },
    { name: 'n even (2q)', n: 2n * prime(2047), phi: undefined },
    { name: 'n with ROCA structure (p, q from 65537^a mod M)', n: rocaModulus, phi: undefined },
    // A pair: each gives the other away (one gcd), so both are forgeable by anyone who sees the set.
    { name: 'n = pq sharing q with the next key of the set', n: p1024 * q1024, phi: (p1024 - 1n) * (q1024 - 1n) },
    { name: 'n = qr sharing q with the previous key of the set', n: q1024 * r1024, phi: (q1024 - 1n) * (r1024 - 1n) },
  ];
}

/** A prime p = k·M + (65537^a mod M), M = 2·3·…·167: the structure of Infineon RSALib's primes (ROCA). */
export function rocaPrime(bits: number): bigint {
  const m = primesUpTo(167).reduce((product, p) => product * BigInt(p), 1n);
  const kBits = bits - m.toString(2).length + 1;
  for (;;) {
    const k = randomBits(kBits) | (1n << BigInt(kBits - 1));
    const candidate = k * m + modPow(E, randomBits(64), m);
    if (candidate.toString(2).length === bits && checkPrimeSync(candidate)) return candidate;
  }
}

function randomBits(bits: number): bigint {
  const bytes = Math.ceil(bits / 8);
  return BigInt(`0x${randomBytes(bytes).toString('hex')}`) >> BigInt(bytes * 8 - bits);
}

/** A public RSA JWK for a modulus (e = 65537). */
export function rsaJwk(n: bigint, kid: string): Record<string, string> {
  return { kty: 'RSA', kid, alg: 'RS256', use: 'sig', e: 'AQAB', n: unsignedBytes(n).toString('base64url') };
}

/** An RS256 JWS over `header.payload`, signed with the private exponent φ(n) gives away (PKCS #1 v1.5). */
export function forgeRs256(signingInput: string, n: bigint, phi: bigint): string {
  const d = modInverse(E, phi);
  const k = unsignedBytes(n).length;
  const digestInfo = Buffer.concat([
    Buffer.from('3031300d060960864801650304020105000420', 'hex'),
    createHash('sha256').update(signingInput).digest(),
  ]);
  const encoded = Buffer.concat([Buffer.from([0, 1]), Buffer.alloc(k - 3 - digestInfo.length, 0xff), Buffer.from([0]), digestInfo]);
  const signature = modPow(BigInt(`0x${encoded.toString('hex')}`), d, n);
  return `${signingInput}.${unsignedBytes(signature, k).toString('base64url')}`;
}

/**
 * Every 32-byte string a lenient decoder maps to an Ed25519 point of order dividing 8: the eight
 * canonical encodings and six aliases (C2SP/CCTV `ed25519/README.md`; crypto research §1.1).
 */
export const ED25519_SMALL_ORDER_ENCODINGS: readonly string[] = [
  '0100000000000000000000000000000000000000000000000000000000000000',
  '0100000000000000000000000000000000000000000000000000000000000080',
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0000000000000000000000000000000000000000000000000000000000000080',
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa',
];

/** Ed448 encodings of the points of order dividing 4, canonical and aliased (y = p, p + 1; x = −0). */
export const ED448_SMALL_ORDER_ENCODINGS: readonly string[] = (() => {
  const p = 2n ** 448n - 2n ** 224n - 1n;
  const encode = (y: bigint, sign: boolean): string => {
    const bytes = Buffer.alloc(57);
    littleEndianInto(y, bytes, 56);
    bytes[56] = sign ? 0x80 : 0;
    return bytes.toString('hex');
  };
  return [encode(1n, false), encode(p - 1n, false), encode(0n, false), encode(0n, true), encode(1n, true), encode(p - 1n, true)].concat(
    [p, p + 1n].flatMap((y) => [encode(y, false), encode(y, true)]),
  );
})();

/** The Ed25519 identity key's universal forgery: R = the identity's encoding, S = 0 (any message). */
export const ED25519_IDENTITY_SIGNATURE = Buffer.concat([Buffer.from(ED25519_SMALL_ORDER_ENCODINGS[0] ?? '', 'hex'), Buffer.alloc(32)]);

/** Under an Ed448 key of order 4, (R = (1, 0), S = 0) — 114 zero bytes — verifies for any message (cofactored check). */
export const ED448_ORDER_4_SIGNATURE = Buffer.alloc(114);

/** An OKP JWK with the given public key bytes. */
export function okpJwk(crv: 'Ed25519' | 'Ed448', xHex: string, kid: string): Record<string, string> {
  return { kty: 'OKP', crv, kid, alg: 'EdDSA', use: 'sig', x: Buffer.from(xHex, 'hex').toString('base64url') };
}

export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
}

function modInverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [a % m, m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const quotient = oldR / r;
    [oldR, r] = [r, oldR - quotient * r];
    [oldS, s] = [s, oldS - quotient * s];
  }
  if (oldR !== 1n) throw new Error('not invertible');
  return ((oldS % m) + m) % m;
}

function nextPrime(from: bigint): bigint {
  let candidate = from | 1n;
  while (!checkPrimeSync(candidate)) candidate += 2n;
  return candidate;
}

export function unsignedBytes(value: bigint, length?: number): Buffer {
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  const bytes = Buffer.from(hex, 'hex');
  return length === undefined || bytes.length >= length ? bytes : Buffer.concat([Buffer.alloc(length - bytes.length), bytes]);
}

function littleEndianInto(value: bigint, bytes: Buffer, length: number): void {
  let rest = value;
  for (let i = 0; i < length; i++) {
    bytes[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
}

function primesUpTo(limit: number): number[] {
  const primes: number[] = [];
  for (let candidate = 2; candidate <= limit; candidate++) if (primes.every((p) => candidate % p !== 0)) primes.push(candidate);
  return primes;
}
