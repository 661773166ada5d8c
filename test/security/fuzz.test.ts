/**
 * Property-based fuzzing of the real handler (loopback JWKS, dynalite) with fast-check.
 *
 * Properties, each over every event kind:
 * - anything in the Authorization header, and JWS-shaped tokens with random JSON and random
 *   signatures, is a well-formed deny with a known reason code — never an allow, never a throw
 *   other than exactly `Error('Unauthorized')` on REST, never a log line containing the credential,
 *   and never an outage reason (dependencies are healthy here: no input may raise an alarm);
 * - a valid token changed in any way (byte flips, character edits, segment swaps, re-encodings,
 *   JSON re-serialisation) is denied unless the result is byte-identical to the original;
 * - a token genuinely signed by a trusted key is allowed exactly when its claims are valid, as
 *   stated independently by {@link shouldAllow};
 * - scopes holding whitespace or characters outside RFC 6749's scope-token set deny the token, and
 *   an allowed token's scopes reach the backend exactly, one element each;
 * - arbitrary and hostile event shapes never crash the handler.
 *
 * `npm test` runs a fast budget (a few thousand runs, a few seconds). `npm run fuzz:long`
 * multiplies the runs (TOLLBOOTH_FUZZ=long) and stops each property after a time limit.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthorizerHandler } from '../../lambdas/authorizer/handler';
import { DENY_REASONS, type DenyReason } from '../../lambdas/core/reasons';
import type { PolicyDocument } from 'aws-lambda';
import { KeyPolicy } from '../../lambdas/core/verification/jwk-policy';
import { judgeEdwardsKey } from '../helpers/edwards';
import { executeApiArn } from '../helpers/events';
import { ED25519_SMALL_ORDER_ENCODINGS, ED448_SMALL_ORDER_ENCODINGS, rsaJwk, weakModuli } from '../helpers/weak-keys';
import { LogCapture } from '../helpers/log-capture';
import {
  authorizationArb,
  buildClaims,
  claimChoiceArb,
  joseObjectArb,
  kindArb,
  mutate,
  mutationArb,
  shouldAllow,
} from './fuzz-arbitraries';
import {
  buildEvent,
  expectedAllowList,
  expectedDenyShape,
  iamMatches,
  isExactlyUnauthorized,
  observe,
  policyAllows,
  scopesGrant,
  twin,
  type EventKindName,
  type Observation,
} from './harness';
import { REPORT_MODE, saveSection, staleness, type SectionResult } from './report';
import { base64UrlJson, signSegments, startSecurityFixture, type SecurityFixture, type SigningKey } from './security-fixture';

const LONG = process.env['TOLLBOOTH_FUZZ'] === 'long';
/** Long runs: this many times the fast budget, each property stopped after the time limit. */
const LONG_FACTOR = 100;
const LONG_TIME_LIMIT_MS = 3 * 60_000;

let world: SecurityFixture;
const handlers = {} as Record<'iam' | 'simple', { handler: AuthorizerHandler; logs: LogCapture }>;
let validTokens: readonly string[];
/** Each valid ECDSA token's (r, n − s) twin. */
let twinOf: ReadonlyMap<string, string>;

function headerAlg(token: string): string {
  return String((JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()) as { alg?: unknown }).alg);
}

interface PropertyRecord {
  readonly property: string;
  readonly runs: number;
  readonly interrupted: boolean;
  readonly failed: boolean;
  readonly seed: number;
  readonly ms: number;
  readonly reasons: Map<string, number>;
}
const records: PropertyRecord[] = [];

/** RSA keys for the key-policy property: real ones, the factorable ones, and a pair sharing a prime (alone each is fine). */
let rsaPool: ReadonlyArray<{ readonly jwk: Record<string, string>; readonly weak: boolean }>;
let sharedPair: readonly [string, string];

