/**
 * Table — revocation: how soon a revocation bites on every warm instance, how many DynamoDB reads
 * it costs per 1,000 requests, and what the revocation stage adds to each request — the design
 * before the feed (each instance trusts "not revoked" for `notRevokedCacheSeconds`, 30 s) against
 * the revocation feed, side by side in one run, at the default 30 s windows.
 *
 * Set-up, the same for both: dynalite in its own process behind a proxy that holds every request
 * 5 ms (a DynamoDB round trip in the same region), four authorizer instances in this process, each
 * answering one request at a time as a Lambda execution environment does, 10,000 tokens (ES256)
 * requested with a Zipf distribution. While the load runs, a writer revokes a popular token (by
 * `jti`) or a popular token's subject every few seconds; from the moment the write returns, every
 * instance also sends that token every 50 ms until it is refused: revocation-to-deny is measured
 * per instance. API Gateway's own result cache is not part of this table (the cache flusher
 * empties it one poll interval after a revocation: docs/caching.md).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createAuthorizer, type AuthorizerHandler } from '../../lambdas/authorizer/handler';
import { parseConfig } from '../../lambdas/core/config/config';
import { createDynamoDbClient } from '../../lambdas/core/dynamodb-client';
import { RevocationWriter } from '../../lambdas/core/revocation-writer';
import { TEST_CREDENTIALS } from '../helpers/dynalite';
import { startDynamoDbProxy } from '../helpers/dynamodb-proxy';
import { httpApiV2Event } from '../helpers/events';
import { BENCH_ROUTES } from './lib/authorizers';
import { startDynaliteProcess } from './lib/dynalite-process';
import { benchIssuer, generateBenchKeys, startBenchJwks, tokenPool } from './lib/fixtures';
import { progress, runTable, type Budget } from './lib/report';

const TOKENS = 10_000;
const SUBJECTS = 2_000;
const INSTANCES = 4;
const ROUND_TRIP_MS = 5;
/**
 * Steady load for this long — longer than two 30 s windows, so the design before the feed re-reads
 * what it had cached — with a revocation every REVOCATION_EVERY_MS during the first REVOKING_MS.
 */
const LOAD_MS = 70_000;
const REVOKING_MS = 40_000;
const REVOCATION_EVERY_MS = 5_000;
const PROBE_EVERY_MS = 50;
/** Give up on a probe after this long: a design that has not denied by then reports a miss. */
const PROBE_LIMIT_MS = 40_000;
const QUIET = { info: () => undefined, warn: () => undefined, error: () => undefined };

interface Probe {
  readonly token: string;
  readonly writtenAt: number;
  readonly deniedAfterMs: Array<number | undefined>;
}

interface DesignResult {
  readonly name: string;
  readonly toDenyMs: number[];
  readonly missed: number;
  readonly requests: number;
  readonly reads: number;
  readonly latencyMs: number[];
}

