/**
 * The differential route/policy property: for generated route tables, scope → pattern maps, tokens
 * and request sequences, what API Gateway would let through — Tollbooth's fresh answer on a cache
 * miss, and its cached answer replayed under each cache-key model — never includes a request the
 * token's scopes do not grant, and under a cache keyed by route never excludes one they grant
 * through a pattern that covers the request's route.
 *
 * Everything on API Gateway's side is written apart from the authorizer: routing by the local
 * stack's HTTP API route table (bin/local/api-routes.ts), the result cache as a map keyed as the
 * identity sources say, and policy evaluation by the local stack's IAM evaluator
 * (bin/local/iam-policy.ts). What the scopes grant is judged by regular expressions built here
 * from the patterns' documented meaning (`{id}` one segment, `{proxy+}` one or more characters,
 * `*` any run). The authorizer is the real handler, with a JWKS served by a fake fetcher.
 *
 * | cache keyed by | function told    | checked |
 * |----------------|------------------|---------|
 * | token          | token            | never allows an ungranted request; a fresh answer allows exactly the granted ones; a replay allows every request an exact pattern grants |
 * | token + route  | route            | the same, and a replay allows every granted request whose route one pattern covers for its method |
 * | token + route  | token (the default without the setting) | never allows an ungranted request |
 * | token + route, simple responses | route | never allows an ungranted request; allows a granted one exactly when one pattern covers its whole route |
 *
 * "Exactly the granted ones" has one documented exception: a request granted only through `{id}`
 * whose path holds `*` or `?` cannot be allowed by naming it (IAM would read a glob), so it is
 * refused unless its route's template may be allowed (configuration.md, route patterns). Every
 * token verifies, and a deny for any reason but `insufficient_scope` fails the property, so it can
 * never pass by refusing everything.
 *
 * `npm test` runs a small budget; `npm run fuzz:long` 100 times as many worlds (≥ 100,000 requests).
 */
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import type { Jwk } from 'aws-jwt-verify/jwk';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseApiRoute, RouteTable } from '../../bin/local/api-routes';
import { evaluatePolicy } from '../../bin/local/iam-policy';
import { createAuthorizer, type AuthorizerHandler } from '../../lambdas/authorizer/handler';
import type { ResultsCacheKey } from '../../lambdas/core/config/authorizer-config';
import { parseConfig } from '../../lambdas/core/config/parse-config';
import { executeApiArn, httpApiV2Event, restRequestEvent, restTokenEvent } from '../helpers/events';
import { FakeJwksFetcher } from '../helpers/fake-jwks-fetcher';
import { LogCapture } from '../helpers/log-capture';
import { base64UrlJson } from '../helpers/tokens';
import { isExactlyUnauthorized } from './harness';
import { REPORT_MODE, saveSection, staleness, type SectionResult } from './report';

const LONG = process.env['TOLLBOOTH_FUZZ'] === 'long';
const LONG_FACTOR = 100;
const LONG_TIME_LIMIT_MS = 15 * 60_000;
const BASE_WORLDS = 300;
const REQUESTS_PER_WORLD = 12;

const ISSUER = 'https://issuer.route-policy.test';
const AUDIENCE = 'https://api.route-policy.test';
const KEY = generateKeyPairSync('ed25519');
const JWK = {
  ...(KEY.publicKey.export({ format: 'jwk' }) as Record<string, string>),
  kid: 'route-policy',
  alg: 'EdDSA',
  use: 'sig',
} as Jwk;
const METHODS = ['GET', 'POST', 'PUT', 'DELETE'] as const;
const ALL_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/** One way API Gateway calls the authorizer and caches its answers, and what the function is told. */
interface Model {
  readonly name: string;
  readonly kind: 'http-v2' | 'http-v1' | 'rest-request' | 'rest-token' | 'http-v2-simple';
  readonly cacheKey: 'token' | 'route';
  readonly told: ResultsCacheKey;
}

