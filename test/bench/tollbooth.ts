/**
 * Table 2 — Tollbooth: the real handler on HTTP API (payload 2.0, IAM policy) events, RS256, as a
 * ratio to the limit measured in the same rounds:
 *
 * - first sight of a token: signature verification, claims, policy, revocation answered from the
 *   cache (each token was seen once before the clock started, so its revocation answer is cached,
 *   but the verified-token cache is smaller than the pool, so every timed call verifies again);
 * - a repeated token: answered by the verified-token cache (`exp` and revocation still checked);
 * - a revocation cache miss: every call reads DynamoDB (dynalite, in its own process);
 *
 * each with observability muted (the decision itself, what the budgets cover) and with the
 * production decision log line and EMF flush. Then the cost of those two lines alone, and a
 * breakdown of the work Tollbooth adds around verification, timed stage by stage.
 *
 * The DynamoDB budget is checked by counting `BatchGetItem` requests: none for tokens that fail
 * verification, and at most one per token per revocation-cache window — with the same token
 * arriving five times at once.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { JwtHeader, JwtPayload } from 'aws-jwt-verify/jwt-model';
import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import { readClaims } from '../../lambdas/core/claims';
import type { AuthorizerConfig } from '../../lambdas/core/config/config';
import { logDecision } from '../../lambdas/authorizer/decision-log';
import { detectEventKind, toAuthRequest } from '../../lambdas/authorizer/event';
import { GrantResolver } from '../../lambdas/authorizer/grants';
import { TollboothJwksCache } from '../../lambdas/core/verification/jwks-cache';
import { createAuthorizer, type AuthorizerHandler } from '../../lambdas/authorizer/handler';
import { AuthorizerMetrics } from '../../lambdas/authorizer/metrics';
import { answer } from '../../lambdas/authorizer/response';
import { RevocationChecker } from '../../lambdas/authorizer/revocation-checker';
import { extractToken } from '../../lambdas/core/bearer-token';
import { TokenRecord } from '../../lambdas/authorizer/token-record';
import { VerifiedTokenCache } from '../../lambdas/authorizer/verified-token-cache';
import { DEFAULT_SERVICE_NAME } from '../../lambdas/core/metric-names';
import { httpApiV2Event } from '../helpers/events';
import { LogCapture } from '../helpers/log-capture';
import { benchAuthorizer, benchConfig, type Observability } from './lib/authorizers';
import { awsJwtVerifyContender, limitVerifier } from './lib/contenders';
import { countBatchGets, startDynaliteProcess } from './lib/dynalite-process';
import {
  badTokens,
  benchIssuer,
  fetchJwks,
  generateBenchKeys,
  signToken,
  startBenchJwks,
  tokenPool,
  type BadTokens,
  type BenchKey,
} from './lib/fixtures';
import { formatNs, formatRatio, interleave, type Contender } from './lib/measure';
import { progress, runTable, type Budget } from './lib/report';

const FIRST_SIGHT_POOL = 2000;
/** Smaller than the pool, so cycling through the pool always misses the verified-token cache. */
const FIRST_SIGHT_TOKEN_CACHE = 1000;
const REPEATED_POOL = 200;
const WINDOW_TOKENS = 100;
const ARRIVALS_PER_TOKEN = 5;

