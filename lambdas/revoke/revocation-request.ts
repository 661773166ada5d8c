/**
 * Reads the body of a `POST /revocations` request into one {@link RevocationRequest}, or says
 * exactly what is wrong with it — before anything is verified or written.
 *
 * Two shapes are accepted:
 * - RFC 7009 §2.1: `application/x-www-form-urlencoded` with `token` and an optional
 *   `token_type_hint`. Parameters other than those are ignored (RFC 6749 §3.2), a repeated one
 *   is refused (same section: "MUST NOT be included more than once").
 * - `application/json`: exactly one of `{ "token" }`, `{ "jti", "exp"?, "iss"? }` or
 *   `{ "sub", "iss"? }`, plus an optional `reason` kept with the item for humans. Unknown keys are
 *   refused: in a JSON body they are almost always typos, and a typo in a revocation must not be
 *   silently ignored. So are a repeated member and an unpaired surrogate escape, as in a token
 *   (`strict-json.ts`).
 *
 * A `refresh_token` hint is refused with `unsupported_token_type` (RFC 7009 §2.2.1): refresh tokens
 * are the identity provider's to revoke, and Tollbooth only ever sees access tokens.
 */
import { isRecord } from '../core/guards';
import { strictJsonProblem } from '../core/verification/strict-json';

/** What the caller asked to revoke. `iss` is checked against the trusted issuers later. */
export type RevocationRequest =
  | { readonly kind: 'token'; readonly token: string; readonly reason?: string }
  | { readonly kind: 'jti'; readonly jti: string; readonly exp?: number; readonly iss?: string; readonly reason?: string }
  | { readonly kind: 'sub'; readonly sub: string; readonly iss?: string; readonly reason?: string };

/** RFC 7009 §2.2.1 / RFC 6749 §5.2 error codes this endpoint answers with on a bad request. */
export type RequestErrorCode = 'invalid_request' | 'unsupported_token_type';

export type ParsedRevocationRequest =
  | { readonly ok: true; readonly request: RevocationRequest }
  | { readonly ok: false; readonly error: RequestErrorCode; readonly description: string };

/** The raw parts of the HTTP request that matter here. */
export interface RevocationHttpBody {
  readonly contentType: string | undefined;
  readonly body: string | undefined;
  readonly isBase64Encoded: boolean;
}

/** Larger bodies are refused before parsing: a token plus a reason fits many times over. */
export const MAX_BODY_BYTES = 16 * 1024;
/**
 * Longest accepted `jti`, `sub` or `iss`: whatever fits in the body. Real ids are tens of
 * characters, but the authorizer allows any id a token can carry (the key rule hashes long ones),
 * so every id it allows must be revocable here too — a 1 KiB limit once refused the subject of a
 * token the authorizer allowed and the CLI revoked.
 */
const MAX_ID_LENGTH = MAX_BODY_BYTES;
const MAX_REASON_LENGTH = 500;
const JSON_KEYS = ['token', 'token_type_hint', 'jti', 'exp', 'iss', 'sub', 'reason'] as const;
// Epoch seconds beyond this (year 5138) are almost certainly milliseconds.
const MAX_EPOCH_SECONDS = 99_999_999_999;