const MODELS: readonly Model[] = [
  { name: 'HTTP 2.0, cache by token + route, told route', kind: 'http-v2', cacheKey: 'route', told: 'route' },
  { name: 'HTTP 2.0, cache by token, told token', kind: 'http-v2', cacheKey: 'token', told: 'token' },
  { name: 'HTTP 2.0, cache by token + route, told token', kind: 'http-v2', cacheKey: 'route', told: 'token' },
  { name: 'HTTP 1.0, cache by token + route, told route', kind: 'http-v1', cacheKey: 'route', told: 'route' },
  { name: 'REST REQUEST, cache by token + method + resource, told route', kind: 'rest-request', cacheKey: 'route', told: 'route' },
  { name: 'REST REQUEST, cache by token, told token', kind: 'rest-request', cacheKey: 'token', told: 'token' },
  { name: 'REST TOKEN, cache by token, told token', kind: 'rest-token', cacheKey: 'token', told: 'token' },
  { name: 'HTTP 2.0 simple responses, cache by token + route, told route', kind: 'http-v2-simple', cacheKey: 'route', told: 'route' },
];

// ---------------------------------------------------------------- generators

const literalArb = fc.constantFrom('a', 'b');
const routePathArb = fc
  .tuple(fc.array(fc.oneof(literalArb, fc.constant('{id}')), { minLength: 0, maxLength: 3 }), fc.boolean())
  .map(([segments, greedy]) => `/${[...segments, ...(greedy ? ['{proxy+}'] : [])].join('/')}`);
const routeKeyArb = fc.tuple(fc.constantFrom('GET', 'POST', 'ANY'), routePathArb).map(([method, path]) => `${method} ${path}`);
const patternArb = fc
  .tuple(
    fc.constantFrom('GET', 'POST', 'ANY'),
    fc.array(fc.oneof(literalArb, fc.constantFrom('{id}', '*', 'a*')), { minLength: 0, maxLength: 3 }),
    fc.boolean(),
  )
  .map(([method, segments, greedy]) => `${method} /${[...segments, ...(greedy ? ['{proxy+}'] : [])].join('/')}`);
const SCOPES = ['s1', 's2', 's3'] as const;
/** Patterns: random ones, and the routes themselves (so scopes often grant whole routes, or one method of them). */
const scopeRoutesArb = (routes: readonly string[]): fc.Arbitrary<Record<(typeof SCOPES)[number], string[]>> => {
  const routeLike = fc
    .constantFrom(...routes)
    .chain((route) => fc.constantFrom(route, route.replace(/^ANY /, 'GET '), route.replace(/^\w+ /, 'ANY ')));
  const oneScope = fc.uniqueArray(fc.oneof(patternArb, routeLike), { minLength: 1, maxLength: 3 });
  return fc.record(Object.fromEntries(SCOPES.map((scope) => [scope, oneScope])) as Record<(typeof SCOPES)[number], fc.Arbitrary<string[]>>);
};
const tokenScopesArb = fc.uniqueArray(fc.subarray([...SCOPES], { minLength: 0, maxLength: 3 }), {
  minLength: 1,
  maxLength: 2,
  selector: (scopes) => scopes.join(' '),
});
/** Path segment values; `*` and `a?` are characters IAM reads as wildcards in a policy's `Resource`. */
const SEGMENT_VALUES = ['a', 'b', 'c', 'zz', 'ab', '*', 'a?'];
const REST_VALUES = ['a', 'zz', 'a/b', 'zz/zz', 'a/b/c', 'b/a/zz'];
/** What the oracle tries for a `{proxy+}`: the values requests use, and empty segments too. */
const ORACLE_REST_VALUES = [...REST_VALUES, 'b/', '/', 'a//b', '/zz'];
/** Which route a request aims at (or a random path), its values, method and token. */
const requestSeedArb = fc.record({
  route: fc.nat(),
  randomPath: fc.oneof(
    { arbitrary: fc.constant(undefined), weight: 4 },
    { arbitrary: fc.array(fc.constantFrom(...SEGMENT_VALUES), { minLength: 0, maxLength: 4 }), weight: 1 },
  ),
  values: fc.array(fc.nat(), { minLength: 4, maxLength: 4 }),
  method: fc.constantFrom(...METHODS),
  token: fc.nat(),
});
const worldArb = fc.uniqueArray(routeKeyArb, { minLength: 2, maxLength: 6, selector: (key) => key }).chain((routes) =>
  fc.record({
    routes: fc.constant(routes),
    defaultRoute: fc.boolean(),
    scopeRoutes: scopeRoutesArb(routes),
    tokens: tokenScopesArb,
    requests: fc.array(requestSeedArb, { minLength: REQUESTS_PER_WORLD, maxLength: REQUESTS_PER_WORLD }),
    model: fc.constantFrom(...MODELS),
  }),
);
type World = typeof worldArb extends fc.Arbitrary<infer T> ? T : never;

