/**
 * The EMF line the authorizer writes once per invocation, read back from standard output as
 * CloudWatch would read it: the `_aws` block, namespace, dimension sets, metric names and units,
 * and the values at the root.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import type { Jwk } from 'aws-jwt-verify/jwk';
import { parseConfig } from '../../../lambdas/core/config/config';
import { allow, unauthenticated, type Decision } from '../../../lambdas/authorizer/decision';
import type { DecisionObservation } from '../../../lambdas/authorizer/request-trace';
import { grantsOf } from '../../helpers/routes';
import { createAuthorizer } from '../../../lambdas/authorizer/handler';
import { AuthorizerMetrics } from '../../../lambdas/authorizer/metrics';
import { DENY_REASONS } from '../../../lambdas/core/reasons';
import { METRIC_NAMES } from '../../../lambdas/core/metric-names';
import { verifiedClaims } from '../../helpers/claims';
import { denyFor } from '../../helpers/decisions';
import { httpApiV2Event, restTokenEvent } from '../../helpers/events';
import { FakeJwksFetcher } from '../../helpers/fake-jwks-fetcher';
import { LogCapture } from '../../helpers/log-capture';
import { signRaw } from '../../helpers/tokens';

interface EmfDocument {
  readonly _aws: {
    readonly Timestamp: number;
    readonly CloudWatchMetrics: ReadonlyArray<{
      Namespace: string;
      Dimensions: string[][];
      Metrics: Array<{ Name: string; Unit: string }>;
    }>;
  };
  readonly [key: string]: unknown;
}

let stdout: MockInstance<typeof process.stdout.write>;

beforeEach(() => {
  stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});

afterEach(() => {
  stdout.mockRestore();
});

/** Every line written to standard output, parsed as JSON. */
function emfLines(): EmfDocument[] {
  return stdout.mock.calls
    .map(([chunk]) => String(chunk))
    .flatMap((text) => text.split('\n'))
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as EmfDocument);
}

function onlyLine(): EmfDocument {
  const lines = emfLines();
  expect(lines).toHaveLength(1);
  return lines[0] as EmfDocument;
}

const OBSERVATION: DecisionObservation = {
  eventKind: 'http-v2',
  latencyMs: 0.25,
  tokenCacheHit: false,
  revocationCacheHits: 2,
  revocationStoreReads: 0,
};
const ALLOW: Decision = allow(verifiedClaims(), grantsOf('GET /orders'));