await runTable('revocation', 'Revocation: time to deny, DynamoDB reads, latency (5 ms round trips)', async () => {
  const keys = generateBenchKeys();
  const jwks = await startBenchJwks(keys);
  const dynamo = await startDynaliteProcess();
  const proxy = await startDynamoDbProxy({ port: Number(new URL(dynamo.endpoint).port) });
  await proxy.setMode('delay');
  proxy.delayMs = ROUND_TRIP_MS;
  const issuer = benchIssuer(jwks);
  progress(`signing ${TOKENS} tokens`);
  const tokens = tokenPool(keys.ES256, TOKENS, { issuer, subjects: SUBJECTS, expiresInSeconds: 7200 });
  const zipf = zipfSampler(TOKENS, 1.0);
  const results: DesignResult[] = [];
  try {
    for (const feed of [false, true]) {
      const name = feed ? 'revocation feed (new)' : '30 s "not revoked" window (before)';
      progress(`running: ${name}`);
      results.push(
        await runDesign(name, feed, { issuer, jwksUrl: jwks.url, endpoint: proxy.endpoint, tableName: dynamo.tableName, tokens, zipf }),
      );
    }
  } finally {
    await proxy.close();
    dynamo.stop();
    await jwks.close();
  }

  const rows = results.map((result) => [
    result.name,
    `${fmt(percentile(result.toDenyMs, 0.5))} / ${fmt(percentile(result.toDenyMs, 0.99))}${result.missed > 0 ? ` (${result.missed} not refused within ${PROBE_LIMIT_MS / 1000} s)` : ''}`,
    (result.reads / (result.requests / 1000)).toFixed(1),
    `${percentile(result.latencyMs, 0.5).toFixed(2)} ms / ${percentile(result.latencyMs, 0.99).toFixed(2)} ms`,
    String(result.requests),
  ]);
  const [before, after] = results;
  const budgets: Budget[] =
    before && after
      ? [
          {
            name: 'Revocation-to-deny on every warm instance, p99 (instance side; API Gateway flushed by the flusher)',
            target: '≤ 2 s',
            measured: fmt(percentile(after.toDenyMs, 0.99)),
            pass: percentile(after.toDenyMs, 0.99) <= 2000 && after.missed === 0,
          },
          {
            name: 'DynamoDB reads per 1,000 requests, feed against the 30 s window',
            target: 'fewer',
            measured: `${(after.reads / (after.requests / 1000)).toFixed(1)} against ${(before.reads / (before.requests / 1000)).toFixed(1)}`,
            pass: after.reads / after.requests < before.reads / before.requests,
          },
          {
            name: 'Authorizer latency p50 and p99, feed against the 30 s window',
            target: 'no worse',
            measured: `p50 ${percentile(after.latencyMs, 0.5).toFixed(2)} against ${percentile(before.latencyMs, 0.5).toFixed(2)} ms, p99 ${percentile(after.latencyMs, 0.99).toFixed(2)} against ${percentile(before.latencyMs, 0.99).toFixed(2)} ms`,
            pass:
              percentile(after.latencyMs, 0.5) <= percentile(before.latencyMs, 0.5) * 1.1 + 0.05 &&
              percentile(after.latencyMs, 0.99) <= percentile(before.latencyMs, 0.99) * 1.1,
            note: 'within 10 % (and 0.05 ms at p50): four instances share one event loop here',
          },
        ]
      : [];
  return {
    columns: ['Design', 'Revocation to deny, p50 / p99', 'DynamoDB reads per 1,000 requests', 'Authorizer p50 / p99', 'Requests'],
    rows,
    notes: [
      `${INSTANCES} instances, ${TOKENS} tokens (Zipf, s = 1), every DynamoDB request held ${ROUND_TRIP_MS} ms by a proxy; after a warm-up in which every instance saw every token once, ${LOAD_MS / 1000} s of steady load with a revocation every ${REVOCATION_EVERY_MS / 1000} s for the first ${REVOKING_MS / 1000} s, alternately by jti and by subject, each probed on every instance every ${PROBE_EVERY_MS} ms.`,
      'Revocation to deny: from the write returning to the first refused request with that token, per instance. Reads: every read the instances sent to DynamoDB in the steady state (token lookups and feed reads), per 1,000 requests; writes excluded. Latency: each request of the Zipf load, revocation stage included.',
    ],
    budgets,
    figures: Object.fromEntries(
      results.flatMap((result, index) => [
        [`design${index}.toDenyP99Ms`, percentile(result.toDenyMs, 0.99)],
        [`design${index}.readsPer1000`, result.reads / (result.requests / 1000)],
        [`design${index}.latencyP99Ms`, percentile(result.latencyMs, 0.99)],
      ]),
    ),
  };
});

interface DesignSetup {
  readonly issuer: string;
  readonly jwksUrl: string;
  readonly endpoint: string;
  readonly tableName: string;
  readonly tokens: readonly string[];
  readonly zipf: () => number;
}