beforeAll(async () => {
  world = await startSecurityFixture();
  const real = Array.from({ length: 3 }, (_, index) => ({
    jwk: {
      ...(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' }) as Record<string, string>),
      kid: `real-${index}`,
      alg: 'RS256',
      use: 'sig',
    },
    weak: false,
  }));
  const weak = weakModuli();
  const pair = weak.slice(-2).map((modulus) => rsaJwk(modulus.n, 'pair'));
  sharedPair = [pair[0]?.['n'] ?? '', pair[1]?.['n'] ?? ''];
  rsaPool = [
    ...real,
    ...weak.slice(0, -2).map((modulus) => ({ jwk: rsaJwk(modulus.n, 'weak'), weak: true })),
    ...pair.map((jwk) => ({ jwk, weak: false })),
  ];
  for (const mode of ['iam', 'simple'] as const) {
    const logs = new LogCapture();
    handlers[mode] = { handler: world.authorizer({ simple: mode === 'simple', deps: { logger: logs } }).handler, logs };
  }
  validTokens = [
    world.mint(),
    world.mint({ key: world.trusted.ec }),
    world.mint({ key: world.trusted.ed }),
    world.mint({ key: world.trustedEcdsa.es384 }),
    world.mint({ key: world.trustedEcdsa.es512 }),
  ];
  twinOf = new Map(validTokens.filter((token) => /^ES/.test(headerAlg(token))).map((token) => [token, twin(token)]));
});

afterAll(async () => {
  await world.close();
});

/** Runs one property with the budget of this mode, records what happened, fails with fast-check's report. */
async function runProperty<Ts extends [unknown, ...unknown[]]>(
  name: string,
  baseRuns: number,
  property: fc.IAsyncProperty<Ts>,
  reasons: Map<string, number>,
): Promise<void> {
  const started = performance.now();
  const details = await fc.check(property, {
    numRuns: LONG ? baseRuns * LONG_FACTOR : baseRuns,
    ...(LONG ? { plugins: [fc.interruptAfterTimeLimit(LONG_TIME_LIMIT_MS)] } : {}),
  });
  records.push({
    property: name,
    runs: details.numRuns,
    interrupted: details.interrupted,
    failed: details.failed,
    seed: details.seed,
    ms: performance.now() - started,
    reasons,
  });
  if (details.failed) throw new Error(fc.defaultReportMessage(details));
}

async function invoke(kind: EventKindName, event: unknown): Promise<{ observation: Observation; logs: LogCapture }> {
  const { handler, logs } = handlers[kind === 'http-v2-simple' ? 'simple' : 'iam'];
  logs.clear();
  return { observation: await observe(handler, kind, event), logs };
}

/**
 * Reasons that mean "something is broken" (logged at WARN/ERROR, meant for alarms). The fuzz runs
 * against healthy dependencies, so no input may produce one: a client must not be able to raise
 * an outage signal at will.
 */
const OUTAGE_REASONS: readonly DenyReason[] = ['jwks_unavailable', 'revocation_unavailable', 'verification_failed', 'internal'];

/** Asserts a well-formed deny with a known, non-outage reason and exactly one decision line; returns the reason. */
function expectWellFormedDeny(kind: EventKindName, observation: Observation, logs: LogCapture): DenyReason {
  expect(observation.outcome, JSON.stringify(observation).slice(0, 300)).toBe('deny');
  expect(logs.decisions).toHaveLength(1);
  const reason = logs.lastDecision?.['reason'] as DenyReason;
  expect(DENY_REASONS).toContain(reason);
  expect(OUTAGE_REASONS, `outage reason from input alone: ${JSON.stringify(logs.lastDecision)}`).not.toContain(reason);
  expect(observation).toMatchObject({ shape: expectedDenyShape(kind, reason) });
  return reason;
}

/** The log must not contain the credential (when it is long and varied enough to be recognisable). */
function expectNotLogged(logs: LogCapture, secret: string): void {
  if (secret.length >= 20 && new Set(secret).size >= 6) expect(logs.text.includes(secret), 'the log contains the credential').toBe(false);
}

function tally(reasons: Map<string, number>, reason: string): void {
  reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
}

describe('fuzz', () => {
  it('denies anything in the Authorization header, well-formed, without logging it', async () => {
    const reasons = new Map<string, number>();
    await runProperty(
      'random Authorization header values (text, binary, JWS-shaped, any scheme)',
      1000,
      fc.asyncProperty(kindArb, authorizationArb, async (kind, authorization) => {
        const { observation, logs } = await invoke(kind, buildEvent(kind, { authorization }));
        tally(reasons, expectWellFormedDeny(kind, observation, logs));
        expectNotLogged(logs, authorization.replace(/^\S+\s+/, ''));
      }),
      reasons,
    );
  });

  it('denies JWS-shaped tokens with random header, claims and signature, without logging them', async () => {
    const reasons = new Map<string, number>();
    const headerArb = joseObjectArb({
      alg: fc.constantFrom('RS256', 'ES256', 'EdDSA', 'none', 'HS256', 'RS512', 'PS256', ''),
      kid: fc.constantFrom(
        ...[world.trusted, world.trustedWithoutAlg].flatMap((keys) => [keys.rsa.kid, keys.ec.kid, keys.ed.kid]),
        'attacker-rsa',
        '',
      ),
      typ: fc.constantFrom('JWT', 'at+jwt'),
      jku: fc.constant(world.attackerJwks.url),
    });
    const claimsArb = joseObjectArb({
      iss: fc.constantFrom(world.issuer, 'https://evil.example.com'),
      aud: fc.constant('https://api.tollbooth.test'),
      sub: fc.string(),
      exp: fc.integer(),
      scope: fc.constant('orders:read admin'),
      jti: fc.uuid(),
    });
    await runProperty(
      'JWS-shaped tokens: random header and claims JSON, random signature bytes',
      600,
      fc.asyncProperty(kindArb, headerArb, claimsArb, fc.uint8Array({ maxLength: 300 }), async (kind, header, claims, signature) => {
        const token = `${base64UrlJson(header)}.${base64UrlJson(claims)}.${Buffer.from(signature).toString('base64url')}`;
        const { observation, logs } = await invoke(kind, buildEvent(kind, { authorization: `Bearer ${token}` }));
        tally(reasons, expectWellFormedDeny(kind, observation, logs));
        expectNotLogged(logs, token);
      }),
      reasons,
    );
  });

  it('denies every change to a valid token unless the result is byte-identical', async () => {
    const reasons = new Map<string, number>();
    const tokenArb = fc.constantFrom(...validTokens);
    await runProperty(
      'mutations of valid RS256/ES256/ES384/ES512/EdDSA tokens (1–3 of: byte flip, char edit, truncation, segment swap/repeat, re-encoding, JSON re-serialisation, ECDSA twin)',
      1000,
      fc.asyncProperty(kindArb, tokenArb, fc.array(mutationArb, { minLength: 1, maxLength: 3 }), async (kind, token, mutations) => {
        const mutated = mutations.reduce(mutate, token);
        const { observation, logs } = await invoke(kind, buildEvent(kind, { authorization: `Bearer ${mutated}` }));
        // Extra spaces after the scheme and trailing whitespace only change the header, not the
        // credential (RFC 6750: "Bearer" 1*SP token): the verifier then sees the original bytes.
        // An ECDSA token's (r, n − s) twin is the same token, as valid as the original.
        const credential = mutated.replace(/^ +/, '').trimEnd();
        if (credential === token) {
          expect(observation.outcome).toBe('allow');
          tally(reasons, 'unchanged (allowed)');
        } else if (credential === twinOf.get(token)) {
          expect(observation.outcome).toBe('allow');
          tally(reasons, 'ECDSA twin (allowed)');
        } else {
          tally(reasons, expectWellFormedDeny(kind, observation, logs));
        }
        expectNotLogged(logs, mutated.split('.')[2] ?? '');
      }),
      reasons,
    );
  });

  it('allows a token signed by a trusted key exactly when its claims are valid', async () => {
    const reasons = new Map<string, number>();
    const keyArb = fc.constantFrom<SigningKey>(world.trusted.ed, world.trusted.ec);
    await runProperty(
      'tokens signed by a trusted key with random valid and invalid claims, against an independent oracle',
      400,
      fc.asyncProperty(kindArb, claimChoiceArb, keyArb, async (kind, choice, key) => {
        const claims = buildClaims(choice, world.issuer, Math.floor(Date.now() / 1000), randomUUID());
        const token = signSegments(base64UrlJson({ alg: key.alg, kid: key.kid, typ: 'JWT' }), base64UrlJson(claims), key);
        const { observation, logs } = await invoke(kind, buildEvent(kind, { authorization: `Bearer ${token}` }));
        if (shouldAllow(choice)) {
          expect(observation, JSON.stringify(logs.lastDecision)).toMatchObject({ outcome: 'allow' });
          if (kind !== 'http-v2-simple') expect(observation).toMatchObject({ principalId: 'alice' });
          tally(reasons, 'allowed');
        } else {
          tally(reasons, expectWellFormedDeny(kind, observation, logs));
        }
        expectNotLogged(logs, token.split('.')[2] ?? '');
      }),
      reasons,
    );
  });

  it("hands the backend exactly the token's scopes, or denies invalid_claim: no scope smuggled through the joined list", async () => {
    const reasons = new Map<string, number>();
    // Scope elements from printable ASCII, whitespace of every kind and a little Unicode: a valid
    // element is an RFC 6749 scope token; anything else must deny the token.
    const elementArb = fc.oneof(
      fc.string({ unit: fc.constantFrom(...'abcXYZ09:/._-!#$%&*+~[]^`{|}'), minLength: 1, maxLength: 8 }),
      fc.string({
        unit: fc.constantFrom(
          'a',
          ':',
          ' ',
          '\t',
          '\n',
          '\r',
          '\u000b',
          '\f',
          '\u00a0',
          '\u2000',
          '\u3000',
          '\u200b',
          '\ufeff',
          '"',
          '\\',
          'é',
          '\u0000',
        ),
        maxLength: 6,
      }),
    );
    const scopeArb = fc.oneof(
      fc.array(elementArb, { maxLength: 3 }).map((elements) => ({ form: 'scp' as const, elements })),
      fc.array(elementArb, { maxLength: 3 }).map((elements) => ({ form: 'scope' as const, elements })),
    );
    const isScopeToken = (element: string): boolean => /^[\x21\x23-\x5B\x5D-\x7E]+$/.test(element);
    await runProperty(
      'scope and scp elements with whitespace and characters outside RFC 6749: the context carries exactly the granted scopes, or invalid_claim',
      300,
      fc.asyncProperty(kindArb, scopeArb, async (kind, { form, elements }) => {
        // orders:read grants the route, so the token is allowed unless its scopes are malformed.
        // In a scope string the elements are whatever single spaces separate; in scp, the array's elements.
        const scopeString = ['orders:read', ...elements].join(' ');
        const claims = form === 'scp' ? { scope: 'orders:read', scp: elements } : { scope: scopeString };
        const granted = form === 'scp' ? ['orders:read', ...elements] : scopeString.split(' ');
        const token = world.mint({ claims });
        const { observation, logs } = await invoke(kind, buildEvent(kind, { authorization: `Bearer ${token}` }));
        const expected = new Set(granted);
        if (granted.every(isScopeToken)) {
          expect(observation, JSON.stringify({ claims, decision: logs.lastDecision })).toMatchObject({ outcome: 'allow' });
          const context = (observation as { context?: Record<string, unknown> }).context;
          const received = String(context?.['scope'] ?? '').split(' ');
          expect(new Set(received)).toEqual(expected);
          expect(received).toHaveLength(expected.size);
          tally(reasons, 'allowed');
        } else {
          expect(expectWellFormedDeny(kind, observation, logs)).toBe('invalid_claim');
          tally(reasons, 'invalid_claim');
        }
      }),
      reasons,
    );
  });

  it("answers with a policy that allows no route the token's scopes do not grant, whatever path was invoked", async () => {
    const reasons = new Map<string, number>();
    // API Gateway caches the policy per token and evaluates it for the token's later requests, so
    // it must never allow a route the scopes do not grant (a `{id}` grant included: one segment),
    // must allow every route an exact pattern grants, and the invoked route exactly when it is
    // granted and can be named — also when the invoked path carries characters IAM reads as
    // wildcards.
    const scopeSets = ['orders:read', 'orders:write', 'admin', 'orders:read admin', 'orders:write admin', 'nonsense'];
    const tokens = new Map(scopeSets.map((scope) => [scope, world.mint({ claims: { scope } })]));
    const methodArb = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS');
    const pathArb = fc
      .array(fc.constantFrom('orders', 'admin', '1', 'users', '*', '?', 'a*', '*b', '%2A', 'x?y', '', 'ü'), { minLength: 1, maxLength: 4 })
      .map((segments) => `/${segments.join('/')}`);
    const probes = [
      'GET/orders',
      'GET/orders/1',
      'GET/orders/1/items',
      'POST/orders',
      'PUT/orders/2',
      'PUT/orders/2/secrets',
      'DELETE/orders/3',
      'DELETE/orders/3/x',
      'DELETE/orders/',
      'PATCH/admin/x',
      'GET/admin/y/z',
      'GET/admin/',
      'GET/',
      'POST/other',
      'GET/ordersX',
    ];
    const policyKindArb = fc.constantFrom<EventKindName>('rest-token', 'rest-request', 'http-v1', 'http-v2-iam');
    await runProperty(
      'policies probed as IAM evaluates them: no ungranted route allowed, every exact grant allowed, the invoked route exactly when granted and nameable, for invoked paths with wildcard characters too',
      500,
      fc.asyncProperty(policyKindArb, fc.constantFrom(...scopeSets), methodArb, pathArb, async (kind, scope, method, path) => {
        const event = buildEvent(kind, { authorization: `Bearer ${tokens.get(scope)}`, method, path });
        const { logs } = handlers.iam;
        logs.clear();
        const response = (await handlers.iam.handler(event)) as { policyDocument: PolicyDocument };
        const stageArn = executeApiArn('GET', '/').replace(/\/GET\/$/, '');
        const scopes = scope.split(' ');
        const invoked = `${method}${path}`;
        const allowList = expectedAllowList(scopes, invoked);
        for (const probe of [...probes, invoked]) {
          const allowed = policyAllows(response.policyDocument, `${stageArn}/${probe}`);
          const label = `${probe} with [${scope}] after ${method} ${path}: ${JSON.stringify(response.policyDocument)}`;
          if (allowed) expect(scopesGrant(scopes, probe), `allowed but not granted: ${label}`).toBe(true);
          expect(allowed, label).toBe(allowList.some((glob) => iamMatches(`${stageArn}/${glob}`, `${stageArn}/${probe}`)));
        }
        tally(reasons, String(logs.lastDecision?.['reason']));
      }),
      reasons,
    );
  });

  it("keeps every response within API Gateway's limits, and allows only granted routes, for long and odd paths", async () => {
    const reasons = new Map<string, number>();
    const scopeSets = ['orders:read', 'orders:write', 'admin', 'nonsense'];
    const tokens = new Map(scopeSets.map((scope) => [scope, world.mint({ claims: { scope } })]));
    const segmentArb = fc.oneof(
      fc.constantFrom('orders', 'admin', '1', '*', '?', ''),
      fc.string({ unit: fc.constantFrom('a', 'é', '%', '*', '-', '~'), minLength: 1, maxLength: 400 }),
    );
    const pathArb = fc.array(segmentArb, { minLength: 1, maxLength: 6 }).map((segments) => `/${segments.join('/')}`);
    await runProperty(
      "long and odd paths (up to ~2,400 characters, multi-byte, IAM wildcards): every response within API Gateway's limits, no ungranted route allowed",
      400,
      fc.asyncProperty(
        kindArb,
        fc.constantFrom(...scopeSets),
        fc.constantFrom('GET', 'PUT', 'DELETE', 'POST'),
        pathArb,
        async (kind, scope, method, path) => {
          const { observation, logs } = await invoke(
            kind,
            buildEvent(kind, { authorization: `Bearer ${tokens.get(scope)}`, method, path }),
          );
          // The harness refuses (as a crash) any Resource over 512 characters, response over 6 MB or non-string context.
          expect(observation.outcome, JSON.stringify(observation).slice(0, 300)).not.toBe('crash');
          if (observation.outcome === 'allow') expect(scopesGrant(scope.split(' '), `${method}${path}`), `${method} ${path}`).toBe(true);
          tally(reasons, String(logs.lastDecision?.['reason'] ?? 'allowed'));
        },
      ),
      reasons,
    );
  });

  it('drops every generated JWKS key an independent judge finds forgeable, and keeps every real one', async () => {
    const reasons = new Map<string, number>();
    const realEd25519 = Array.from({ length: 20 }, () => generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x ?? '');
    const realEd448 = Array.from({ length: 10 }, () => generateKeyPairSync('ed448').publicKey.export({ format: 'jwk' }).x ?? '');
    const p25519 = 2n ** 255n - 19n;
    const p448 = 2n ** 448n - 2n ** 224n - 1n;
    const encodeY = (y: bigint, bytes: number, sign: boolean): string => {
      const out = Buffer.alloc(bytes);
      let rest = y;
      for (let i = 0; i < bytes; i++) {
        out[i] = Number(rest & 0xffn);
        rest >>= 8n;
      }
      if (sign) out[bytes - 1] = (out[bytes - 1] ?? 0) | 0x80;
      return out.toString('base64url');
    };
    const okpArb = fc.oneof(
      fc.record({ crv: fc.constant('Ed25519' as const), x: fc.constantFrom(...realEd25519) }),
      fc.record({ crv: fc.constant('Ed448' as const), x: fc.constantFrom(...realEd448) }),
      fc.record({
        crv: fc.constant('Ed25519' as const),
        x: fc.constantFrom(...ED25519_SMALL_ORDER_ENCODINGS.map((hex) => Buffer.from(hex, 'hex').toString('base64url'))),
      }),
      fc.record({
        crv: fc.constant('Ed448' as const),
        x: fc.constantFrom(...ED448_SMALL_ORDER_ENCODINGS.map((hex) => Buffer.from(hex, 'hex').toString('base64url'))),
      }),
      fc.record({
        crv: fc.constant('Ed25519' as const),
        x: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((x) => Buffer.from(x).toString('base64url')),
      }),
      fc
        .tuple(fc.constantFrom(0n, 1n, 2n, p25519 - 1n, p25519, p25519 + 1n), fc.boolean())
        .map(([y, sign]) => ({ crv: 'Ed25519' as const, x: encodeY(y, 32, sign) })),
      fc
        .tuple(fc.constantFrom(0n, 1n, 2n, p448 - 1n, p448, p448 + 1n), fc.boolean())
        .map(([y, sign]) => ({ crv: 'Ed448' as const, x: encodeY(y, 57, sign) })),
    );
    const rsaArb = fc.constantFrom(...rsaPool);
    // One policy for the whole run, as one JWKS cache has: it remembers each modulus's verdict.
    const policy = new KeyPolicy({ algorithms: ['RS256', 'EdDSA'], minRsaModulusBits: 2048, maxRsaModulusBits: 4096 });
    const entryArb = fc.oneof(
      okpArb.map((key) => ({ kind: 'okp' as const, jwk: { kty: 'OKP', alg: 'EdDSA', use: 'sig', ...key } })),
      rsaArb.map((key) => ({ kind: 'rsa' as const, jwk: key.jwk, weak: key.weak })),
    );
    await runProperty(
      'generated JWKS sets (real keys, every small-order and non-canonical Ed25519/Ed448 encoding, random points, factorable RSA moduli): the key policy against an independent judge',
      200,
      fc.asyncProperty(fc.array(entryArb, { minLength: 1, maxLength: 6 }), async (entries) => {
        const keys = entries.map((entry, index) => ({ ...entry.jwk, kid: `k${index}` }));
        const result = policy.apply({ keys });
        const kept = new Set(result.jwks.keys.map((key) => key.kid));
        const moduli = entries.flatMap((entry) => (entry.kind === 'rsa' ? [entry.jwk.n] : []));
        for (const [index, entry] of entries.entries()) {
          let forgeable: boolean;
          if (entry.kind === 'okp') {
            const verdict = judgeEdwardsKey(entry.jwk.crv, Buffer.from(entry.jwk.x, 'base64url'));
            if (verdict === 'not-on-curve') continue;
            forgeable = verdict !== 'canonical-point';
          } else {
            // A real modulus twice in the set is one key under two kids; the pool's shared-prime pair gives each other away.
            forgeable =
              entry.weak ||
              (entry.jwk.n === sharedPair[0] && moduli.includes(sharedPair[1])) ||
              (entry.jwk.n === sharedPair[1] && moduli.includes(sharedPair[0]));
          }
          expect(kept.has(`k${index}`), `${JSON.stringify(entry.jwk).slice(0, 120)} forgeable: ${forgeable}`).toBe(!forgeable);
          tally(reasons, forgeable ? 'dropped (forgeable)' : 'kept');
        }
      }),
      reasons,
    );
  });

  const anyValue = fc.anything({
    withBoxedValues: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withBigInt: true,
    withDate: true,
    withTypedArray: true,
    withSparseArray: true,
    withObjectString: true,
    maxDepth: 3,
  });

  it('never crashes on arbitrary values as the event', async () => {
    const reasons = new Map<string, number>();
    await runProperty(
      'arbitrary values as the event (any JS value: boxed, Map, Set, null prototype, BigInt, typed arrays)',
      500,
      fc.asyncProperty(anyValue, async (event) => {
        tally(reasons, await expectNoCrash(event));
      }),
      reasons,
    );
  });

  it('never crashes on hostile event shapes', async () => {
    const reasons = new Map<string, number>();
    // Mostly the right shape with one field at a time going wrong, so the handler's inner paths run.
    const usually = <T>(good: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
      fc.oneof({ arbitrary: good, weight: 6 }, { arbitrary: anyValue, weight: 1 });
    const arnArb = usually(
      fc.constantFrom(
        'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/prod/GET/orders',
        'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/$default/POST/orders/1',
        'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/*/GET/orders',
        'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/prod',
      ),
    );
    const headerValueArb = usually(fc.oneof(authorizationArb, fc.constantFrom(...validTokens.map((token) => `Bearer ${token}`))));
    const headersArb = usually(
      fc.dictionary(
        fc.constantFrom('authorization', 'Authorization', 'AUTHORIZATION', 'host', '__proto__', 'constructor', 'toString'),
        headerValueArb,
        { maxKeys: 4 },
      ),
    );
    const eventArb = fc.record(
      {
        type: usually(fc.constantFrom('TOKEN', 'REQUEST')),
        version: usually(fc.constantFrom('1.0', '2.0')),
        methodArn: arnArb,
        routeArn: arnArb,
        authorizationToken: headerValueArb,
        headers: headersArb,
        multiValueHeaders: usually(
          fc.dictionary(fc.constantFrom('authorization', 'Authorization', 'host'), fc.array(headerValueArb, { maxLength: 3 }), {
            maxKeys: 3,
          }),
        ),
        queryStringParameters: usually(
          fc.option(fc.dictionary(fc.constantFrom('access_token', 'x'), usually(fc.string()), { maxKeys: 2 })),
        ),
        multiValueQueryStringParameters: usually(
          fc.option(fc.dictionary(fc.constantFrom('access_token', 'x'), fc.array(usually(fc.string()), { maxLength: 2 }), { maxKeys: 2 })),
        ),
        requestContext: anyValue,
      },
      { requiredKeys: ['type'] },
    );
    await runProperty(
      'hostile event shapes (every event field missing or of any type, repeated and odd header names, valid and junk tokens)',
      1000,
      fc.asyncProperty(eventArb, async (event) => {
        tally(reasons, await expectNoCrash(event));
      }),
      reasons,
    );
  });

  it.skipIf(REPORT_MODE || LONG)("SECURITY.md shows this run's fuzz results", () => {
    expect(staleness(fuzzSection())).toBeUndefined();
  });

  it.runIf(REPORT_MODE || LONG)("saves this run's fuzz results for SECURITY.md", () => {
    saveSection(fuzzSection(), LONG ? 'fuzz-long' : 'fuzz');
  });
});

/**
 * The handler either answers — and then with a well-formed policy or simple response — or throws
 * exactly `Error('Unauthorized')`, and only for events that are not HTTP API events (HTTP APIs
 * turn any throw into a 500). Returns the logged reason (or "allowed").
 */
async function expectNoCrash(event: unknown): Promise<string> {
  const { handler, logs } = handlers.iam;
  logs.clear();
  let response: unknown;
  try {
    response = await handler(event);
  } catch (error) {
    expect(isExactlyUnauthorized(error), String(error)).toBe(true);
    expect(isHttpApiEvent(event)).toBe(false);
    return String(logs.lastDecision?.['reason']);
  }
  const { principalId, policyDocument } = response as {
    principalId?: unknown;
    policyDocument?: { Version?: string; Statement?: Array<{ Effect?: string; Resource?: unknown }> };
  };
  expect(typeof principalId).toBe('string');
  expect(policyDocument?.Version).toBe('2012-10-17');
  expect(policyDocument?.Statement?.length).toBeGreaterThan(0);
  expect(logs.decisions).toHaveLength(1);
  const reason = String(logs.lastDecision?.['reason']);
  // Only a genuinely valid token may be allowed, and then only as its own subject.
  if (policyDocument?.Statement?.some((statement) => statement.Effect === 'Allow')) expect(principalId).toBe('alice');
  return reason;
}

/** HTTP API events per the README: these must always get a response, never a throw. */
function isHttpApiEvent(event: unknown): boolean {
  if (typeof event !== 'object' || event === null) return false;
  const record = event as Record<string, unknown>;
  if (record['type'] !== 'REQUEST') return false;
  return (
    (record['version'] === '2.0' && typeof record['routeArn'] === 'string') ||
    (record['version'] === '1.0' && typeof record['methodArn'] === 'string')
  );
}

function fuzzSection(): SectionResult {
  const total = records.reduce((sum, record) => sum + record.runs, 0);
  return {
    id: 'fuzz',
    columns: ['Property', 'Event kinds', 'Runs', 'Result'],
    rows: records.map((record) => [
      record.property,
      record.property.startsWith('arbitrary') || record.property.startsWith('hostile') ? 'any' : 'all',
      String(record.runs),
      record.failed ? 'FAILED' : record.interrupted ? 'passed (stopped at time limit)' : 'passed',
    ]),
    measured: [
      `${records.length} properties, ${total} runs in ${(records.reduce((sum, record) => sum + record.ms, 0) / 1000).toFixed(1)} s${LONG ? ` (long run: ${LONG_FACTOR}× budget, ${LONG_TIME_LIMIT_MS / 60_000} min limit per property)` : ''}`,
      ...records.map(
        (record) =>
          `${record.property.split(' (')[0]?.split(':')[0]} — seed ${record.seed}; outcomes: ${[...record.reasons]
            .sort((a, b) => b[1] - a[1])
            .map(([reason, count]) => `${reason} ${count}`)
            .join(', ')}`,
      ),
    ],
  };
}
