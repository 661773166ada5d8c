/**
 * An independent judge of Ed25519 and Ed448 public keys for the tests: RFC 8032 decoding (§5.1.3,
 * §5.2.3, with square roots) and point arithmetic, so "small order" is decided by computing
 * [cofactor]·P and comparing with the identity — by definition, with no list of points. The key
 * policy (lambdas/core/verification/eddsa-public-key.ts) decides from y alone; the tests check
 * that the two agree.
 *
 * Slow (BigInt, affine coordinates, an inversion per addition) and only for tests.
 */

export type EdwardsVerdict = 'canonical-point' | 'non-canonical' | 'not-on-curve' | 'small-order';

interface Curve {
  readonly p: bigint;
  readonly a: bigint;
  readonly d: bigint;
  readonly bytes: number;
  readonly cofactor: number;
}

const P25519 = 2n ** 255n - 19n;
const P448 = 2n ** 448n - 2n ** 224n - 1n;

const CURVES: Readonly<Record<'Ed25519' | 'Ed448', Curve>> = {
  Ed25519: { p: P25519, a: P25519 - 1n, d: mod(-121665n * inverse(121666n, P25519), P25519), bytes: 32, cofactor: 8 },
  Ed448: { p: P448, a: 1n, d: mod(-39081n, P448), bytes: 57, cofactor: 4 },
};

/** Decodes a public key strictly and says what it is. */
export function judgeEdwardsKey(crv: 'Ed25519' | 'Ed448', encoded: Uint8Array): EdwardsVerdict {
  const curve = CURVES[crv];
  if (encoded.length !== curve.bytes) return 'non-canonical';
  const bytes = Buffer.from(encoded);
  const last = bytes[curve.bytes - 1] ?? 0;
  const sign = last >> 7;
  if (crv === 'Ed448' && (last & 0x7f) !== 0) return 'non-canonical';
  bytes[curve.bytes - 1] = last & 0x7f;
  const y = BigInt(`0x${Buffer.from(bytes).reverse().toString('hex')}`);
  if (y >= curve.p) return 'non-canonical';
  // x² = (1 − y²) / (a − d·y²), from a·x² + y² = 1 + d·x²·y².
  const x2 = mod((1n - y * y) * inverse(mod(curve.a - curve.d * y * y, curve.p), curve.p), curve.p);
  const root = squareRoot(x2, curve.p);
  if (root === undefined) return 'not-on-curve';
  if (root === 0n && sign === 1) return 'non-canonical';
  const x = Number(root & 1n) === sign ? root : curve.p - root;
  let point: readonly [bigint, bigint] = [x, y];
  for (let multiple = 1; multiple < curve.cofactor; multiple *= 2) point = add(curve, point, point);
  return point[0] === 0n && point[1] === 1n ? 'small-order' : 'canonical-point';
}

function add(curve: Curve, [x1, y1]: readonly [bigint, bigint], [x2, y2]: readonly [bigint, bigint]): [bigint, bigint] {
  const { p, a, d } = curve;
  const t = mod(d * x1 * x2 * y1 * y2, p);
  const x3 = mod((x1 * y2 + x2 * y1) * inverse(mod(1n + t, p), p), p);
  const y3 = mod((y1 * y2 - a * x1 * x2) * inverse(mod(1n - t, p), p), p);
  return [x3, y3];
}

/** A square root modulo p (p ≡ 5 mod 8 or p ≡ 3 mod 4, as for both curves), or `undefined`. */
function squareRoot(value: bigint, p: bigint): bigint | undefined {
  if (value === 0n) return 0n;
  let root: bigint;
  if (p % 4n === 3n) {
    root = power(value, (p + 1n) / 4n, p);
  } else {
    root = power(value, (p + 3n) / 8n, p);
    if (mod(root * root, p) !== value) root = mod(root * power(2n, (p - 1n) / 4n, p), p);
  }
  return mod(root * root, p) === value ? root : undefined;
}

function power(base: bigint, exponent: bigint, m: bigint): bigint {
  let result = 1n;
  let b = mod(base, m);
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return result;
}

function inverse(value: bigint, p: bigint): bigint {
  return power(value, p - 2n, p);
}

function mod(value: bigint, m: bigint): bigint {
  const r = value % m;
  return r < 0n ? r + m : r;
}
