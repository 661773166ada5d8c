/**
 * Reads a JWS's header and claims set strictly, before aws-jwt-verify parses them its own way.
 *
 * The library checks the types of the registered claims while it parses, and reports a wrong
 * type (`exp` as a string, `scope` as a number) as a parse error — which would make such a token
 * `malformed` rather than `invalid_claim`, the code the README promises for a claim of the wrong
 * type. Reading the claims set here first lets that reason be exact.
 */
import { DenyError } from './reasons';

export type JoseObject = Record<string, unknown>;

/** Decodes one base64url segment as a JSON object; a deny with reason `malformed` otherwise. */
export function readJoseObject(segment: string, part: 'header' | 'payload'): JoseObject {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    throw new DenyError('malformed', `the ${part} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new DenyError('malformed', `the ${part} is not a JSON object`);
  return value as JoseObject;
}

const NUMERIC_DATES = ['exp', 'nbf', 'iat'] as const;
const STRINGS = ['iss', 'sub', 'jti', 'scope'] as const;

/**
 * The registered claims (RFC 7519 §4.1) and `scope` (RFC 8693 §4.2) must have their defined
 * types; anything else is a deny with reason `invalid_claim`. Mirrors what aws-jwt-verify 5.2.1
 * asserts, so the library never sees a claims set it would refuse for a type.
 */
export function assertRegisteredClaimTypes(payload: JoseObject): void {
  for (const name of NUMERIC_DATES) {
    const value = payload[name];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) throw new DenyError('invalid_claim', `${name} must be a number`);
  }
  for (const name of STRINGS) {
    if (payload[name] !== undefined && typeof payload[name] !== 'string') throw new DenyError('invalid_claim', `${name} must be a string`);
  }
  const aud = payload['aud'];
  if (aud !== undefined && typeof aud !== 'string' && !(Array.isArray(aud) && aud.every((item) => typeof item === 'string'))) {
    throw new DenyError('invalid_claim', 'aud must be a string or an array of strings');
  }
}
