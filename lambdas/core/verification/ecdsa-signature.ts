/**
 * The two facts about JWS ECDSA signatures (ES256/384/512) that the rest of Tollbooth relies on:
 * their exact length, and the second signature every valid one has.
 *
 * A JWS ECDSA signature is r ‖ s, each the size of the curve order (RFC 7518 §3.4). If (r, s)
 * verifies, so does (r, n − s), where n is the curve order: that is ECDSA, not a bug, and OpenSSL
 * produces high and low s alike (so refusing one half would refuse half of every honest issuer's
 * tokens). A valid ES token therefore has exactly one *twin* — another token string, with the
 * same header, the same claims and a signature just as valid. Anything keyed on the token string
 * must treat the two as one token ({@link ecdsaTwin}). Any other change to an ES signature (s or
 * r out of [1, n − 1], s + n, a wrong length) does not verify; a wrong length makes Node throw,
 * which is why the length is checked first ({@link ecdsaSignatureBytes}).
 */

/** Bytes of an r ‖ s signature per algorithm. */
const ECDSA_SIGNATURE_BYTES: ReadonlyMap<string, number> = new Map([
  ['ES256', 64],
  ['ES384', 96],
  ['ES512', 132],
]);

/** The order n of each curve's base point (Wycheproof `ec_prime_order_curves_test.json`; SEC 2, FIPS 186-4). */
const CURVE_ORDERS: ReadonlyMap<number, bigint> = new Map([
  [64, 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n],
  [96, 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n],
  [
    132,
    0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
  ],
]);

/** Base64url characters of an unpadded signature of each ECDSA length: 86, 128 and 176. */
const LENGTH_OF_ENCODED = new Map([...CURVE_ORDERS.keys()].map((bytes) => [Math.ceil((bytes * 4) / 3), bytes]));

/**
 * The token with its ECDSA signature's s replaced by n − s, if its signature has the length of an
 * ECDSA signature and an s in [1, n − 1]; otherwise `undefined`. Which curve is read from the
 * length alone (86 characters are also an Ed25519 signature's), so the caller must only treat the
 * twin as the same token when that token verified as ECDSA on this curve. Expects a compact JWS
 * in canonical base64url (the bearer extraction guarantees it); the twin is canonical too.
 */
export function ecdsaTwin(token: string): string | undefined {
  const lastDot = token.lastIndexOf('.');
  const bytes = LENGTH_OF_ENCODED.get(token.length - lastDot - 1);
  const n = bytes === undefined ? undefined : CURVE_ORDERS.get(bytes);
  if (bytes === undefined || n === undefined) return undefined;
  const signature = Buffer.from(token.slice(lastDot + 1), 'base64url');
  if (signature.length !== bytes) return undefined;
  const half = bytes / 2;
  const s = BigInt(`0x${signature.subarray(half).toString('hex')}`);
  if (s === 0n || s >= n) return undefined;
  const twinS = Buffer.from((n - s).toString(16).padStart(bytes, '0'), 'hex');
  return `${token.slice(0, lastDot + 1)}${Buffer.concat([signature.subarray(0, half), twinS]).toString('base64url')}`;
}

/** The length in bytes of an `alg` signature, if `alg` is an ECDSA algorithm. */
export function ecdsaSignatureBytes(alg: unknown): number | undefined {
  return typeof alg === 'string' ? ECDSA_SIGNATURE_BYTES.get(alg) : undefined;
}
