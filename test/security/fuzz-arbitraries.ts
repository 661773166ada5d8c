/**
 * fast-check generators for the fuzz properties, and the oracle they are judged by.
 *
 * Kept apart from the properties because they are the part worth reading twice: what kinds of
 * garbage, mutations and claims sets are tried, and — for tokens genuinely signed by a trusted key
 * — an independent statement of when such a token must be allowed ({@link shouldAllow}), written
 * from the README's rules rather than from the implementation.
 */
import fc from 'fast-check';
import { AUDIENCE } from '../helpers/fixture';
import { EVENT_KINDS, twin } from './harness';

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export const kindArb = fc.constantFrom(...EVENT_KINDS);

/** A run of base64url characters (possibly empty). */
const segmentArb = fc.string({ unit: fc.constantFrom(...BASE64URL), maxLength: 120 });

/** Strings shaped like compact JWS/JWE: 0–6 base64url segments joined by dots. */
const jwsShapedArb = fc.array(segmentArb, { minLength: 0, maxLength: 6 }).map((segments) => segments.join('.'));

/** Authorization header values: random text, JWS-shaped strings, with and without schemes. */
export const authorizationArb = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 100 }),
  fc
    .tuple(
      fc.constantFrom('Bearer ', 'bearer ', 'BEARER  ', 'Bearer\t', 'Basic ', 'Token ', 'Bearer Bearer ', ' Bearer ', ''),
      jwsShapedArb,
    )
    .map(([scheme, token]) => `${scheme}${token}`),
  fc.tuple(jwsShapedArb, fc.string({ maxLength: 3 }), jwsShapedArb).map(([a, sep, b]) => `Bearer ${a}${sep}${b}`),
);

/** JSON objects for headers and claims sets, with registered names mixed in at random. */
export const joseObjectArb = (registered: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> =>
  fc
    .tuple(
      fc.record(registered, { requiredKeys: [] }),
      fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
    )
    .map(([known, extra]) => ({ ...extra, ...known }));

/** How a mutation changes a valid token (applied to its compact serialisation). */
export type Mutation =
  | { readonly kind: 'flip-byte'; readonly segment: number; readonly position: number; readonly mask: number }
  | { readonly kind: 'replace-char'; readonly position: number; readonly char: string }
  | { readonly kind: 'insert-char'; readonly position: number; readonly char: string }
  | { readonly kind: 'delete-char'; readonly position: number }
  | { readonly kind: 'truncate'; readonly position: number }
  | { readonly kind: 'swap-segments'; readonly order: readonly number[] }
  | { readonly kind: 'repeat-segment'; readonly segment: number }
  | { readonly kind: 're-encode'; readonly segment: number; readonly as: 'base64' | 'padded' | 'twin' | 'upper' }
  | { readonly kind: 're-serialise'; readonly segment: 0 | 1; readonly spacing: number }
  /** An ECDSA signature's (r, n − s): the same token, as valid as the original. */
  | { readonly kind: 'ecdsa-twin' };

const charArb = fc.constantFrom(...BASE64URL, '.', '=', '+', '/', ' ', '%', '\u0000', 'é');

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip-byte' as const), segment: fc.nat(2), position: fc.nat(400), mask: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('replace-char' as const), position: fc.nat(1200), char: charArb }),
  fc.record({ kind: fc.constant('insert-char' as const), position: fc.nat(1200), char: charArb }),
  fc.record({ kind: fc.constant('delete-char' as const), position: fc.nat(1200) }),
  fc.record({ kind: fc.constant('truncate' as const), position: fc.nat(1200) }),
  fc.record({ kind: fc.constant('swap-segments' as const), order: fc.shuffledSubarray([0, 1, 2], { minLength: 1, maxLength: 3 }) }),
  fc.record({ kind: fc.constant('repeat-segment' as const), segment: fc.nat(2) }),
  fc.record({
    kind: fc.constant('re-encode' as const),
    segment: fc.nat(2),
    as: fc.constantFrom('base64' as const, 'padded' as const, 'twin' as const, 'upper' as const),
  }),
  fc.record({ kind: fc.constant('re-serialise' as const), segment: fc.constantFrom(0 as const, 1 as const), spacing: fc.nat(2) }),
  fc.record({ kind: fc.constant('ecdsa-twin' as const) }),
);

