/**
 * Lambda entry point for the Tollbooth authorizer: the only module with import-time side effects.
 *
 * Everything expensive happens once per execution environment, here at module scope: the
 * configuration is read and validated, verifiers, caches and the DynamoDB client are built, and —
 * unless switched off — every trusted issuer's JWKS is fetched before the first request. A failed
 * fetch is logged and not fatal: an identity-provider blip must not brick the cold start, and
 * verification refetches on its own.
 *
 * Inside Lambda a bad configuration fails the cold start with every problem named. Outside Lambda
 * (a test or program importing `createHandler` from here) a missing configuration is not an import
 * error: `handler` reports it when called.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { hydrateAtColdStart, initialiseEntry } from '../core/lambda-entry';
import { DEFAULT_METRICS_NAMESPACE, DEFAULT_SERVICE_NAME } from '../core/metric-names';
import { loadConfigFromEnvironment } from '../core/config/environment';
import { createAuthorizer, type AuthorizerHandler } from './handler';
import { AuthorizerMetrics } from './metrics';

// Powertools' standard variables name the service and the metrics namespace; the monitoring
// construct's alarms must be given the same values.
const serviceName = process.env['POWERTOOLS_SERVICE_NAME'] || DEFAULT_SERVICE_NAME;
const logger = new Logger({ serviceName });
const metrics = new AuthorizerMetrics({ serviceName, namespace: process.env['POWERTOOLS_METRICS_NAMESPACE'] || DEFAULT_METRICS_NAMESPACE });

async function initialise(): Promise<AuthorizerHandler> {
  const config = loadConfigFromEnvironment();
  const authorizer = createAuthorizer(config, { logger, onDecision: metrics.onDecision, onJwksFetch: metrics.onJwksFetch });
  if (config.jwks.hydrateOnColdStart) await hydrateAtColdStart(authorizer.hydrate, config.issuers, logger);
  // One EMF line per invocation, written after the decision (also when REST's 401 is thrown).
  return metrics.instrument(authorizer.handler);
}

/** The Lambda handler: configure the function with `index.handler`. */
export const handler: AuthorizerHandler = await initialiseEntry(initialise, logger);

export { createAuthorizer, createHandler } from './handler';
export { AuthorizerMetrics } from './metrics';
export type { AuthorizerMetricsOptions } from './metrics';
export type { Authorizer, AuthorizerDeps, AuthorizerHandler } from './handler';
export type { DecisionObservation } from './request-trace';
export { ConfigError } from '../core/config/config-error';
export { parseConfig } from '../core/config/parse-config';
export type { AuthorizerConfig } from '../core/config/authorizer-config';
export { loadConfigFromEnvironment } from '../core/config/environment';
export type { AuthorizerResponse } from './response';
export type { AuthorizerEvent } from './event';
export { DENY_REASONS } from '../core/reasons';
export type { DenyReason } from '../core/reasons';
