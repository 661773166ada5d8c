/**
 * DynamoDB faults against the real AWS SDK client: a proxy on 127.0.0.1 in front of dynalite
 * refuses, resets, stalls, delays beyond the client timeout, throttles (HTTP 400 with DynamoDB's
 * own exception bodies), leaves keys unprocessed or fails with 500. Every fault must end in a
 * deny with `revocation_unavailable` within the configured bound, with bounded retries, and the
 * authorizer must recover by itself once DynamoDB answers again.
 *
 * test/integration/revocation.test.ts already stops and restarts dynalite itself; this file adds
 * the faults a real network and a real DynamoDB produce.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuthorizerHandler } from '../../lambdas/authorizer/handler';
import { createDynamoDbClient } from '../../lambdas/core/dynamodb-client';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TEST_CREDENTIALS } from '../helpers/dynalite';
import { startDynamoDbProxy, type DynamoDbFault, type DynamoDbProxy } from '../helpers/dynamodb-proxy';
import { LogCapture } from '../helpers/log-capture';
import { buildEvent, expectedDenyShape, observe, type EventKindName } from './harness';
import { ms, REPORT_MODE, saveSection, staleness, type SectionResult } from './report';
import { startSecurityFixture, type SecurityFixture } from './security-fixture';

/** Short enough to keep faults quick, long enough that a healthy dynalite never misses it under load. */
const REQUEST_TIMEOUT_MS = 400;
const MAX_ATTEMPTS = 2;
/** What the authorizer promises: every attempt's timeout plus the SDK's backoff (handler.ts). */
const BOUND_MS = MAX_ATTEMPTS * REQUEST_TIMEOUT_MS + 250;
/** A hang would blow far past this; a loaded CI machine stays well under it. */
const GENEROUS_LIMIT_MS = 5000;
const KINDS: readonly EventKindName[] = ['rest-token', 'http-v2-iam'];

interface Fault {
  readonly name: string;
  readonly mode: DynamoDbFault;
  readonly setup?: (proxy: DynamoDbProxy) => void;
  /** Each lookup must have made every attempt: the per-attempt timeout really ends an attempt. */
  readonly everyAttemptMade?: boolean;
}

const FAULTS: readonly Fault[] = [
  { name: 'server stopped (connection refused)', mode: 'refuse' },
  { name: 'connection reset without an answer', mode: 'reset' },
  { name: 'request accepted, never answered', mode: 'stall', everyAttemptMade: true },
  {
    name: 'answers after 2 s, beyond the 400 ms client timeout',
    mode: 'delay',
    setup: (proxy) => {
      proxy.delayMs = 2000;
    },
    everyAttemptMade: true,
  },
  {
    name: 'throttled: HTTP 400 ProvisionedThroughputExceededException',
    mode: 'throttle',
    setup: (proxy) => {
      proxy.throttleType = 'ProvisionedThroughputExceededException';
    },
  },
  {
    name: 'throttled: HTTP 400 ThrottlingException (on-demand table)',
    mode: 'throttle',
    setup: (proxy) => {
      proxy.throttleType = 'ThrottlingException';
    },
  },
  { name: 'BatchGetItem answers with every key in UnprocessedKeys', mode: 'unprocessed' },
  { name: 'HTTP 500 InternalServerError', mode: 'error-500' },
];

let world: SecurityFixture;
let proxy: DynamoDbProxy;
let client: DynamoDBClient;
let handler: AuthorizerHandler;
const logs = new LogCapture();
/** The SDK error behind each revocation_unavailable: its class and how many attempts were made. */
const causes: Array<{ name: string; attempts: number | undefined }> = [];
const results = new Map<string, { denied: number; recovered: boolean; worstMs: number; requests: number }>();

beforeAll(async () => {
  world = await startSecurityFixture();
  proxy = await startDynamoDbProxy({ port: world.base.dynalite.port });
  client = createDynamoDbClient({
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    maxAttempts: MAX_ATTEMPTS,
    clientConfig: { endpoint: proxy.endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS },
  });
  handler = world.authorizer({
    overrides: {
      // No "not revoked" caching: every request must reach DynamoDB, so every request meets the fault.
      revocation: {
        tableName: world.base.dynalite.tableName,
        notRevokedCacheSeconds: 0,
        requestTimeoutMs: REQUEST_TIMEOUT_MS,
        maxAttempts: MAX_ATTEMPTS,
      },
    },
    deps: {
      dynamoDbClient: client,
      logger: logs,
      onDecision: (decision) => {
        'error' in decision && causes.push(causeOf(decision.error));
      },
    },
  }).handler;
});