/** Parses the request body; never throws. */
export function parseRevocationRequest(input: RevocationHttpBody): ParsedRevocationRequest {
  const text = decodeBody(input);
  if (text === undefined) return invalid(`the body must be at most ${MAX_BODY_BYTES} bytes`);
  const mediaType = (input.contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (mediaType === 'application/x-www-form-urlencoded') return parseForm(text);
  if (mediaType === 'application/json' || mediaType.endsWith('+json')) return parseJson(text);
  return invalid('content-type must be application/x-www-form-urlencoded (token=…) or application/json');
}

function decodeBody(input: RevocationHttpBody): string | undefined {
  const raw = input.body ?? '';
  const bytes = input.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  return bytes.length > MAX_BODY_BYTES ? undefined : bytes.toString('utf8');
}

function parseForm(text: string): ParsedRevocationRequest {
  const form = new URLSearchParams(text);
  for (const name of ['token', 'token_type_hint']) {
    if (form.getAll(name).length > 1) return invalid(`parameter ${name} is repeated`);
  }
  const hint = checkHint(form.get('token_type_hint') ?? undefined);
  if (hint) return hint;
  const token = form.get('token');
  if (token === null || token.trim() === '') return invalid('parameter token is required');
  return { ok: true, request: { kind: 'token', token: token.trim() } };
}

function parseJson(text: string): ParsedRevocationRequest {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return invalid('the body is not valid JSON');
  }
  if (!isRecord(body)) return invalid('the body must be a JSON object');
  // The token's own rules: `{"sub":"alice","sub":"bob"}` means bob here and alice to a first-wins
  // reader (a WAF, an audit copy), and an unpaired surrogate names a subject no UTF-8 reader keeps.
  const problem = strictJsonProblem(text, body);
  if (problem !== undefined) return invalid(`the body ${problem}`);
  const fields = body;
  const unknownKeys = Object.keys(fields).filter((key) => !(JSON_KEYS as readonly string[]).includes(key));
  if (unknownKeys.length > 0)
    return invalid(`unknown field ${unknownKeys.map((key) => JSON.stringify(key)).join(', ')} (known: ${JSON_KEYS.join(', ')})`);

  const targets = (['token', 'jti', 'sub'] as const).filter((key) => fields[key] !== undefined);
  if (targets.length !== 1) return invalid('give exactly one of token, jti or sub');
  const reason = optionalString(fields, 'reason', MAX_REASON_LENGTH);
  if (!reason.ok) return reason;

  switch (targets[0]) {
    case 'token': {
      for (const key of ['exp', 'iss'] as const) {
        if (fields[key] !== undefined) return invalid(`${key} cannot be given with token: it is read from the verified token`);
      }
      const hint = checkHint(fields['token_type_hint']);
      if (hint) return hint;
      const token = requiredString(fields, 'token', 65_536);
      if (!token.ok) return token;
      return { ok: true, request: { kind: 'token', token: token.value, ...withReason(reason.value) } };
    }
    case 'jti': {
      const jti = requiredString(fields, 'jti', MAX_ID_LENGTH);
      if (!jti.ok) return jti;
      const iss = optionalString(fields, 'iss', MAX_ID_LENGTH);
      if (!iss.ok) return iss;
      const exp = fields['exp'];
      if (exp !== undefined && (!Number.isInteger(exp) || (exp as number) <= 0 || (exp as number) > MAX_EPOCH_SECONDS)) {
        return invalid("exp must be the token's expiry in whole epoch seconds");
      }
      return {
        ok: true,
        request: {
          kind: 'jti',
          jti: jti.value,
          ...(exp === undefined ? {} : { exp: exp as number }),
          ...withIss(iss.value),
          ...withReason(reason.value),
        },
      };
    }
    default: {
      if (fields['exp'] !== undefined) return invalid('exp only applies to a jti revocation');
      const sub = requiredString(fields, 'sub', MAX_ID_LENGTH);
      if (!sub.ok) return sub;
      const iss = optionalString(fields, 'iss', MAX_ID_LENGTH);
      if (!iss.ok) return iss;
      return { ok: true, request: { kind: 'sub', sub: sub.value, ...withIss(iss.value), ...withReason(reason.value) } };
    }
  }
}

/** RFC 7009 §2.1: the hint is optional and may be ignored, except that we cannot revoke refresh tokens. */
function checkHint(hint: unknown): ParsedRevocationRequest | undefined {
  if (hint === undefined) return undefined;
  if (typeof hint !== 'string') return invalid('token_type_hint must be a string');
  if (hint === 'refresh_token') {
    return {
      ok: false,
      error: 'unsupported_token_type',
      description: 'refresh tokens are revoked at the identity provider; this endpoint revokes access tokens',
    };
  }
  return undefined;
}

type FieldResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: 'invalid_request'; readonly description: string };

function requiredString(fields: Record<string, unknown>, key: string, maxLength: number): FieldResult<string> {
  const value = fields[key];
  if (typeof value !== 'string' || value.trim() === '') return invalid(`${key} must be a non-empty string`);
  if (value.length > maxLength) return invalid(`${key} must be at most ${maxLength} characters`);
  return { ok: true, value };
}

function optionalString(fields: Record<string, unknown>, key: string, maxLength: number): FieldResult<string | undefined> {
  if (fields[key] === undefined) return { ok: true, value: undefined };
  return requiredString(fields, key, maxLength);
}

function withIss(iss: string | undefined): { iss?: string } {
  return iss === undefined ? {} : { iss };
}

function withReason(reason: string | undefined): { reason?: string } {
  return reason === undefined ? {} : { reason };
}

function invalid(description: string): { ok: false; error: 'invalid_request'; description: string } {
  return { ok: false, error: 'invalid_request', description };
}