describe('metrics', () => {
  it('writes one EMF line with the namespace, both dimension sets and every decision metric', () => {
    // Prepare
    const metrics = new AuthorizerMetrics();
    // Act
    metrics.onDecision(ALLOW, OBSERVATION);
    metrics.flush();
    // Assert
    const line = onlyLine();
    expect(line._aws.Timestamp).toBeTypeOf('number');
    expect(line._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: 'Tollbooth',
        Dimensions: [['service'], ['service', 'decision', 'reason']],
        Metrics: expect.arrayContaining([
          { Name: 'Decisions', Unit: 'Count' },
          { Name: 'Denies', Unit: 'Count' },
          { Name: 'Latency', Unit: 'Milliseconds' },
          { Name: 'RevocationCacheHits', Unit: 'Count' },
          { Name: 'RevocationStoreReads', Unit: 'Count' },
          { Name: 'ColdStart', Unit: 'Count' },
        ]),
      },
    ]);
    expect(line).toMatchObject({
      service: 'tollbooth-authorizer',
      decision: 'allow',
      reason: 'allowed',
      Decisions: 1,
      Denies: 0,
      Latency: 0.25,
      RevocationCacheHits: 2,
      RevocationStoreReads: 0,
      ColdStart: 1,
    });
  });

  it('uses the namespace and service it is given', () => {
    // Prepare
    const metrics = new AuthorizerMetrics({ namespace: 'Acme/Edge', serviceName: 'orders-authorizer' });
    // Act
    metrics.onDecision(ALLOW, OBSERVATION);
    metrics.flush();
    // Assert
    const line = onlyLine();
    expect(line._aws.CloudWatchMetrics[0]?.Namespace).toBe('Acme/Edge');
    expect(line['service']).toBe('orders-authorizer');
  });

  it.each(DENY_REASONS.map((reason) => ({ reason })))(
    'counts a deny with reason $reason as a deny, dimensioned by its reason',
    ({ reason }) => {
      // Prepare
      const metrics = new AuthorizerMetrics();
      // Act
      metrics.onDecision(denyFor(reason), { ...OBSERVATION, revocationCacheHits: 0 });
      metrics.flush();
      // Assert
      expect(onlyLine()).toMatchObject({ decision: 'deny', reason, Decisions: 1, Denies: 1 });
    },
  );

  it.each([
    {
      name: 'answered from the cache',
      observation: { revocationCacheHits: 2, revocationStoreReads: 0 },
      expected: { RevocationCacheHits: 2, RevocationStoreReads: 0 },
      lookup: false,
    },
    {
      name: 'read from DynamoDB',
      observation: { revocationCacheHits: 1, revocationStoreReads: 1 },
      expected: { RevocationCacheHits: 1, RevocationStoreReads: 1, RevocationLookups: 1 },
      lookup: true,
    },
  ])('counts revocation keys $name', ({ observation, expected, lookup }) => {
    // Prepare
    const metrics = new AuthorizerMetrics();
    // Act
    metrics.onDecision(ALLOW, { ...OBSERVATION, ...observation });
    metrics.flush();
    // Assert
    const line = onlyLine();
    expect(line).toMatchObject(expected);
    expect(METRIC_NAMES.revocationLookups in line).toBe(lookup);
  });

  it('counts a failed DynamoDB lookup when the decision is revocation_unavailable', () => {
    // Prepare
    const metrics = new AuthorizerMetrics();
    // Act
    metrics.onDecision(denyFor('revocation_unavailable'), { ...OBSERVATION, revocationCacheHits: 0 });
    metrics.flush();
    // Assert
    expect(onlyLine()).toMatchObject({ reason: 'revocation_unavailable', RevocationLookups: 1, RevocationLookupFailures: 1, Denies: 1 });
  });

  it('leaves the revocation counters out of a decision on a token that never verified', () => {
    // Prepare
    const metrics = new AuthorizerMetrics();
    // Act
    metrics.onDecision(unauthenticated('malformed'), { ...OBSERVATION, revocationCacheHits: 0 });
    metrics.flush();
    // Assert
    const names = onlyLine()._aws.CloudWatchMetrics[0]?.Metrics.map((metric) => metric.Name);
    expect(names).not.toContain('RevocationCacheHits');
    expect(names).not.toContain('RevocationLookups');
  });

  it('writes ColdStart on the first flush only', () => {
    // Prepare
    const metrics = new AuthorizerMetrics();
    // Act
    for (let invocation = 0; invocation < 3; invocation++) {
      metrics.onDecision(ALLOW, OBSERVATION);
      metrics.flush();
    }
    // Assert
    expect(emfLines().map((line) => line['ColdStart'])).toEqual([1, undefined, undefined]);
  });

  it('writes JWKS fetches from init with the first invocation, failures counted apart', () => {
    // Prepare
    const metrics = new AuthorizerMetrics();
    metrics.onJwksFetch({ uri: 'https://idp.example/jwks', ok: true, durationMs: 40, keys: 2, rejected: [] });
    metrics.onJwksFetch({ uri: 'https://other.example/jwks', ok: false, durationMs: 1500, error: 'FetchError: timeout', step: 'jwks' });
    // Act
    metrics.onDecision(ALLOW, OBSERVATION);
    metrics.flush();
    // Assert
    expect(onlyLine()).toMatchObject({ JwksFetches: [1, 1], JwksFetchFailures: 1 });
  });

  describe('wired to a real authorizer', () => {
    const ISSUER = 'https://issuer.example';
    const AUDIENCE = 'https://api.example';
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = { ...(publicKey.export({ format: 'jwk' }) as Record<string, string>), kid: 'k1', alg: 'ES256', use: 'sig' } as Jwk;
    const token = (claims: Record<string, unknown> = {}): string => {
      const now = Math.floor(Date.now() / 1000);
      return signRaw(
        { alg: 'ES256', kid: 'k1' },
        { iss: ISSUER, aud: AUDIENCE, sub: 'alice', jti: randomUUID(), iat: now, exp: now + 600, scope: 'orders:read', ...claims },
        privateKey,
      );
    };

    function instrumented(): (event: unknown) => Promise<unknown> {
      const metrics = new AuthorizerMetrics();
      const authorizer = createAuthorizer(
        parseConfig({
          issuers: [{ issuer: ISSUER, audience: [AUDIENCE], jwksUri: `${ISSUER}/.well-known/jwks.json` }],
          routes: { 'orders:read': ['GET /orders'] },
          revocation: { tableName: 'revocations' },
        }),
        {
          logger: new LogCapture(),
          jwksFetcher: new FakeJwksFetcher([jwk]),
          revocationStore: { lookup: async () => new Map() },
          onDecision: metrics.onDecision,
          onJwksFetch: metrics.onJwksFetch,
        },
      );
      return metrics.instrument(authorizer.handler);
    }

    it('writes one line per invocation, with what the handler observed', async () => {
      // Prepare
      const handler = instrumented();
      const bearer = `Bearer ${token()}`;
      // Act
      await handler(httpApiV2Event({ authorization: bearer }));
      await handler(httpApiV2Event({ authorization: bearer }));
      // Assert
      const [first, second] = emfLines();
      expect(emfLines()).toHaveLength(2);
      expect(first).toMatchObject({
        decision: 'allow',
        reason: 'allowed',
        JwksFetches: 1,
        RevocationStoreReads: 2,
        RevocationLookups: 1,
        ColdStart: 1,
      });
      expect(first).not.toHaveProperty('RestUnauthorized');
      expect(second).toMatchObject({ decision: 'allow', RevocationCacheHits: 2, RevocationStoreReads: 0 });
      expect(second).not.toHaveProperty('RevocationLookups');
    });

    it('still writes the line when a REST 401 is thrown, and never writes the token', async () => {
      // Prepare
      const handler = instrumented();
      const expired = token({ exp: Math.floor(Date.now() / 1000) - 3600 });
      // Act
      const answer = handler(restTokenEvent({ authorization: `Bearer ${expired}` }));
      // Assert
      await expect(answer).rejects.toThrow('Unauthorized');
      expect(onlyLine()).toMatchObject({ decision: 'deny', reason: 'expired', Denies: 1, RestUnauthorized: 1 });
      const written = stdout.mock.calls.map(([chunk]) => String(chunk)).join('');
      expect(written).not.toContain(expired.split('.')[2]);
      expect(written).not.toContain('alice');
    });
  });
});
