/**
 * Detects RSA moduli made by Infineon's RSALib (ROCA, CVE-2017-15361), whose private keys can be
 * computed from the public key.
 *
 * RSALib builds each prime as p = k·M + (65537^a mod M), M a primorial. Every such M is divisible
 * by every prime up to 167, so n = pq lies, modulo each of those primes r, in the subgroup that
 * 65537 generates in (ℤ/r)*. Two tests, as in the reference detector (crocs-muni/roca,
 * `roca/detect.py`):
 *
 * 1. **Residues**: n mod r is in ⟨65537⟩ for each of the 17 primes r ≤ 167 where that subgroup is
 *    proper (for the others 65537 generates everything, and they say nothing — these 17 are
 *    exactly Wycheproof's `RsaKeyTest` set). A random modulus passes with probability 2^-27.8.
 * 2. **Discrete logarithm**, only for a modulus that passed: n mod M must be a power of 65537
 *    modulo M = 2·3·5·…·167 with one exponent for all primes at once (Pohlig–Hellman over the
 *    order of 65537, about 2^61). A random modulus passes both with probability 2^-154.9.
 *
 * Costs microseconds; no real RSA key other than RSALib's has the fingerprint.
 */

const GENERATOR = 65537;
/** The largest prime every RSALib primorial contains. */
const LARGEST_PRIME = 167;

const PRIMES = primesUpTo(LARGEST_PRIME);

/** Powers of 65537 modulo each prime r ≤ 167 whose subgroup is proper, as a membership table. */
const INFORMATIVE: readonly { readonly r: number; readonly bigR: bigint; readonly powers: Uint8Array }[] = PRIMES.filter((r) => r > 2)
  .map((r) => {
    const powers = new Uint8Array(r);
    let value = 1;
    let size = 0;
    do {
      powers[value] = 1;
      size++;
      value = (value * (GENERATOR % r)) % r;
    } while (value !== 1);
    return { r, bigR: BigInt(r), powers, size };
  })
  .filter(({ r, size }) => size < r - 1)
  .map(({ r, bigR, powers }) => ({ r, bigR, powers }));

/** The primes the residue test uses (for tests and documentation). */
export const ROCA_RESIDUE_PRIMES: readonly number[] = INFORMATIVE.map(({ r }) => r);

const M = PRIMES.reduce((product, r) => product * BigInt(r), 1n);
const ORDER = PRIMES.reduce((order, r) => lcm(order, BigInt(multiplicativeOrder(GENERATOR % r, r))), 1n);
const ORDER_PRIME_POWERS = primePowersOf(ORDER);
const BIG_GENERATOR = BigInt(GENERATOR);

/** True when the modulus has the structure of RSALib's keys. */
export function hasRocaFingerprint(n: bigint): boolean {
  for (const { bigR, powers } of INFORMATIVE) if (powers[Number(n % bigR)] !== 1) return false;
  return isPowerOfGeneratorModM(n % M);
}

function isPowerOfGeneratorModM(h: bigint): boolean {
  if (gcd(h, M) !== 1n || modPow(h, ORDER, M) !== 1n) return false;
  for (const primePower of ORDER_PRIME_POWERS) {
    const cofactor = ORDER / primePower;
    const g = modPow(BIG_GENERATOR, cofactor, M);
    const target = modPow(h, cofactor, M);
    let power = 1n;
    let found = false;
    for (let i = 0n; i < primePower && !found; i++) {
      found = power === target;
      power = (power * g) % M;
    }
    if (!found) return false;
  }
  return true;
}

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
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

function multiplicativeOrder(a: number, r: number): number {
  if (r === 2) return 1;
  let order = 1;
  for (let value = a % r; value !== 1; value = (value * a) % r) order++;
  return order;
}

/** The prime powers q^e exactly dividing n (n's prime factors are all small here). */
function primePowersOf(n: bigint): bigint[] {
  const powers: bigint[] = [];
  let rest = n;
  for (let q = 2n; q * q <= rest; q++) {
    if (rest % q !== 0n) continue;
    let power = 1n;
    while (rest % q === 0n) {
      rest /= q;
      power *= q;
    }
    powers.push(power);
  }
  if (rest > 1n) powers.push(rest);
  return powers;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

function lcm(a: bigint, b: bigint): bigint {
  return (a / gcd(a, b)) * b;
}

function primesUpTo(limit: number): number[] {
  const primes: number[] = [];
  for (let candidate = 2; candidate <= limit; candidate++) if (primes.every((p) => candidate % p !== 0)) primes.push(candidate);
  return primes;
}