/** Applies a mutation; the result may equal the input (e.g. a twin of a segment without unused bits). */
export function mutate(token: string, mutation: Mutation): string {
  const segments = token.split('.');
  const at = (position: number): number => (token.length === 0 ? 0 : position % (token.length + 1));
  switch (mutation.kind) {
    case 'flip-byte': {
      const index = mutation.segment % segments.length;
      const bytes = Buffer.from(segments[index] ?? '', 'base64url');
      if (bytes.length === 0) return token;
      const position = mutation.position % bytes.length;
      bytes[position] = (bytes[position] ?? 0) ^ mutation.mask;
      segments[index] = bytes.toString('base64url');
      return segments.join('.');
    }
    case 'replace-char': {
      const position = at(mutation.position) % Math.max(token.length, 1);
      return `${token.slice(0, position)}${mutation.char}${token.slice(position + 1)}`;
    }
    case 'insert-char':
      return `${token.slice(0, at(mutation.position))}${mutation.char}${token.slice(at(mutation.position))}`;
    case 'delete-char': {
      const position = at(mutation.position) % Math.max(token.length, 1);
      return `${token.slice(0, position)}${token.slice(position + 1)}`;
    }
    case 'truncate':
      return token.slice(0, at(mutation.position));
    case 'swap-segments':
      return mutation.order.map((index) => segments[index] ?? '').join('.');
    case 'repeat-segment':
      return [...segments, segments[mutation.segment % segments.length] ?? ''].join('.');
    case 're-encode': {
      const index = mutation.segment % segments.length;
      const original = segments[index] ?? '';
      const bytes = Buffer.from(original, 'base64url');
      segments[index] =
        mutation.as === 'base64'
          ? bytes.toString('base64').replace(/=+$/, '')
          : mutation.as === 'padded'
            ? bytes.toString('base64url') + '='.repeat((4 - (original.length % 4)) % 4)
            : mutation.as === 'upper'
              ? original.toUpperCase()
              : spellingTwin(original);
      return segments.join('.');
    }
    case 'ecdsa-twin': {
      // Only an ECDSA signature has a twin; anything else is left as it is.
      const bytes = Buffer.from(segments[2] ?? '', 'base64url').length;
      return [64, 96, 132].includes(bytes) && segments.length === 3 && isEcdsa(segments[0] ?? '') ? twin(token) : token;
    }
    case 're-serialise': {
      const original = segments[mutation.segment] ?? '';
      try {
        const parsed = JSON.parse(Buffer.from(original, 'base64url').toString('utf8')) as unknown;
        segments[mutation.segment] = Buffer.from(JSON.stringify(parsed, null, mutation.spacing)).toString('base64url');
      } catch {
        return token;
      }
      return segments.join('.');
    }
  }
}

function isEcdsa(headerSegment: string): boolean {
  try {
    return /^ES(256|384|512)$/.test(String((JSON.parse(Buffer.from(headerSegment, 'base64url').toString()) as { alg?: unknown }).alg));
  } catch {
    return false;
  }
}

/** The same bytes with the last character's lowest unused bit set, where there is one. */
function spellingTwin(segment: string): string {
  if (segment.length % 4 < 2) return segment;
  const index = BASE64URL.indexOf(segment.at(-1) ?? 'A');
  return `${segment.slice(0, -1)}${BASE64URL[index | 1]}`;
}

/**
 * Per-claim variants for tokens signed by a trusted key: the ones the README accepts, and every
 * way to be wrong. Each claim is valid nine times in ten, so about a third of the claims sets are
 * valid as a whole and the rest fail for one or two reasons at a time.
 */
