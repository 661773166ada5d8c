/**
 * Real Tollbooth authorizers for the benchmark, configured against the bench fixtures.
 *
 * Two kinds of observability:
 * - `production`: exactly what `lambdas/authorizer/index.ts` wires — Powertools Logger for the
 *   decision line, {@link AuthorizerMetrics} for the EMF line, flushed once per invocation. The
 *   lines go to standard output, which the bench runner points at /dev/null;
 * - `muted`: a logger that drops lines and no metrics — the decision itself, which is what the
 *   issue's budgets describe (verification, extraction, claims, policy, response).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { parseConfig, type AuthorizerConfig } from '../../../lambdas/core/config/config';
import type { DecisionLogger } from '../../../lambdas/authorizer/decision-log';
import { createAuthorizer, type AuthorizerDeps, type AuthorizerHandler } from '../../../lambdas/authorizer/handler';
import { AuthorizerMetrics } from '../../../lambdas/authorizer/metrics';
import { DEFAULT_SERVICE_NAME } from '../../../lambdas/core/metric-names';
import type { JwksServer } from '../../helpers/jwks-server';
import { BENCH_AUDIENCE, benchIssuer } from './fixtures';

export type Observability = 'muted' | 'production';

export const MUTED_LOGGER: DecisionLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Routes like a small real API: a read scope, a write scope, an admin catch-all. */
export const BENCH_ROUTES: Readonly<Record<string, readonly string[]>> = {
  'orders:read': ['GET /orders', 'GET /orders/{id}'],
  'orders:write': ['POST /orders', 'PUT /orders/{id}', 'DELETE /orders/{id}'],
  admin: ['ANY /admin/{proxy+}'],
};

/** A configuration trusting the bench issuer, with revocation in `tableName` unless overridden. */
export function benchConfig(jwks: JwksServer, tableName: string, overrides: Record<string, unknown> = {}): AuthorizerConfig {
  return parseConfig({
    issuers: [{ type: 'oidc', issuer: benchIssuer(jwks), audience: [BENCH_AUDIENCE], jwksUri: jwks.url }],
    routes: BENCH_ROUTES,
    jwks: { allowInsecureLoopbackHttp: true },
    revocation: { tableName, notRevokedCacheSeconds: 3600 },
    ...overrides,
  });
}

export interface BenchAuthorizerOptions extends Pick<AuthorizerDeps, 'now' | 'revocationStore'> {
  readonly observability: Observability;
  readonly dynamoDbClient?: DynamoDBClient;
}

/** Builds, hydrates and returns a real handler. */
export async function benchAuthorizer(config: AuthorizerConfig, options: BenchAuthorizerOptions): Promise<AuthorizerHandler> {
  const deps: AuthorizerDeps = { now: options.now, revocationStore: options.revocationStore, dynamoDbClient: options.dynamoDbClient };
  if (options.observability === 'muted') {
    const authorizer = createAuthorizer(config, { ...deps, logger: MUTED_LOGGER });
    await authorizer.hydrate();
    return authorizer.handler;
  }
  const metrics = new AuthorizerMetrics();
  const authorizer = createAuthorizer(config, {
    ...deps,
    logger: new Logger({ serviceName: DEFAULT_SERVICE_NAME }),
    onDecision: metrics.onDecision,
    onJwksFetch: metrics.onJwksFetch,
  });
  await authorizer.hydrate();
  return metrics.instrument(authorizer.handler);
}