await runTable('tollbooth', 'Tollbooth: the real handler, RS256, HTTP API payload 2.0 (IAM policy)', async () => {
  const keys = generateBenchKeys();
  const key = keys.RS256;
  const jwksServer = await startBenchJwks(keys);
  const issuer = benchIssuer(jwksServer);
  const dynamo = await startDynaliteProcess();
  const client = dynamo.client();
  const reads = countBatchGets(client);
  const config = (overrides: Record<string, unknown> = {}) => benchConfig(jwksServer, dynamo.tableName, overrides);

  progress(`signing ${FIRST_SIGHT_POOL + REPEATED_POOL + WINDOW_TOKENS} RS256 tokens`);
  const firstSightPool = tokenPool(key, FIRST_SIGHT_POOL, { issuer, subject: 'first' });
  const repeatedPool = tokenPool(key, REPEATED_POOL, { issuer, subject: 'repeat' });
  const eventOf = (token: string) => httpApiV2Event({ authorization: `Bearer ${token}`, method: 'GET', path: '/orders/42' });
  const firstSightEvents = firstSightPool.map(eventOf);
  const repeatedEvents = repeatedPool.map(eventOf);

  // Correctness first: the real handler allows the good token and denies each bad one with its reason.
  progress('proving the handler allows a good token and denies bad ones with the right reason');
  const logs = new LogCapture();
  const proving = createAuthorizer(config(), { logger: logs, dynamoDbClient: client });
  await proving.hydrate();
  const bad = badTokens(key, issuer);
  const expectations: Array<[string, string]> = [
    [signToken(key, { issuer }), 'allowed'],
    [bad.tampered, 'bad_signature'],
    [bad.expired, 'expired'],
    [bad.wrongAudience, 'wrong_audience'],
    [bad.wrongIssuer, 'wrong_issuer'],
  ];
  for (const [token, reason] of expectations) {
    await proving.handler(eventOf(token));
    if (logs.lastDecision?.['reason'] !== reason)
      throw new Error(`handler decided ${String(logs.lastDecision?.['reason'])}, expected ${reason}`);
  }

  progress('counting DynamoDB reads: bad tokens, then revocation-cache windows');
  const readBudgets = await countReads({ config, client, reads, key, issuer, bad, eventOf, tableName: dynamo.tableName });

  progress('building and warming the authorizers');
  const build = async (observability: Observability, overrides: Record<string, unknown> = {}): Promise<AuthorizerHandler> =>
    benchAuthorizer(config(overrides), { observability, dynamoDbClient: client });
  const firstSightConfig = { verifiedTokenCache: { maxEntries: FIRST_SIGHT_TOKEN_CACHE } };
  const handlers = {
    firstMuted: await build('muted', firstSightConfig),
    firstProduction: await build('production', firstSightConfig),
    repeatedMuted: await build('muted'),
    repeatedProduction: await build('production'),
    missMuted: await build('muted', { revocation: { tableName: dynamo.tableName, notRevokedCacheSeconds: 0 } }),
  };
  // One pass fills the revocation caches (and, for the repeated pools, the verified-token caches).
  for (const event of firstSightEvents) {
    await expectAllow(handlers.firstMuted, event);
    await expectAllow(handlers.firstProduction, event);
  }
  for (const event of repeatedEvents) {
    for (const handler of [handlers.repeatedMuted, handlers.repeatedProduction, handlers.missMuted]) await expectAllow(handler, event);
  }

  const jwks = await fetchJwks(jwksServer);
  const limit = limitVerifier(key, issuer);
  const awsJwtVerify = awsJwtVerifyContender(jwks, jwksServer.url, issuer, tollboothJwksCache());
  const observabilityCost = observabilityContenders();
  const contenders: Contender[] = [
    { name: 'the limit', run: (i) => limit.verify(firstSightPool[i % FIRST_SIGHT_POOL] ?? '') },
    { name: 'aws-jwt-verify verifySync', run: (i) => awsJwtVerify.verify(firstSightPool[i % FIRST_SIGHT_POOL] ?? '') },
    { name: 'first sight', async: true, run: (i) => handlers.firstMuted(firstSightEvents[i % FIRST_SIGHT_POOL]) },
    { name: 'first sight + log + EMF', async: true, run: (i) => handlers.firstProduction(firstSightEvents[i % FIRST_SIGHT_POOL]) },
    { name: 'repeated token', async: true, run: (i) => handlers.repeatedMuted(repeatedEvents[i % REPEATED_POOL]) },
    { name: 'repeated token + log + EMF', async: true, run: (i) => handlers.repeatedProduction(repeatedEvents[i % REPEATED_POOL]) },
    { name: 'revocation cache miss → DynamoDB', async: true, run: (i) => handlers.missMuted(repeatedEvents[i % REPEATED_POOL]) },
    ...observabilityCost,
  ];
  progress(`timing ${contenders.length} contenders`);
  const results = await interleave(contenders, { rounds: 15, batchMs: 40, minIterations: 20 });
  const ns = (name: string): number => results.get(name)?.medianNs ?? Number.NaN;
  const limitNs = ns('the limit');

  progress('timing the stages Tollbooth adds around verification');
  const stages = await stageBreakdown(firstSightEvents, config());
  const stagesTotal = stages.reduce((sum, stage) => sum + stage.ns, 0);

  const row = (label: string, name: string, note = ''): string[] => [label, formatNs(ns(name)), formatRatio(ns(name) / limitNs), note];
  const addedNs = ns('first sight') - ns('aws-jwt-verify verifySync');
  const rows: string[][] = [
    row('the limit (reference)', 'the limit'),
    row('aws-jwt-verify verifySync alone', 'aws-jwt-verify verifySync'),
    row('handler: first sight (verify + policy + revocation cache hit)', 'first sight', 'decision only'),
    row('handler: repeated token (verified-token cache)', 'repeated token', 'decision only'),
    row('handler: revocation cache miss → DynamoDB', 'revocation cache miss → DynamoDB', 'dynalite, own process'),
    row('handler: first sight, with decision log line + EMF flush', 'first sight + log + EMF', 'as deployed'),
    row('handler: repeated token, with decision log line + EMF flush', 'repeated token + log + EMF', 'as deployed'),
    row('decision log line alone (Powertools Logger)', 'decision log line', 'stdout → /dev/null'),
    row('EMF record + flush alone (Powertools Metrics)', 'EMF record + flush', 'stdout → /dev/null'),
    ['Tollbooth added work = first sight − aws-jwt-verify', formatNs(addedNs), formatRatio(addedNs / limitNs), 'difference of medians'],
    ...stages.map((stage) => [`  stage: ${stage.name}`, formatNs(stage.ns), formatRatio(stage.ns / limitNs), 'timed alone']),
    ['  stages, summed', formatNs(stagesTotal), formatRatio(stagesTotal / limitNs), ''],
  ];

  const budgets: Budget[] = [
    ratioBudget('First-seen token, warm, revocation cache hit, RS256', ns('first sight') / limitNs, 1.4, 'decision only'),
    ratioBudget('Work Tollbooth adds around verification', addedNs / limitNs, 0.1, 'first sight − aws-jwt-verify'),
    ratioBudget('Repeated token (verified-token cache)', ns('repeated token') / limitNs, 0.2, 'decision only'),
    ...readBudgets,
  ];

  client.destroy();
  dynamo.stop();
  await jwksServer.close();
  return {
    columns: ['Row', 'Median', '× the limit', ''],
    rows,
    budgets,
    figures: Object.fromEntries([...results.values()].map((measured) => [`${measured.name}.ns`, measured.medianNs])),
    notes: [
      `First sight: a pool of ${FIRST_SIGHT_POOL} distinct tokens cycled through a verified-token cache of ${FIRST_SIGHT_TOKEN_CACHE}, so every timed call verifies the signature; each token's revocation answer was cached by one earlier pass.`,
      `Repeated token: ${REPEATED_POOL} tokens, all in the verified-token cache; the revocation check and route check still run on every call.`,
      '"Decision only" rows mute the logger and metrics (what the budgets cover); "as deployed" rows write the Powertools decision line and one EMF line per call to /dev/null.',
      'Stages are timed alone (sync where the code is sync) on the same events; their sum differs from the difference of medians by call overhead and measurement noise.',
    ],
  };
});

