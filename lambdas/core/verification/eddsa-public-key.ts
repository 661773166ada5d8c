/**
 * Says whether an Ed25519 or Ed448 public key (a JWK's `x`) is a key no honest signer can have:
 * a non-canonical encoding, or a point of small order.
 *
 * Node imports any 32 or 57 bytes as an OKP key and OpenSSL verifies against it. With a point of
 * small order as the public key A, [k]A vanishes for a share of messages (for the identity point,
 * for all of them), so a signature chosen without any private key verifies: with the Ed25519
 * identity key, R = identity and S = 0 verified on every message tried; with an Ed448 key of order
 * 4, a signature of zero bytes did (crypto research §1). Such a key is the signature scheme
 * switched off.
 *
 * RFC 8032 encodes a point as its y coordinate, little-endian, with the sign of x in the top bit.
 * The checks (no square root, no point arithmetic):
 *
 * - canonical (RFC 8032 §5.1.3 and §5.2.3 make decoding fail otherwise): y < p; not "negative
 *   zero" (x = 0 only when y² = 1, so y ∈ {1, p − 1} with the sign bit set); for Ed448, the seven
 *   spare bits of the last byte clear;
 * - not of small order: every point whose order divides the cofactor (8 for Ed25519, 4 for Ed448)
 *   has y ∈ {0, 1, p − 1, y₈, p − y₈} (Ed25519) or {0, 1, p − 1} (Ed448). The sign bit only picks
 *   x, so this covers every encoding of those points, aliases included — a list of the eight
 *   canonical Ed25519 encodings would miss six aliases OpenSSL accepts (C2SP/CCTV, `ed25519/`).
 *
 * Keys of mixed order (a small-order component added to a real key) pass both checks; they do not
 * let anyone sign without the private key, and finding them costs a full scalar multiplication.
 */

/** Why this OKP public key must not be trusted, or `undefined`. `x` is the decoded JWK member. */
export function eddsaKeyWeakness(crv: 'Ed25519' | 'Ed448', x: Uint8Array): string | undefined {
  const curve = CURVES[crv];
  if (x.length !== curve.bytes) return `${crv} public key is not ${curve.bytes} bytes`;
  const last = x[curve.bytes - 1] ?? 0;
  const sign = (last & 0x80) !== 0;
  if (crv === 'Ed448' && (last & 0x7f) !== 0) return `${crv} public key is not canonically encoded (spare bits set)`;
  const y = littleEndian(x) & curve.yMask;
  if (y >= curve.p) return `${crv} public key is not canonically encoded (y is not below the field prime)`;
  if (sign && (y === 1n || y === curve.p - 1n)) return `${crv} public key is not canonically encoded (x is negative zero)`;
  if (curve.smallOrderY.has(y)) return `${crv} public key has small order (anyone could forge signatures for it)`;
  return undefined;
}

interface Curve {
  readonly bytes: number;
  readonly p: bigint;
  /** Clears the sign bit (Ed25519) or the whole last byte (Ed448: y has 448 bits). */
  readonly yMask: bigint;
  readonly smallOrderY: ReadonlySet<bigint>;
}

const P25519 = 2n ** 255n - 19n;
/** y of the four points of order 8 is this or p minus it (libsodium, `ed25519_ref10.c`; derived in the crypto research). */
const Y8_25519 = 2707385501144840649318225287225658788936804267575313519463743609750303402022n;
const P448 = 2n ** 448n - 2n ** 224n - 1n;

const CURVES: Readonly<Record<'Ed25519' | 'Ed448', Curve>> = {
  Ed25519: {
    bytes: 32,
    p: P25519,
    yMask: (1n << 255n) - 1n,
    smallOrderY: new Set([0n, 1n, P25519 - 1n, Y8_25519, P25519 - Y8_25519]),
  },
  Ed448: { bytes: 57, p: P448, yMask: (1n << 448n) - 1n, smallOrderY: new Set([0n, 1n, P448 - 1n]) },
};

function littleEndian(bytes: Uint8Array): bigint {
  return BigInt(`0x${Buffer.from(bytes).reverse().toString('hex') || '0'}`);
}
