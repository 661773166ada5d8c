/**
 * Takes the bearer token out of the request, refusing anything ambiguous before any parsing:
 * a missing or repeated header, a scheme other than `Bearer` (case-insensitive, RFC 7235), an
 * oversized value, a token in the query string (unless explicitly allowed; and never together with
 * a header token), and anything that is not a three-segment JWS compact serialisation in strict,
 * canonical base64url (no padding, no whitespace, no empty segments, no JWE, no unused bits set
 * in a segment's last character).
 */
import type { TokenConfig } from './config/authorizer-config';
import type { DenyReason } from './reasons';

/** Where a request may carry the token: every value of the token header and of the query parameter. */
export interface TokenCarriers {
  /** Every value of the token header (several when a client sent it more than once). */
  readonly headerValues: readonly string[];
  /** Values of the token query parameter, if the request had any. */
  readonly queryValues: readonly string[];
}

export type TokenExtraction = { readonly ok: true; readonly token: string } | { readonly ok: false; readonly reason: DenyReason };

// RFC 6750 §2.1: "Bearer" 1*SP b64token; we take exactly one space-separated credential.
const BEARER = /^bearer +([^\s]+)$/i;
const JWS_COMPACT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
// Both of the above in one pass, for the header nearly every request carries: scanning a long
// RS256 header twice is a visible share of a repeated token's decision (BENCHMARKS.md, "What was
// optimised"). Anything this does not match takes the two-step path below, which names the
// precise reason.
const BEARER_JWS = /^bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/i;

export function extractToken(request: TokenCarriers, config: TokenConfig): TokenExtraction {
  const { headerValues, queryValues } = request;
  if (queryValues.length > 0 && !config.allowQueryString) return { ok: false, reason: 'token_in_query' };
  // RFC 6750 §2: a client MUST NOT use more than one method to send the token. Two candidate
  // tokens are ambiguous (which one would the backend believe?), so neither is used.
  if (queryValues.length > 0 && headerValues.length > 0) return { ok: false, reason: 'invalid_authorization_header' };

  let credential: string;
  if (headerValues.length > 0) {
    if (headerValues.length > 1) return { ok: false, reason: 'invalid_authorization_header' };
    const value = headerValues[0] ?? '';
    if (value.length > config.maxLength) return { ok: false, reason: 'token_too_large' };
    const wellFormed = BEARER_JWS.exec(value)?.[1];
    if (wellFormed) return isCanonicalJws(wellFormed) ? { ok: true, token: wellFormed } : { ok: false, reason: 'malformed' };
    if (value.trim() === '') return { ok: false, reason: 'missing_token' };
    const bearer = BEARER.exec(value.trim());
    if (!bearer?.[1]) return { ok: false, reason: 'invalid_authorization_header' };
    credential = bearer[1];
  } else if (queryValues.length > 0) {
    if (queryValues.length > 1) return { ok: false, reason: 'invalid_authorization_header' };
    credential = queryValues[0] ?? '';
    if (credential.length > config.maxLength) return { ok: false, reason: 'token_too_large' };
  } else {
    return { ok: false, reason: 'missing_token' };
  }

  if (!JWS_COMPACT.test(credential) || !isCanonicalJws(credential)) return { ok: false, reason: 'malformed' };
  return { ok: true, token: credential };
}

/** Every segment of a JWS (already known to be base64url characters) is canonical. */
function isCanonicalJws(jws: string): boolean {
  const first = jws.indexOf('.');
  const second = jws.indexOf('.', first + 1);
  return (
    isCanonicalBase64Url(jws, 0, first) && isCanonicalBase64Url(jws, first + 1, second) && isCanonicalBase64Url(jws, second + 1, jws.length)
  );
}

/**
 * True when `text.slice(start, end)`, made of base64url characters, is the one canonical spelling
 * of its bytes. Node's decoder (and so aws-jwt-verify) ignores the unused low bits of the last
 * character, so up to four strings decode to the same signature: without this check a token could
 * be altered and still verify (signature malleability), defeating anything keyed on the token
 * string.
 *
 * Only the last character can be at fault, so only it is looked at: with 2 characters left over
 * after whole groups of 4, its low 4 bits are unused; with 3, its low 2 bits; 1 left over is never
 * a whole byte. The same answer as decoding and re-encoding the segment, which cost more than the
 * rest of the extraction on every request (BENCHMARKS.md, "What was optimised").
 */
function isCanonicalBase64Url(text: string, start: number, end: number): boolean {
  const leftOver = (end - start) % 4;
  if (leftOver === 0) return true;
  if (leftOver === 1) return false;
  const last = base64UrlValue(text.charCodeAt(end - 1));
  return (last & (leftOver === 2 ? 0b1111 : 0b11)) === 0;
}

/** The 6-bit value of a base64url character (A–Z, a–z, 0–9, `-`, `_`). */
function base64UrlValue(code: number): number {
  if (code >= 65 && code <= 90) return code - 65;
  if (code >= 97 && code <= 122) return code - 71;
  if (code >= 48 && code <= 57) return code + 4;
  return code === 45 ? 62 : 63;
}