/** A JWKS cache of the class the handler uses, for the aws-jwt-verify contender (see there). */
function tollboothJwksCache(): TollboothJwksCache {
  return new TollboothJwksCache({
    fetcher: { fetch: () => Promise.reject(new Error('the contender verifies from the cached JWKS only')) },
    keyPolicy: { algorithms: ['RS256', 'ES256', 'EdDSA'], minRsaModulusBits: 2048, maxRsaModulusBits: 4096 },
    maxAgeSeconds: 3600,
    minRefetchIntervalSeconds: 10,
  });
}

function ratioBudget(name: string, ratio: number, max: number, note: string): Budget {
  return { name, target: `≤ ${max}× the limit`, measured: formatRatio(ratio), pass: ratio <= max, note };
}

/** The element at `index` modulo the length (benchmarks cycle through their inputs). */
function at<T>(items: readonly T[], index: number): T {
  const item = items[index % items.length];
  if (item === undefined) throw new Error('no inputs');
  return item;
}

async function expectAllow(handler: AuthorizerHandler, event: unknown): Promise<void> {
  const response = (await handler(event)) as APIGatewayAuthorizerResult;
  const statements = response.policyDocument.Statement;
  if (statements.length === 0 || statements.some((statement) => statement.Effect !== 'Allow')) throw new Error('expected an allow');
}

