/**
 * Takes the bearer token out of the request, refusing anything ambiguous before any parsing:
 * a missing or repeated header, a scheme other than `Bearer` (case-insensitive, RFC 7235), an
 * oversized value, a token in the query string (unless explicitly allowed; and never together with
 * a header token), and anything that is not a three-segment JWS compact serialisation in strict,
 * canonical base64url (no padding, no whitespace, no empty segments, no JWE, no unused bits set
 * in a segment's last character).
 */
import type { TokenConfig } from './config';
import type { AuthRequest } from './event';
import type { DenyReason } from './reasons';

export type TokenExtraction = { readonly ok: true; readonly token: string } | { readonly ok: false; readonly reason: DenyReason };

// RFC 6750 §2.1: "Bearer" 1*SP b64token; we take exactly one space-separated credential.
const BEARER = /^bearer +([^\s]+)$/i;
const JWS_COMPACT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export function extractToken(request: Pick<AuthRequest, 'headerValues' | 'queryValues'>, config: TokenConfig): TokenExtraction {
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

  if (!JWS_COMPACT.test(credential) || !credential.split('.').every(isCanonicalBase64Url)) return { ok: false, reason: 'malformed' };
  return { ok: true, token: credential };
}

/**
 * True when the segment is the one canonical base64url spelling of its bytes. Node's decoder (and
 * so aws-jwt-verify) ignores the unused low bits of the last character, so up to four strings
 * decode to the same signature: without this check a token could be altered and still verify
 * (signature malleability), defeating anything keyed on the token string.
 */
function isCanonicalBase64Url(segment: string): boolean {
  return Buffer.from(segment, 'base64url').toString('base64url') === segment;
}