// ---------------------------------------------------------------- the independent oracle

/** What a pattern grants, as a predicate on (method, path), from its documented meaning. */
function grantOf(pattern: string): { readonly exact: boolean; matches(method: string, path: string): boolean } {
  const [method = '', path = ''] = pattern.split(' ');
  const body = path
    .slice(1)
    .split('/')
    .map((segment) => {
      if (segment === '{proxy+}') return '.+';
      if (segment === '{id}') return '[^/]+';
      return segment.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*');
    })
    .join('/');
  const regex = new RegExp(`^${body}$`, 's');
  return { exact: !path.includes('{id}'), matches: (m, p) => (method === 'ANY' || method === m) && regex.test(p.slice(1)) };
}

/** Every path a route template routes, for values rich enough to tell the generated patterns apart. */
function instancesOf(templatePath: string | undefined): string[] {
  if (templatePath === undefined) return ['/', '/a', '/zz', '/a/b', '/zz/zz/zz', '/c/b/a/zz', '/a/', '//'];
  let paths = [''];
  for (const segment of templatePath.slice(1).split('/')) {
    const values = segment === '{proxy+}' ? ORACLE_REST_VALUES : segment === '{id}' ? SEGMENT_VALUES : [segment];
    paths = paths.flatMap((prefix) => values.map((value) => `${prefix}/${value}`));
  }
  return paths.map((path) => (path === '' ? '/' : path));
}

// ---------------------------------------------------------------- the run

interface Tally {
  worlds: number;
  requests: number;
  fresh: number;
  replayed: number;
  allowed: number;
  notFound: number;
}