/** The two observability lines on their own, with a representative allow decision. */
function observabilityContenders(): Contender[] {
  const logger = new Logger({ serviceName: DEFAULT_SERVICE_NAME });
  const metrics = new AuthorizerMetrics();
  const claims = {
    issuer: 'https://issuer.example',
    sub: 'user-1',
    exp: 2_000_000_000,
    iat: 1_700_000_000,
    jti: '7d3c8a4e-0e1f-4f5e-9d7a-1b2c3d4e5f60',
    originJti: undefined,
    clientId: 'client-1',
    scopes: ['orders:read'],
  };
  const decision = { effect: 'allow' as const, claims, grants: ['GET/orders', 'GET/orders/*'] };
  const observation = {
    eventKind: 'http-v2' as const,
    latencyMs: 0.042,
    tokenCacheHit: true,
    revocationCacheHits: 2,
    revocationStoreReads: 0,
  };
  return [
    { name: 'decision log line', run: () => logDecision(logger, decision, { ...observation, route: 'GET /orders/42' }) },
    {
      name: 'EMF record + flush',
      run: () => {
        metrics.onDecision(decision, observation);
        metrics.flush();
      },
    },
  ];
}

/** Times each stage of the work around verification on its own. */
async function stageBreakdown(
  events: ReadonlyArray<ReturnType<typeof httpApiV2Event>>,
  config: AuthorizerConfig,
): Promise<Array<{ name: string; ns: number }>> {
  const count = events.length;
  const requests = events.map((event) =>
    toAuthRequest('http-v2', event as unknown as Record<string, unknown>, config.token.headerName, config.token.queryParameter),
  );
  const issuerConfig = config.issuers[0];
  if (!issuerConfig) throw new Error('no issuer');
  const decoded = events.map((event) => {
    const token = event.headers?.['authorization']?.slice('Bearer '.length) ?? '';
    const [header, payload] = token
      .split('.')
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()) as JwtPayload);
    return { token, header: (header ?? {}) as JwtHeader, payload: payload ?? {} };
  });
  const rules = { verification: config.verification, requireJti: true, revocationHorizonSeconds: null };
  const claims = decoded.map(({ header, payload }) => readClaims(issuerConfig, header, payload, rules, Date.now() / 1000));
  const tokenCache = new VerifiedTokenCache({ maxEntries: 10_000, clockSkewSeconds: 30, maxTokenAgeSeconds: null });
  for (const [index, { token }] of decoded.entries()) tokenCache.set(token, at(claims, index), Date.now(), Date.now() + 3_600_000, 'RS256');
  const revocation = new RevocationChecker({ lookup: async () => new Map() }, { notRevokedCacheSeconds: 3600, maxEntries: 50_000 });
  // As the handler does: one record per token, carrying what the stages derive from its claims.
  const records = claims.map((claim) => new TokenRecord(claim));
  for (const record of records) await revocation.check(record.claims, undefined, record.revocationKeys);
  const grants = new GrantResolver(config.scopeRoutes);
  const granted = grants.resolve(['orders:read']);

  const stages: Contender[] = [
    {
      name: 'event → bearer token (detect, normalise, extract)',
      run: (i) => {
        const event = events[i % count] as unknown as Record<string, unknown>;
        const kind = detectEventKind(event);
        if (!kind) throw new Error('unknown event');
        extractToken(toAuthRequest(kind, event, config.token.headerName, config.token.queryParameter), config.token);
      },
    },
    {
      name: 'claims (readClaims)',
      run: (i) => readClaims(issuerConfig, at(decoded, i).header, at(decoded, i).payload, rules, Date.now() / 1000),
    },
    // A fresh string each call, as a new event would bring: the key's hash is not cached.
    { name: 'verified-token cache lookup', run: (i) => tokenCache.get(`${at(decoded, i).token} `.slice(0, -1), Date.now()) },
    {
      name: 'revocation check, cache hit',
      run: (i) => revocation.cachedOutcome(at(records, i).claims, undefined, at(records, i).revocationKeys),
    },
    { name: 'grants (memoised per scope set)', run: (i) => grants.grantsOf(at(records, i)) },
    {
      name: 'response (policy document)',
      run: (i) => answer(at(requests, i), { effect: 'allow', claims: at(claims, i), grants: granted, extraAllows: [] }, 'iam'),
    },
  ];
  const results = await interleave(stages, { rounds: 9, batchMs: 20, minIterations: 50 });
  return stages.map((stage) => ({ name: stage.name, ns: results.get(stage.name)?.medianNs ?? Number.NaN }));
}