afterAll(async () => {
  client.destroy();
  await proxy.close();
  await world.close();
});

beforeEach(async () => {
  await proxy.setMode('pass');
});

describe('DynamoDB faults', () => {
  it.each(FAULTS)(
    'denies with revocation_unavailable within the bound when DynamoDB $name, then recovers by itself',
    async ({ name, mode, setup, everyAttemptMade }) => {
      // Prepare: one token per kind, so each invocation makes its own lookup.
      const tokens = KINDS.map((kind) => world.mint({ claims: { sub: `fault-${kind}` } }));
      setup?.(proxy);
      await proxy.setMode(mode);
      proxy.requests = 0;

      // Act
      const attempts = await Promise.all(
        KINDS.map(async (kind, index) => {
          const started = performance.now();
          const observation = await observe(handler, kind, buildEvent(kind, { authorization: `Bearer ${tokens[index]}` }));
          return { kind, observation, elapsedMs: performance.now() - started };
        }),
      );

      // Assert
      for (const { kind, observation, elapsedMs } of attempts) {
        expect(observation, kind).toMatchObject({ outcome: 'deny', shape: expectedDenyShape(kind, 'revocation_unavailable') });
        expect(elapsedMs, `${kind} took ${Math.round(elapsedMs)} ms; the bound is ${BOUND_MS} ms`).toBeLessThan(GENEROUS_LIMIT_MS);
      }
      expect(logs.decisions.slice(-KINDS.length).map((line) => line['reason'])).toEqual(KINDS.map(() => 'revocation_unavailable'));
      // No retry storm: at most maxAttempts requests per lookup, plus one feed poll shared by both
      // (a failed poll is not retried within the poll interval).
      expect(proxy.requests).toBeLessThanOrEqual((KINDS.length + 1) * MAX_ATTEMPTS);
      if (everyAttemptMade) {
        // Each lookup ended because its attempts ran out — each timed out, so the next could start
        // — not because the overall deadline aborted a single stalled attempt.
        expect(causes.slice(-KINDS.length)).toEqual(KINDS.map(() => ({ name: 'TimeoutError', attempts: MAX_ATTEMPTS })));
      }
      const requests = proxy.requests;

      // Recovery: DynamoDB answers again, and the same tokens get in without any restart.
      await proxy.setMode('pass');
      const recovered = await Promise.all(
        KINDS.map((kind, index) => observe(handler, kind, buildEvent(kind, { authorization: `Bearer ${tokens[index]}` }))),
      );
      expect(recovered.map((observation) => observation.outcome)).toEqual(KINDS.map(() => 'allow'));
      results.set(name, {
        denied: attempts.length,
        recovered: true,
        worstMs: Math.max(...attempts.map((attempt) => attempt.elapsedMs)),
        requests,
      });
    },
  );

  it.skipIf(REPORT_MODE)("SECURITY.md shows this run's DynamoDB fault results", () => {
    expect(staleness(section())).toBeUndefined();
  });

  it.runIf(REPORT_MODE)("saves this run's DynamoDB fault results for SECURITY.md", () => {
    saveSection(section());
  });
});

function causeOf(error: unknown): { name: string; attempts: number | undefined } {
  const cause = (error as { cause?: { name?: string; $metadata?: { attempts?: number } } } | undefined)?.cause;
  return { name: cause?.name ?? 'none', attempts: cause?.$metadata?.attempts };
}

function section(): SectionResult {
  return {
    id: 'faults-dynamodb',
    columns: ['DynamoDB fault', 'Event kinds', 'Expected', 'Result'],
    rows: FAULTS.map(({ name }) => {
      const result = results.get(name);
      const expected = `\`revocation_unavailable\`${FAULTS.find((fault) => fault.name === name)?.everyAttemptMade ? ` after ${MAX_ATTEMPTS} timed-out attempts` : ''}, then allowed once DynamoDB is back`;
      return [name, 'RT H2', expected, result ? `denied ${result.denied}/${KINDS.length}; recovered` : 'FAILED'];
    }),
    measured: [
      `client: ${REQUEST_TIMEOUT_MS} ms per attempt, ${MAX_ATTEMPTS} attempts; promised bound ${BOUND_MS} ms`,
      ...FAULTS.map(({ name }) => {
        const result = results.get(name);
        return result
          ? `${name}: slowest deny ${ms(result.worstMs)}, ${result.requests} requests reached the proxy for ${KINDS.length} lookups`
          : `${name}: no result`;
      }),
    ],
  };
}