export const claimVariants = {
  iss: { valid: ['trusted'], invalid: ['trailing-slash', 'upper-case', 'untrusted', 'absent', 'number'] },
  aud: { valid: ['accepted', 'accepted-in-list'], invalid: ['other', 'absent', 'number', 'list-with-number'] },
  exp: { valid: ['future', 'within-skew', 'huge'], invalid: ['past', 'absent', 'string', 'before-any-date'] },
  nbf: { valid: ['absent', 'past', 'within-skew', 'before-any-date'], invalid: ['future', 'string', 'after-any-date'] },
  // Revocation is on in this world: an iat older than the revocation horizon (one day) is too old.
  iat: {
    valid: ['now', 'absent', 'inside-horizon', 'within-skew'],
    invalid: ['future', 'string', 'after-any-date', 'past-horizon', 'before-any-date'],
  },
  // An unpaired surrogate (JSON.stringify writes it as an escape, \ud800) is no Unicode text.
  sub: { valid: ['alice'], invalid: ['empty', 'absent', 'number', 'unpaired-surrogate'] },
  jti: { valid: ['uuid'], invalid: ['absent', 'empty', 'number', 'unpaired-surrogate'] },
  scope: {
    valid: ['orders:read', 'orders:read orders:write'],
    invalid: [
      'orders:write',
      'admin',
      'absent',
      'number',
      'empty',
      // Scope smuggling: whitespace and characters outside RFC 6749's scope-token set.
      'tab-joined',
      'nbsp-joined',
      'ideographic-space-joined',
      'newline-joined',
      'double-space',
      'trailing-space',
      'quote',
    ],
  },
  scp: {
    valid: ['absent', 'read-array', 'read-string'],
    invalid: ['object', 'array-with-number', 'array-element-with-space', 'array-element-with-tab', 'array-with-empty-element'],
  },
  client_id: { valid: ['absent', 'client'], invalid: ['empty', 'number'] },
} as const;

type Variants = typeof claimVariants;
export type ClaimChoice = { readonly [K in keyof Variants]: Variants[K]['valid'][number] | Variants[K]['invalid'][number] };

export const claimChoiceArb: fc.Arbitrary<ClaimChoice> = fc.record(
  Object.fromEntries(
    Object.entries(claimVariants).map(([name, { valid, invalid }]) => [
      name,
      fc.oneof({ arbitrary: fc.constantFrom<string>(...valid), weight: 9 }, { arbitrary: fc.constantFrom<string>(...invalid), weight: 1 }),
    ]),
  ) as { [K in keyof ClaimChoice]: fc.Arbitrary<ClaimChoice[K]> },
);