async function runDesign(name: string, feed: boolean, setup: DesignSetup): Promise<DesignResult> {
  const config = parseConfig({
    issuers: [{ type: 'oidc', issuer: setup.issuer, audience: ['https://api.tollbooth.bench'], jwksUri: setup.jwksUrl }],
    routes: BENCH_ROUTES,
    jwks: { allowInsecureLoopbackHttp: true },
    revocation: { tableName: setup.tableName, notRevokedCacheSeconds: 30, feed },
  });
  const clients: DynamoDBClient[] = [];
  const reads = { count: 0 };
  const client = (): DynamoDBClient => {
    const created = createDynamoDbClient({
      requestTimeoutMs: 2000,
      maxAttempts: 2,
      clientConfig: { endpoint: setup.endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS },
    });
    created.middlewareStack.add(
      (next, context) => async (args) => {
        if (/^(BatchGetItem|GetItem|Query)Command$/.test(context.commandName ?? '')) reads.count++;
        return next(args);
      },
      { step: 'initialize', name: 'tollboothBenchReadCounter' },
    );
    clients.push(created);
    return created;
  };
  const handlers: AuthorizerHandler[] = [];
  for (let index = 0; index < INSTANCES; index++) {
    const authorizer = createAuthorizer(config, { dynamoDbClient: client(), logger: QUIET });
    await authorizer.hydrate();
    handlers.push(authorizer.handler);
  }
  const writer = new RevocationWriter(
    createDynamoDbClient({
      requestTimeoutMs: 2000,
      maxAttempts: 3,
      clientConfig: { endpoint: setup.endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS },
    }),
    setup.tableName,
  );

  // Warm-up: every instance sees every token once (verification and first reads are not what this
  // measures; the steady state is), a hundred at a time.
  for (const handler of handlers) {
    for (let start = 0; start < setup.tokens.length; start += 100) {
      await Promise.all(setup.tokens.slice(start, start + 100).map((token) => handler(eventOf(token)).catch(() => undefined)));
    }
  }
  reads.count = 0;

  const probes: Probe[] = [];
  const latencyMs: number[] = [];
  let requests = 0;
  const started = performance.now();
  let stop = false;
  const revoked = new Set<number>();
  let nextRevocationAt = started + 1000;
  let revocations = 0;

  const revokeSomething = async (): Promise<void> => {
    // A popular token not yet revoked (its subject's other tokens are not probed).
    let rank = 0;
    while (revoked.has(rank)) rank++;
    revoked.add(rank);
    const token = setup.tokens[rank] ?? '';
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { sub: string; jti: string; exp: number };
    if (revocations++ % 2 === 0) await writer.revokeToken({ issuer: setup.issuer, jti: claims.jti, exp: claims.exp });
    else await writer.revokeSubject({ issuer: setup.issuer, sub: claims.sub, before: Math.floor(Date.now() / 1000) + 1 });
    probes.push({ token, writtenAt: performance.now(), deniedAfterMs: new Array<number | undefined>(INSTANCES).fill(undefined) });
  };

  const instanceLoop = async (index: number): Promise<void> => {
    const handler = handlers[index];
    if (!handler) return;
    let nextProbeAt = 0;
    while (!stop) {
      const now = performance.now();
      if (now >= nextProbeAt) {
        nextProbeAt = now + PROBE_EVERY_MS;
        for (const probe of probes) {
          if (probe.deniedAfterMs[index] !== undefined) continue;
          if (!(await allows(handler, probe.token))) probe.deniedAfterMs[index] = performance.now() - probe.writtenAt;
        }
      }
      const token = setup.tokens[setup.zipf()] ?? '';
      const before = performance.now();
      await handler(eventOf(token)).catch(() => undefined);
      latencyMs.push(performance.now() - before);
      requests++;
      // Let the other instances, the writer and timers run, as separate environments would.
      await new Promise((resolve) => setImmediate(resolve));
    }
  };

  const loops = handlers.map((_, index) => instanceLoop(index));
  while (!stop) {
    const now = performance.now();
    if (now - started < REVOKING_MS && now >= nextRevocationAt) {
      nextRevocationAt = now + REVOCATION_EVERY_MS;
      await revokeSomething();
    }
    const pending = probes.some(
      (probe) => probe.deniedAfterMs.some((value) => value === undefined) && now - probe.writtenAt < PROBE_LIMIT_MS,
    );
    if (now - started >= LOAD_MS && !pending) stop = true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await Promise.all(loops);
  for (const created of clients) created.destroy();

  const toDenyMs = probes.flatMap((probe) => probe.deniedAfterMs.filter((value): value is number => value !== undefined));
  const missed = probes.reduce((sum, probe) => sum + probe.deniedAfterMs.filter((value) => value === undefined).length, 0);
  progress(`${name}: ${requests} requests, ${probes.length} revocations`);
  return { name, toDenyMs, missed, requests, reads: reads.count, latencyMs };
}

async function allows(handler: AuthorizerHandler, token: string): Promise<boolean> {
  try {
    const response = (await handler(eventOf(token))) as { policyDocument?: { Statement: Array<{ Effect: string; Resource: unknown }> } };
    return (response.policyDocument?.Statement ?? []).some((statement) => statement.Effect === 'Allow');
  } catch {
    return false;
  }
}

function eventOf(token: string): unknown {
  return httpApiV2Event({ authorization: `Bearer ${token}`, method: 'GET', path: '/orders/42' });
}

/** Ranks 0..n−1 drawn with probability ∝ 1 / (rank + 1)^s, by inverse transform over the cumulative weights. */
function zipfSampler(n: number, s: number): () => number {
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let rank = 0; rank < n; rank++) {
    total += 1 / (rank + 1) ** s;
    cumulative[rank] = total;
  }
  return () => {
    const target = Math.random() * total;
    let low = 0;
    let high = n - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((cumulative[middle] ?? 0) < target) low = middle + 1;
      else high = middle;
    }
    return low;
  };
}

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

function fmt(ms: number): string {
  return Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : 'n/a';
}