async function runWorld(world: World, tally: Tally): Promise<void> {
  const { model } = world;
  const rest = model.kind === 'rest-request' || model.kind === 'rest-token';
  // API Gateway's side: the route table (REST APIs have no $default route).
  const routeKeys = [...world.routes, ...(world.defaultRoute && !rest ? ['$default'] : [])];
  const table = new RouteTable(world.routes.map((key) => parseApiRoute(key, key)));
  const scopeGrants = Object.fromEntries(Object.entries(world.scopeRoutes).map(([scope, patterns]) => [scope, patterns.map(grantOf)]));

  // The authorizer, told how its answers are cached.
  const resultsCache = { httpApi: model.told, restRequest: model.told, restToken: model.told === 'route' ? 'token' : model.told };
  const config = parseConfig({
    issuers: [{ issuer: ISSUER, audience: [AUDIENCE], jwksUri: `${ISSUER}/.well-known/jwks.json` }],
    routes: world.scopeRoutes,
    revocation: { enabled: false },
    httpApiResponseMode: model.kind === 'http-v2-simple' ? 'simple' : 'iam',
    resultsCache,
  });
  const logs = new LogCapture();
  const handler: AuthorizerHandler = createAuthorizer(config, {
    logger: logs,
    jwksFetcher: new FakeJwksFetcher([JWK]),
  }).handler;
  const tokens = world.tokens.map((scopes) => ({ scopes, token: mint(scopes) }));
  const cache = new Map<string, unknown>();

  for (const seed of world.requests) {
    const { scopes, token } = tokens[seed.token % tokens.length] ?? { scopes: [], token: '' };
    // The request, and the route API Gateway sends it to.
    const aimed = routeKeys[seed.route % routeKeys.length] ?? '$default';
    const path = seed.randomPath ? `/${seed.randomPath.join('/')}` : instantiate(aimed, seed.values);
    const method = aimed.startsWith('ANY ') || aimed === '$default' || seed.randomPath ? seed.method : (aimed.split(' ')[0] ?? 'GET');
    const routed = table.match(method, path)?.route.routeKey ?? (routeKeys.includes('$default') ? '$default' : undefined);
    tally.requests++;
    if (routed === undefined) {
      tally.notFound++;
      continue;
    }
    const templatePath = routed === '$default' ? undefined : routed.slice(routed.indexOf(' ') + 1);

    // API Gateway: the cached answer for the identity sources, else the authorizer's.
    const cacheKey =
      model.cacheKey === 'token' ? token : model.kind === 'rest-request' ? `${token} ${method} ${templatePath}` : `${token} ${routed}`;
    let answer = cache.get(cacheKey);
    const fresh = answer === undefined;
    if (fresh) {
      answer = await invoke(handler, model, method, path, routed, templatePath, token);
      // Every token verifies: a deny for any other reason would make the property vacuous.
      expect(logs.lastDecision?.['reason'], `the authorizer refused a valid token: ${JSON.stringify(logs.lastDecision)}`).toMatch(
        /^(allowed|insufficient_scope)$/,
      );
      cache.set(cacheKey, answer);
      tally.fresh++;
    } else {
      tally.replayed++;
    }
    const allowed = allows(model, answer, method, path);
    if (allowed) tally.allowed++;

    // The oracle.
    const grants = scopes.flatMap((scope) => scopeGrants[scope] ?? []);
    const granted = grants.some((grant) => grant.matches(method, path));
    const exactlyGranted = grants.some((grant) => grant.exact && grant.matches(method, path));
    const coversFor = (m: string): boolean =>
      grants.some((grant) => instancesOf(templatePath).every((instance) => grant.matches(m, instance)));
    const routeMethods = routed.startsWith('ANY ') || routed === '$default' ? ALL_METHODS : [routed.split(' ')[0] ?? ''];
    const label = JSON.stringify({ model: model.name, scopes, routes: world.scopeRoutes, method, path, routed, fresh, answer });

    expect(allowed && !granted, `allowed a request the scopes do not grant: ${label}`).toBe(false);
    if (model.kind === 'http-v2-simple') {
      const whole = granted && routeMethods.every(coversFor);
      if (fresh) expect(allowed, `simple answer ≠ granted-and-route-covered: ${label}`).toBe(whole);
      else if (whole) expect(allowed, `cached simple answer refused a request its route covers: ${label}`).toBe(true);
      continue;
    }
    // A request granted only through `{id}` whose path IAM would read as a glob cannot be allowed by
    // naming it; only its route's template can allow it, when the cache is keyed by route.
    const nameable = !/[*?]/.test(path) || (model.told === 'route' && coversFor(method));
    if (fresh) expect(allowed, `fresh answer ≠ granted: ${label}`).toBe(granted && (exactlyGranted || nameable));
    else if (exactlyGranted) expect(allowed, `cached policy refused an exactly granted request: ${label}`).toBe(true);
    else if (model.cacheKey === 'route' && model.told === 'route' && granted && coversFor(method))
      expect(allowed, `route-keyed cached policy refused a request whose route a pattern covers: ${label}`).toBe(true);
  }
  tally.worlds++;
}

function instantiate(routeKey: string, values: readonly number[]): string {
  if (routeKey === '$default') return `/${values.map((value) => SEGMENT_VALUES[value % SEGMENT_VALUES.length]).join('/')}`;
  const templatePath = routeKey.slice(routeKey.indexOf(' ') + 1);
  let index = 0;
  const path = templatePath
    .slice(1)
    .split('/')
    .map((segment) => {
      const value = values[index++ % values.length] ?? 0;
      if (segment === '{proxy+}') return REST_VALUES[value % REST_VALUES.length];
      if (segment === '{id}') return SEGMENT_VALUES[value % SEGMENT_VALUES.length];
      return segment;
    })
    .join('/');
  return `/${path}`;
}

function mint(scopes: readonly string[]): string {
  const now = Math.floor(Date.now() / 1000);
  const input = `${base64UrlJson({ alg: 'EdDSA', kid: JWK.kid, typ: 'JWT' })}.${base64UrlJson({
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'fuzz',
    scope: scopes.join(' '),
    iat: now,
    exp: now + 3600,
    jti: randomUUID(),
  })}`;
  return `${input}.${sign(null, Buffer.from(input), KEY.privateKey).toString('base64url')}`;
}