/** Counts DynamoDB reads: none for failing tokens; at most one per token per revocation window. */
interface ReadCountSetup {
  readonly config: (overrides?: Record<string, unknown>) => AuthorizerConfig;
  readonly client: DynamoDBClient;
  readonly reads: { readonly count: number };
  readonly key: BenchKey;
  readonly issuer: string;
  readonly bad: BadTokens;
  readonly eventOf: (token: string) => unknown;
  readonly tableName: string;
}

async function countReads({ config, client, reads, key, issuer, bad, eventOf, tableName }: ReadCountSetup): Promise<Budget[]> {
  const windowSeconds = 30;
  let offsetMs = 0;
  const handler = await benchAuthorizer(config({ revocation: { tableName, notRevokedCacheSeconds: windowSeconds } }), {
    observability: 'muted',
    dynamoDbClient: client,
    now: () => Date.now() + offsetMs,
  });
  const badList = [...Object.values(bad), `${signToken(key, { issuer }).slice(0, -4)}AAAA`];
  const beforeBad = reads.count;
  for (let round = 0; round < 20; round++) for (const token of badList) await handler(eventOf(token));
  const badReads = reads.count - beforeBad;

  const tokens = tokenPool(key, WINDOW_TOKENS, { issuer, subject: 'window' });
  const beforeWindow = reads.count;
  // Each token arrives five times at once, then five more times later in the same window.
  for (const token of tokens) await Promise.all(Array.from({ length: ARRIVALS_PER_TOKEN }, () => handler(eventOf(token))));
  offsetMs += (windowSeconds / 2) * 1000;
  for (const token of tokens) for (let k = 0; k < ARRIVALS_PER_TOKEN; k++) await handler(eventOf(token));
  const firstWindowReads = reads.count - beforeWindow;
  // Past the window: one more read per token, then cached again.
  offsetMs += windowSeconds * 1000;
  const beforeSecond = reads.count;
  for (const token of tokens) for (let k = 0; k < ARRIVALS_PER_TOKEN; k++) await handler(eventOf(token));
  const secondWindowReads = reads.count - beforeSecond;

  const perTokenPerWindow = Math.max(firstWindowReads, secondWindowReads) / WINDOW_TOKENS;
  return [
    {
      name: 'DynamoDB reads for tokens failing verification',
      target: '0',
      measured: `${badReads} reads for ${20 * badList.length} requests`,
      pass: badReads === 0,
      note: 'tampered, expired, wrong aud, wrong iss, bad signature',
    },
    {
      name: 'DynamoDB reads per token per revocation-cache window',
      target: '≤ 1',
      measured: `${perTokenPerWindow.toFixed(2)} (${firstWindowReads} + ${secondWindowReads} reads, ${WINDOW_TOKENS} tokens × ${2 * ARRIVALS_PER_TOKEN} + ${ARRIVALS_PER_TOKEN} requests)`,
      pass: perTokenPerWindow <= 1,
      note: `${ARRIVALS_PER_TOKEN} concurrent arrivals per token`,
    },
  ];
}
