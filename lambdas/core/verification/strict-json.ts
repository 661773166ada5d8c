/**
 * Reads a JWS's header and claims set strictly, before aws-jwt-verify parses them its own way.
 *
 * - **Duplicate member names are refused.** RFC 7515 §4 and RFC 7519 §4 let a recipient either
 *   reject them or keep the last one; `JSON.parse` keeps the last. A validly signed
 *   `{"scope":"read","scope":"admin"}` then means "admin" here but "read" to any first-wins parser
 *   behind the API (a backend re-reading the token, a gateway, an audit pipeline): a parser
 *   differential that only the issuer can create, but that nothing legitimate needs. Refusing costs
 *   one linear scan of at most `maxTokenLength` bytes.
 * - **Invalid UTF-8 is refused** (RFC 8259 §8.1) instead of silently becoming U+FFFD, and so is its
 *   escape-level twin, an unpaired surrogate (`"\ud800"`; {@link strictJsonProblem}).
 * - **Nesting is bounded** ({@link MAX_NESTING_DEPTH}), so aws-jwt-verify's recursive re-parse
 *   never meets a depth where the answer would depend on the stack.
 * - **Claim types are exact.** The library checks the types of the registered claims while it
 *   parses, and reports a wrong type (`exp` as a string, `scope` as a number) as a parse error —
 *   which would make such a token `malformed` rather than `invalid_claim`, the code the README
 *   promises for a claim of the wrong type.
 * - **Dates lie where a JavaScript `Date` can hold them, or have their meaning anyway.** For an
 *   expired token aws-jwt-verify 5.2.1 formats `exp` with `new Date(exp * 1000).toISOString()`,
 *   and for a token not yet valid `nbf` likewise: beyond ±8.64e15 ms (ECMA-262 §21.4.1.1, the
 *   time value range) that throws `RangeError: Invalid time value`, which would surface as
 *   `verification_failed`, an outage reason. An `exp` before the earliest date is certainly
 *   past, an `nbf` or `iat` after the latest certainly future: they are denied here as `expired`
 *   and `not_yet_valid`, before the library sees them (like the types, before the signature).
 */
import { isRecord, isStringArray } from '../guards';
import { DenyError } from '../reasons';

/** A decoded JOSE header or JWT claims set. */
export type JoseObject = Record<string, unknown>;

/** Decodes one base64url segment as a JSON object; a deny with reason `malformed` otherwise. */
export function readJoseObject(segment: string, part: 'header' | 'payload'): JoseObject {
  let text: string;
  let value: unknown;
  try {
    text = UTF8.decode(Buffer.from(segment, 'base64url'));
    value = JSON.parse(text);
  } catch {
    throw new DenyError('malformed', `the ${part} is not UTF-8 JSON`);
  }
  if (!isRecord(value)) throw new DenyError('malformed', `the ${part} is not a JSON object`);
  const problem = strictJsonProblem(text, value);
  if (problem !== undefined) throw new DenyError('malformed', `the ${part} ${problem}`);
  return value;
}

/**
 * Why `text`, which `JSON.parse` read as `value`, is not strict JSON — it nests deeper than
 * {@link MAX_NESTING_DEPTH}, repeats a member name in one object, or an escape spells an unpaired
 * UTF-16 surrogate — or `undefined`. Shared by every reader of JSON someone else wrote that
 * decides something (the token here, the revocation endpoint's body).
 *
 * An unpaired surrogate (`"\ud800"`) is the escape-level twin of invalid UTF-8: `JSON.parse` keeps
 * it, but it is no Unicode text (RFC 8259 §8.2: behaviour "unpredictable"; RFC 7493 §2.1, I-JSON:
 * "MUST NOT"), so other readers disagree about it — Go and UTF-8 encoders turn every one into
 * U+FFFD (`"a\ud800"` and `"a\udbff"` become one subject), strict parsers refuse the document —
 * and so does every place Tollbooth writes it as UTF-8 (a revocation key over 1 KiB is hashed
 * from its UTF-8 bytes, where the two collide).
 */
export function strictJsonProblem(text: string, value: unknown): string | undefined {
  const structural = structuralProblem(text, MAX_NESTING_DEPTH);
  if (structural === 'too-deep') return `nests objects and arrays deeper than ${MAX_NESTING_DEPTH} levels`;
  if (structural !== undefined) return 'repeats a member name';
  // Raw surrogates cannot reach here (UTF-8 cannot encode them), only escapes: texts without one
  // (nearly all) skip the walk.
  if (SURROGATE_ESCAPE.test(text) && holdsLoneSurrogate(value)) return 'holds an unpaired UTF-16 surrogate (\\ud800–\\udfff)';
  return undefined;
}

/**
 * Deepest nesting of objects and arrays accepted (RFC 8259 §9 lets a parser limit it). Real
 * claims sets nest three or four levels (Keycloak's `resource_access.<client>.roles`).
 * aws-jwt-verify re-parses the token with a reviver that recurses once per level, and overflows
 * the stack somewhere near 2,600 levels — how near depends on the runtime and the caller's stack —
 * which an 8 KiB token can reach: it then calls a validly signed token malformed. A fixed bound,
 * far below that, makes the answer the same on every runtime.
 */
