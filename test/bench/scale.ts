/**
 * Table 4 — scale: does a decision get slower as the API grows?
 *
 * - routes: 10, 100 and 1,000 configured route patterns; a token whose scope grants 10 of them
 *   and an admin token granted all of them, on the repeated-token path (grants and policy are
 *   memoised per scope set, so after the first token this should not grow), plus the one-off cost
 *   of resolving a scope set the first time;
 * - issuers: 1, 10 and 100 trusted issuers, the token from the last one configured, on the
 *   first-sight path (the verifier is picked by `iss`, so this should not grow either).
 *
 * Observability is muted: these rows compare the decision with itself at different sizes.
 */
import { parseConfig } from '../../lambdas/core/config/config';
import { GrantResolver } from '../../lambdas/authorizer/grants';
import type { AuthorizerHandler } from '../../lambdas/authorizer/handler';
import { httpApiV2Event } from '../helpers/events';
import { benchAuthorizer } from './lib/authorizers';
import { limitVerifier } from './lib/contenders';
import { BENCH_AUDIENCE, benchIssuer, generateBenchKeys, startBenchJwks, tokenPool } from './lib/fixtures';
import { formatNs, formatRatio, interleave, median, type Contender } from './lib/measure';
import { progress, runTable, type Budget } from './lib/report';

const ROUTE_COUNTS = [10, 100, 1000] as const;
const ISSUER_COUNTS = [1, 10, 100] as const;
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
/** "Flat": the largest size costs at most this much more than the smallest (noise allowance). */
const FLAT = 1.25;
const FIRST_SIGHT_POOL = 2000;