/** Builds the claims set for a choice at `now` (seconds); absent claims are left out. */
export function buildClaims(choice: ClaimChoice, issuer: string, now: number, jti: string): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  const set = (name: string, value: unknown): void => {
    if (value !== undefined) claims[name] = value;
  };
  set(
    'iss',
    {
      trusted: issuer,
      'trailing-slash': `${issuer}/`,
      'upper-case': issuer.toUpperCase(),
      untrusted: 'https://evil.example.com',
      absent: undefined,
      number: 1,
    }[choice.iss],
  );
  set(
    'aud',
    {
      accepted: AUDIENCE,
      'accepted-in-list': ['https://x.example', AUDIENCE],
      other: 'https://other.example',
      absent: undefined,
      number: 5,
      'list-with-number': [AUDIENCE, 5],
    }[choice.aud],
  );
  set(
    'exp',
    {
      future: now + 600,
      'within-skew': now - 5,
      past: now - 120,
      absent: undefined,
      string: String(now + 600),
      huge: 1e300,
      // No JavaScript Date holds these (±8.64e15 ms).
      'before-any-date': -8_640_000_000_001,
    }[choice.exp],
  );
  set(
    'nbf',
    {
      absent: undefined,
      past: now - 60,
      'within-skew': now + 5,
      future: now + 600,
      string: 'now',
      'before-any-date': -1e300,
      'after-any-date': 8_640_000_000_001,
    }[choice.nbf],
  );
  set(
    'iat',
    {
      now,
      absent: undefined,
      'inside-horizon': now - 80_000,
      'past-horizon': now - 100_000,
      'within-skew': now + 5,
      future: now + 600,
      string: 'now',
      'before-any-date': -1e300,
      'after-any-date': 1e300,
    }[choice.iat],
  );
  set('sub', { alice: 'alice', empty: '', absent: undefined, number: 7, 'unpaired-surrogate': 'alice\ud800' }[choice.sub]);
  set('jti', { uuid: jti, absent: undefined, empty: '', number: 9, 'unpaired-surrogate': `\udc00${jti}` }[choice.jti]);
  set(
    'scope',
    {
      'orders:read': 'orders:read',
      'orders:read orders:write': 'orders:read orders:write',
      'orders:write': 'orders:write',
      admin: 'admin',
      absent: undefined,
      number: 3,
      empty: '',
      'tab-joined': 'orders:read\tadmin',
      'nbsp-joined': 'orders:read\u00a0admin',
      'ideographic-space-joined': 'orders:read\u3000admin',
      'newline-joined': 'orders:read\nadmin',
      'double-space': 'orders:read  orders:write',
      'trailing-space': 'orders:read ',
      quote: 'orders:read "admin"',
    }[choice.scope],
  );
  set(
    'scp',
    {
      absent: undefined,
      'read-array': ['orders:read'],
      'read-string': 'orders:read',
      object: { 'orders:read': true },
      'array-with-number': ['orders:read', 1],
      'array-element-with-space': ['orders:read admin'],
      'array-element-with-tab': ['orders:read\tadmin'],
      'array-with-empty-element': ['orders:read', ''],
    }[choice.scp],
  );
  set('client_id', { absent: undefined, client: 'client-1', empty: '', number: 4 }[choice.client_id]);
  return claims;
}

/**
 * The oracle: must a token with these claims, genuinely signed by a trusted key, be allowed to
 * call `GET /orders` (granted by scope `orders:read`)? Written from the README's rules: issuer
 * exact, audience accepted, `exp` required and not past (30 s skew), `nbf`/`iat` not in the
 * future (a date after any a `Date` holds is in the future) and, revocation being on, `iat` not
 * older than the revocation horizon (one before any date is older than any), `sub` and
 * (revocation on) `jti` non-empty strings, claims of their defined types.
 */
export function shouldAllow(choice: ClaimChoice): boolean {
  const validIssuer = choice.iss === 'trusted';
  const validAudience = choice.aud === 'accepted' || choice.aud === 'accepted-in-list';
  const validTimes =
    (choice.exp === 'future' || choice.exp === 'within-skew' || choice.exp === 'huge') &&
    choice.nbf !== 'future' &&
    choice.nbf !== 'string' &&
    choice.nbf !== 'after-any-date' &&
    (choice.iat === 'now' || choice.iat === 'absent' || choice.iat === 'inside-horizon' || choice.iat === 'within-skew');
  const validIdentity = choice.sub === 'alice' && choice.jti === 'uuid' && choice.client_id !== 'empty' && choice.client_id !== 'number';
  // A scope must be a string of RFC 6749 scope tokens separated by single spaces; scp a string of
  // the same or an array of scope tokens. Anything else is invalid_claim, whatever else it grants.
  const validScope = (['orders:read', 'orders:read orders:write', 'orders:write', 'admin', 'absent', 'empty'] as const).some(
    (variant) => variant === choice.scope,
  );
  const validScp = choice.scp === 'absent' || choice.scp === 'read-array' || choice.scp === 'read-string';
  const validTypes = validScope && validScp;
  const granted =
    choice.scope === 'orders:read' ||
    choice.scope === 'orders:read orders:write' ||
    choice.scp === 'read-array' ||
    choice.scp === 'read-string';
  return validIssuer && validAudience && validTimes && validIdentity && validTypes && granted;
}