export const MAX_NESTING_DEPTH = 64;

/** A `\uD800`–`\uDFFF` escape, or something that looks like one (`\\ud800` is a backslash and text). */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;
/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** True when any string of a parsed JSON value, member names included, holds an unpaired surrogate. */
function holdsLoneSurrogate(value: unknown): boolean {
  // An explicit stack rather than recursion: the nesting bound is checked before, but this walk
  // should not depend on it.
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    if (typeof item === 'string') {
      if (LONE_SURROGATE.test(item)) return true;
    } else if (Array.isArray(item)) {
      pending.push(...item);
    } else if (isRecord(item)) {
      for (const [name, member] of Object.entries(item)) {
        if (LONE_SURROGATE.test(name)) return true;
        pending.push(member);
      }
    }
  }
  return false;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The first member name that appears twice in one object, at any depth, compared after escapes
 * are decoded (`"s\u0063ope"` is `"scope"`). Only called on text `JSON.parse` accepted, so the
 * scan can rely on the grammar: inside an object, a string right after `{` or `,` is a name.
 */
export function duplicateMemberName(json: string): string | undefined {
  // No depth limit here, so the only problem the scan can report is a duplicate.
  const problem = structuralProblem(json, Number.POSITIVE_INFINITY);
  return typeof problem === 'object' ? problem.duplicate : undefined;
}

/**
 * One pass over text `JSON.parse` accepted: nesting deeper than `maxDepth`, or the first member
 * name repeated in one object (see {@link duplicateMemberName}).
 */
function structuralProblem(json: string, maxDepth: number): 'too-deep' | { readonly duplicate: string } | undefined {
  // One entry per open container: the names seen so far for an object, null for an array.
  const open: Array<Set<string> | null> = [];
  let nameExpected = false;
  for (let i = 0; i < json.length; i++) {
    const char = json[i];
    if (char === '"') {
      let end = i + 1;
      while (json[end] !== '"') end += json[end] === '\\' ? 2 : 1;
      const names = open.at(-1);
      if (nameExpected && names) {
        // Only a name with an escape needs decoding: parsing every name was a measurable part of the
        // pre-check (BENCHMARKS.md, "What was optimised").
        const raw = json.slice(i + 1, end);
        const name = raw.includes('\\') ? (JSON.parse(json.slice(i, end + 1)) as string) : raw;
        if (names.has(name)) return { duplicate: name };
        names.add(name);
      }
      nameExpected = false;
      i = end;
    } else if (char === '{') {
      if (open.push(new Set()) > maxDepth) return 'too-deep';
      nameExpected = true;
    } else if (char === '[') {
      if (open.push(null) > maxDepth) return 'too-deep';
    } else if (char === '}' || char === ']') {
      open.pop();
    } else if (char === ',') {
      nameExpected = open.at(-1) instanceof Set;
    }
  }
  return undefined;
}

const NUMERIC_DATES = ['exp', 'nbf', 'iat'] as const;

/**
 * The time value range of a JavaScript `Date`, in ms either side of the epoch (ECMA-262 TimeClip).
 * Compared as `seconds * 1000`, the product the library formats, so the two agree to the last bit.
 */
const DATE_LIMIT_MS = 8.64e15;
const STRINGS = ['iss', 'sub', 'jti', 'scope'] as const;

/**
 * The registered claims (RFC 7519 §4.1) and `scope` (RFC 8693 §4.2) must have their defined
 * types; anything else is a deny with reason `invalid_claim`. Mirrors what aws-jwt-verify 5.2.1
 * asserts, so the library never sees a claims set it would refuse for a type.
 */
export function assertRegisteredClaimTypes(payload: JoseObject): void {
  for (const name of NUMERIC_DATES) {
    const value = payload[name];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value)))
      throw new DenyError('invalid_claim', `${name} must be a number`);
  }
  for (const name of STRINGS) {
    if (payload[name] !== undefined && typeof payload[name] !== 'string') throw new DenyError('invalid_claim', `${name} must be a string`);
  }
  const aud = payload['aud'];
  if (aud !== undefined && typeof aud !== 'string' && !isStringArray(aud)) {
    throw new DenyError('invalid_claim', 'aud must be a string or an array of strings');
  }
  assertDatesInRange(payload);
}

/**
 * Denies the numeric dates no `Date` can hold in the direction where they decide: an `exp` before
 * the earliest date (expired whatever the clock says), an `nbf` or `iat` after the latest (not
 * yet valid). The other directions (an `exp` after year 275760, an `nbf` before year −271821)
 * decide nothing the library formats and stay as the claims rules treat any distant date.
 * Expects the types already checked.
 */
function assertDatesInRange(payload: JoseObject): void {
  const { exp, nbf, iat } = payload;
  if (typeof exp === 'number' && exp * 1000 < -DATE_LIMIT_MS) throw new DenyError('expired', 'exp lies before the earliest date');
  if (typeof nbf === 'number' && nbf * 1000 > DATE_LIMIT_MS) throw new DenyError('not_yet_valid', 'nbf lies after the latest date');
  if (typeof iat === 'number' && iat * 1000 > DATE_LIMIT_MS) throw new DenyError('not_yet_valid', 'iat lies after the latest date');
}