await runTable('scale', 'Scale: routes and trusted issuers', async () => {
  const keys = generateBenchKeys();
  const jwks = await startBenchJwks(keys);
  const issuer = benchIssuer(jwks);
  // A store that answers "not revoked" at once: these rows are about policy and issuer lookup.
  const revocationStore = { lookup: async () => new Map() };
  const event = (token: string) => httpApiV2Event({ authorization: `Bearer ${token}`, method: 'GET', path: '/res0/42' });

  progress('signing tokens');
  const readerEvents = tokenPool(keys.RS256, 50, { issuer, scope: 'scope0' }).map(event);
  const adminEvents = tokenPool(keys.RS256, 50, { issuer, scope: 'admin' }).map(event);
  const firstSightTokens = tokenPool(keys.RS256, FIRST_SIGHT_POOL, { issuer, scope: 'scope0' });
  const firstSightEvents = firstSightTokens.map(event);

  progress('building authorizers for 10, 100 and 1,000 routes and 1, 10 and 100 issuers');
  const contenders: Contender[] = [];
  const limit = limitVerifier(keys.RS256, issuer);
  contenders.push({ name: 'the limit', run: (i) => limit.verify(firstSightTokens[i % FIRST_SIGHT_POOL] ?? '') });
  const coldResolveMs = new Map<number, number>();
  for (const count of ROUTE_COUNTS) {
    const routes = scaleRoutes(count);
    const handler = await benchAuthorizer(
      parseConfig({
        issuers: [{ type: 'oidc', issuer, audience: [BENCH_AUDIENCE], jwksUri: jwks.url }],
        routes,
        jwks: { allowInsecureLoopbackHttp: true },
        revocation: { tableName: 'unused', notRevokedCacheSeconds: 3600 },
      }),
      { observability: 'muted', revocationStore },
    );
    for (const events of [readerEvents, adminEvents]) for (const each of events) await expectAllowed(handler, each);
    contenders.push({ name: `routes ${count}, 10 granted`, async: true, run: (i) => handler(readerEvents[i % readerEvents.length]) });
    contenders.push({ name: `routes ${count}, all granted`, async: true, run: (i) => handler(adminEvents[i % adminEvents.length]) });
    coldResolveMs.set(count, timeColdResolve(routes));
  }
  for (const count of ISSUER_COUNTS) {
    const others = Array.from({ length: count - 1 }, (_, index) => ({
      type: 'oidc',
      issuer: `${jwks.origin}/other-${index}`,
      audience: [BENCH_AUDIENCE],
      jwksUri: jwks.url,
    }));
    const handler = await benchAuthorizer(
      parseConfig({
        issuers: [...others, { type: 'oidc', issuer, audience: [BENCH_AUDIENCE], jwksUri: jwks.url }],
        routes: scaleRoutes(10),
        jwks: { allowInsecureLoopbackHttp: true },
        revocation: { tableName: 'unused', notRevokedCacheSeconds: 3600 },
        // Smaller than the pool: every timed call verifies the signature.
        verifiedTokenCache: { maxEntries: FIRST_SIGHT_POOL / 2 },
      }),
      { observability: 'muted', revocationStore },
    );
    for (const each of firstSightEvents) await expectAllowed(handler, each);
    contenders.push({ name: `issuers ${count}`, async: true, run: (i) => handler(firstSightEvents[i % FIRST_SIGHT_POOL]) });
  }

  progress(`timing ${contenders.length} contenders`);
  const results = await interleave(contenders, { rounds: 15, batchMs: 30, minIterations: 20 });
  const ns = (name: string): number => results.get(name)?.medianNs ?? Number.NaN;
  const limitNs = ns('the limit');
  await jwks.close();

  const rows: string[][] = [['the limit (reference)', formatNs(limitNs), '1.00×', '', '']];
  for (const granted of ['10 granted', 'all granted']) {
    const smallest = ns(`routes ${ROUTE_COUNTS[0]}, ${granted}`);
    for (const count of ROUTE_COUNTS) {
      const name = `routes ${count}, ${granted}`;
      rows.push([
        `${count} routes, token granted ${granted === '10 granted' ? '10' : `all ${count}`} (repeated token)`,
        formatNs(ns(name)),
        formatRatio(ns(name) / limitNs),
        formatRatio(ns(name) / smallest),
        '',
      ]);
    }
  }
  for (const count of ROUTE_COUNTS) {
    rows.push([
      `${count} routes: first resolution of a scope set granting all`,
      `${(coldResolveMs.get(count) ?? Number.NaN).toFixed(3)} ms`,
      '',
      '',
      'once per scope set',
    ]);
  }
  const oneIssuer = ns(`issuers ${ISSUER_COUNTS[0]}`);
  for (const count of ISSUER_COUNTS) {
    const name = `issuers ${count}`;
    rows.push([
      `${count} trusted issuer${count === 1 ? '' : 's'}, token from the last (first sight)`,
      formatNs(ns(name)),
      formatRatio(ns(name) / limitNs),
      formatRatio(ns(name) / oneIssuer),
      '',
    ]);
  }

  const flatness = (granted: string): number => ns(`routes 1000, ${granted}`) / ns(`routes 10, ${granted}`);
  const budgets: Budget[] = [
    {
      name: 'Policy building flat from 10 to 1,000 routes',
      target: `1,000 routes ≤ ${FLAT}× 10 routes`,
      measured: `${formatRatio(flatness('10 granted'))} (10 granted), ${formatRatio(flatness('all granted'))} (all granted)`,
      pass: flatness('10 granted') <= FLAT && flatness('all granted') <= FLAT,
      note: 'repeated token, memoised per scope set',
    },
  ];
  return {
    columns: ['Row', 'Median', '× the limit', '× smallest', ''],
    rows,
    budgets,
    figures: Object.fromEntries([...results.values()].map((measured) => [`${measured.name}.ns`, measured.medianNs])),
    notes: [
      'Routes: `METHOD /resN/{id}` over five methods; 10 routes per scope; the admin scope grants every route (its policy lists them all). Request `GET /res0/42`.',
      'Issuers: every other issuer shares the same JWKS; the token comes from the last one in the configuration.',
      `"Flat" allows ${FLAT}× for measurement noise; linear growth would be ~100×.`,
    ],
  };
});

function scaleRoutes(count: number): Record<string, string[]> {
  const routes: Record<string, string[]> = { admin: [] };
  for (let index = 0; index < count; index++) {
    const pattern = `${METHODS[index % METHODS.length]} /res${Math.floor(index / METHODS.length)}/{id}`;
    const scope = `scope${Math.floor(index / 10)}`;
    routes[scope] = [...(routes[scope] ?? []), pattern];
    routes['admin']?.push(pattern);
  }
  return routes;
}

/** Milliseconds to resolve the admin scope set on a fresh resolver (median of a few). */
function timeColdResolve(routes: Record<string, string[]>): number {
  const { scopeRoutes } = parseConfig({
    issuers: [{ type: 'oidc', issuer: 'https://issuer.example', audience: ['a'] }],
    routes,
    revocation: { enabled: false },
  });
  const times: number[] = [];
  for (let run = 0; run < 5; run++) {
    const resolver = new GrantResolver(scopeRoutes);
    const started = performance.now();
    resolver.resolve(['admin']);
    times.push(performance.now() - started);
  }
  return median(times);
}

async function expectAllowed(handler: AuthorizerHandler, event: unknown): Promise<void> {
  const response = (await handler(event)) as { policyDocument?: { Statement: Array<{ Effect: string }> } };
  if (!response.policyDocument?.Statement.every((statement) => statement.Effect === 'Allow')) throw new Error('expected an allow');
}