/** Calls the authorizer with the event API Gateway would send; a REST 401 is a deny, anything else thrown fails. */
async function invoke(
  handler: AuthorizerHandler,
  model: Model,
  method: string,
  path: string,
  routeKey: string,
  templatePath: string | undefined,
  token: string,
): Promise<unknown> {
  const authorization = `Bearer ${token}`;
  let event: Record<string, unknown>;
  if (model.kind === 'rest-token') event = { ...restTokenEvent({ authorization, method, path }) };
  else if (model.kind === 'http-v2' || model.kind === 'http-v2-simple')
    event = { ...httpApiV2Event({ authorization, method, path, routeKey }) };
  else {
    event = {
      ...restRequestEvent({ authorization, method, path, httpApiV1: model.kind === 'http-v1' }),
      resource: templatePath ?? '$default',
    };
  }
  try {
    return await handler(event);
  } catch (error) {
    if (isExactlyUnauthorized(error) && model.kind.startsWith('rest')) return { unauthorized: true };
    throw error;
  }
}

/** API Gateway's verdict for this request from an answer, fresh or cached. */
function allows(model: Model, answer: unknown, method: string, path: string): boolean {
  const response = answer as { isAuthorized?: unknown; policyDocument?: unknown; unauthorized?: true };
  if (response.unauthorized) return false;
  if (model.kind === 'http-v2-simple') return response.isAuthorized === true;
  return evaluatePolicy(response.policyDocument, { action: 'execute-api:Invoke', resource: executeApiArn(method, path) }) === 'allow';
}

// ---------------------------------------------------------------- the property and its report

const tally: Tally = { worlds: 0, requests: 0, fresh: 0, replayed: 0, allowed: 0, notFound: 0 };
let record: { runs: number; failed: boolean; interrupted: boolean; seed: number; ms: number } | undefined;

describe('route/policy differential', () => {
  it(
    'never lets API Gateway allow an ungranted request, fresh or cached, and under a route-keyed cache never refuses a covered one',
    async () => {
      const started = performance.now();
      const details = await fc.check(
        fc.asyncProperty(worldArb, (world) => runWorld(world, tally)),
        {
          numRuns: LONG ? BASE_WORLDS * LONG_FACTOR : BASE_WORLDS,
          ...(LONG ? { plugins: [fc.interruptAfterTimeLimit(LONG_TIME_LIMIT_MS)] } : {}),
        },
      );
      record = {
        runs: details.numRuns,
        failed: details.failed,
        interrupted: details.interrupted,
        seed: details.seed,
        ms: performance.now() - started,
      };
      if (details.failed) throw new Error(fc.defaultReportMessage(details));
    },
    LONG ? LONG_TIME_LIMIT_MS + 60_000 : 120_000,
  );

  it.skipIf(REPORT_MODE || LONG)("SECURITY.md shows this run's route/policy results", () => {
    expect(staleness(section())).toBeUndefined();
  });

  it.runIf(REPORT_MODE || LONG)("saves this run's route/policy results for SECURITY.md", () => {
    saveSection(section(), LONG ? 'route-policy-long' : 'route-policy');
  });
});

function section(): SectionResult {
  const runs = record?.runs ?? 0;
  return {
    id: 'route-policy',
    columns: ['Property', 'Cache models', 'Worlds', 'Requests', 'Result'],
    rows: [
      [
        'generated route tables, scope → pattern maps, tokens and request sequences: what API Gateway lets through, fresh or replayed from its cache, judged by an IAM evaluator and a pattern oracle written apart from Tollbooth',
        String(MODELS.length),
        String(runs),
        String(runs * REQUESTS_PER_WORLD),
        !record || record.failed ? 'FAILED' : record.interrupted ? 'passed (stopped at time limit)' : 'passed',
      ],
    ],
    measured: [
      `${tally.requests} requests in ${tally.worlds} worlds (${((record?.ms ?? 0) / 1000).toFixed(1)} s, seed ${record?.seed}): ${tally.fresh} answered by the authorizer, ${tally.replayed} from the cache, ${tally.notFound} routed nowhere; ${tally.allowed} allowed${LONG ? ` (long run: ${LONG_FACTOR}× budget, ${LONG_TIME_LIMIT_MS / 60_000} min limit)` : ''}`,
      ...MODELS.map((model) => `model: ${model.name}`),
    ],
  };
}
