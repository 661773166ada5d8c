/**
 * Starts the whole flow on one machine, in one process, on 127.0.0.1: an embedded DynamoDB
 * (dynalite, with the revocation table), a dev OIDC issuer, and the local HTTP API that runs the
 * REAL authorizer handler and the REAL revoke handler exactly as a deployment wires them.
 * `bin/start.ts` is the command around it; the e2e tests call {@link startLocalStack} with port 0.
 *
 * Pointing at real infrastructure uses the production configuration sources:
 * - `TOLLBOOTH_CONFIG` or `TOLLBOOTH_CONFIG_FILE` set → that configuration (issuers, routes, …) is
 *   used and no dev issuer starts;
 * - `TOLLBOOTH_REVOCATION_TABLE` set → that table, through the AWS SDK's standard chain
 *   (`AWS_REGION`, credentials, `AWS_ENDPOINT_URL_DYNAMODB`), and no dynalite starts. Otherwise
 *   dynalite's table is used, whatever table the configuration names.
 * The API's routes are always the sample's (lib/sample-config.ts), as the CDK stack deploys them.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CACHE_FLUSH_SETTINGS, RESULTS_CACHE_TTL_SECONDS, REVOCATION_SETTINGS } from '../../lambdas/core/config/defaults';
import { ConfigError, parseConfig, type AuthorizerConfig } from '../../lambdas/core/config/config';
import { CONFIG_ENV, loadConfigFromEnvironment } from '../../lambdas/core/config/environment';
import type { DecisionLogger } from '../../lambdas/authorizer/decision-log';
import { createAuthorizer } from '../../lambdas/authorizer/handler';
import { revokeConfigFrom } from '../../lambdas/revoke/config';
import { createRevoker } from '../../lambdas/revoke/handler';
import { createDynamoDbClient } from '../../lambdas/core/dynamodb-client';
import { ADMIN_SCOPE, LOCAL_AUDIENCE, SAMPLE_PUBLIC_ROUTES, SAMPLE_SCOPE_ROUTES } from '../../lib/sample-config';
import { parseApiRoute, RouteTable } from './api-routes';
import { echoBackend, healthBackend } from './backends';
import { startDevIssuer, type DevIssuer } from './dev-issuer';
import { startLocalApi, type LocalApi, type RequestLog, type RouteTarget } from './local-api';
import { startLocalDynamoDb, type LocalDynamoDb } from './local-dynamodb';
import { startFeedFlusher } from './feed-flusher';
import { RouteAuthorizer } from './route-authorizer';

/**
 * The local stack's cache windows: the production defaults. With the revocation feed a revocation
 * bites within about a second however long they are, which is what the local stack shows.
 */
export const LOCAL_DEFAULTS = {
  authorizerCacheTtlSeconds: RESULTS_CACHE_TTL_SECONDS.iam,
  notRevokedCacheSeconds: REVOCATION_SETTINGS.notRevokedCacheSeconds.default,
} as const;

/** Seconds within which a revocation is refused while the feed is followed (the banner says so). */
export const FEED_REVOCATION_BOUND_SECONDS = Math.ceil(CACHE_FLUSH_SETTINGS.delayMs / 1000);

/** The route served by the revoke Lambda. */
export const REVOCATION_ROUTE = 'POST /revocations';

export interface LocalStackOptions {
  /** Ports on 127.0.0.1; 0 (the default) picks a free one. */
  readonly apiPort?: number;
  readonly issuerPort?: number;
  readonly dynamoDbPort?: number;
  /** API Gateway's authorizer result cache TTL (0–3600). */
  readonly authorizerCacheTtlSeconds?: number;
  /** `revocation.notRevokedCacheSeconds` of the embedded configuration (ignored with TOLLBOOTH_CONFIG*). */
  readonly notRevokedCacheSeconds?: number;
  /** Where TOLLBOOTH_* and AWS settings are read. Default: `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Milliseconds since the epoch for every cache and time check Tollbooth makes (tests move it). */
  readonly now?: () => number;
  /** Receives the authorizer's and revoke handler's log lines. Default: discarded. */
  readonly logger?: DecisionLogger;
  readonly onRequest?: (log: RequestLog) => void;
}

export interface LocalStack {
  readonly apiUrl: string;
  /** The dev issuer, unless a real IdP is configured. */
  readonly devIssuer: DevIssuer | undefined;
  /** `iss` values the authorizer trusts. */
  readonly trustedIssuers: readonly string[];
  readonly revocationTable: { readonly name: string; readonly endpoint: string | undefined; readonly embedded: boolean } | undefined;
  readonly authorizerCacheTtlSeconds: number;
  /** 0 when revocation is disabled. */
  readonly notRevokedCacheSeconds: number;
  /** Seconds within which a revocation is refused: about one with the feed, else both caches added. */
  readonly revocationBoundSeconds: number;
  /** Scope → route patterns in effect. */
  readonly scopeRoutes: Readonly<Record<string, readonly string[]>>;
  /** Times the authorizer handler was invoked (authorizer cache misses). */
  readonly authorizerInvocations: number;
  close(): Promise<void>;
}

/** Start failures, with the part that failed so the command can say which flag to change. */
export class StartError extends Error {
  constructor(
    readonly component: 'api' | 'issuer' | 'dynamodb' | 'config',
    message: string,
  ) {
    super(message);
    this.name = 'StartError';
  }
}

const QUIET: DecisionLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Starts dynalite, the dev issuer and the local HTTP API (or uses the configured IdP and table
 * instead), wired like a deployment. On failure everything already started is stopped again and a
 * {@link StartError} names the part that failed.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const env = options.env ?? process.env;
  const externalConfig = Boolean(env[CONFIG_ENV.inline]?.trim() || env[CONFIG_ENV.file]?.trim());
  // An empty variable counts as unset, as it does for the Lambda's configuration sources.
  const externalTable = env[CONFIG_ENV.revocationTable]?.trim() || undefined;
  const cleanups: Array<() => Promise<void> | void> = [];
  const closeAll = async (): Promise<void> => {
    for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
  };

  try {
    const [dynamodb, devIssuer] = await Promise.all([
      externalTable ? undefined : starting('dynamodb', startLocalDynamoDb({ port: options.dynamoDbPort ?? 0 }), cleanups),
      externalConfig
        ? undefined
        : starting(
            'issuer',
            startDevIssuer({ audience: LOCAL_AUDIENCE, port: options.issuerPort ?? 0, ...(options.now ? { now: options.now } : {}) }),
            cleanups,
          ),
    ]);
    const tableName = externalTable ?? dynamodb?.tableName ?? '';
    const config = loadConfig(env, devIssuer, tableName, options.notRevokedCacheSeconds ?? LOCAL_DEFAULTS.notRevokedCacheSeconds);
    const client = await dynamoDbClient(config, dynamodb);
    cleanups.push(() => client?.destroy());

    const logger = options.logger ?? QUIET;
    const now = options.now ?? Date.now;
    const authorizer = createAuthorizer(config, { logger, now, ...(client ? { dynamoDbClient: client } : {}) });
    const revoker =
      config.revocation.enabled && client
        ? createRevoker(revokeConfigFrom(config, { adminScope: ADMIN_SCOPE }), { dynamoDbClient: client, logger, now })
        : undefined;

    const routeAuthorizer = new RouteAuthorizer({
      invoke: authorizer.handler,
      identityHeader: config.token.headerName,
      responseMode: config.httpApiResponseMode,
      cacheTtlSeconds: options.authorizerCacheTtlSeconds ?? LOCAL_DEFAULTS.authorizerCacheTtlSeconds,
      now,
    });
    const api: LocalApi = await starting(
      'api',
      startLocalApi({
        port: options.apiPort ?? 0,
        routes: sampleRoutes(revoker?.handler),
        authorizer: routeAuthorizer,
        now,
        ...(options.onRequest ? { onRequest: options.onRequest } : {}),
      }),
      cleanups,
    );
    // dynalite has no stream: following the feed's head plays its part and flushes the cache emulation.
    const following = config.revocation.enabled && config.revocation.feed && client !== undefined;
    if (following && client) {
      const stop = startFeedFlusher({ client, tableName: config.revocation.tableName, flush: () => routeAuthorizer.flushCache(), logger });
      cleanups.push(stop);
    }
    // After the ports are bound, so a busy port is reported before anything else is printed.
    await Promise.all([authorizer.hydrate(), revoker?.hydrate()]);

    return {
      apiUrl: api.url,
      devIssuer,
      trustedIssuers: config.issuers.map((issuer) => issuer.issuer),
      revocationTable: config.revocation.enabled
        ? { name: config.revocation.tableName, endpoint: dynamodb?.endpoint, embedded: dynamodb !== undefined }
        : undefined,
      authorizerCacheTtlSeconds: options.authorizerCacheTtlSeconds ?? LOCAL_DEFAULTS.authorizerCacheTtlSeconds,
      notRevokedCacheSeconds: config.revocation.enabled ? config.revocation.notRevokedCacheSeconds : 0,
      revocationBoundSeconds: following
        ? FEED_REVOCATION_BOUND_SECONDS
        : (options.authorizerCacheTtlSeconds ?? LOCAL_DEFAULTS.authorizerCacheTtlSeconds) +
          (config.revocation.enabled ? config.revocation.notRevokedCacheSeconds : 0),
      scopeRoutes: Object.fromEntries(
        [...config.scopeRoutes].map(([scope, patterns]) => [scope, patterns.map((pattern) => pattern.source)]),
      ),
      get authorizerInvocations() {
        return routeAuthorizer.invocations;
      },
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** Awaits one part's start, registering its shutdown; a failure names the part. */
async function starting<T extends { close(): Promise<void> }>(
  component: StartError['component'],
  start: Promise<T>,
  cleanups: Array<() => Promise<void> | void>,
): Promise<T> {
  try {
    const part = await start;
    cleanups.push(() => part.close());
    return part;
  } catch (error) {
    throw new StartError(component, error instanceof Error ? error.message : String(error));
  }
}

function loadConfig(
  env: LocalStackOptions['env'] & object,
  devIssuer: DevIssuer | undefined,
  tableName: string,
  notRevokedCacheSeconds: number,
): AuthorizerConfig {
  try {
    if (!devIssuer) return loadConfigFromEnvironment({ ...env, [CONFIG_ENV.revocationTable]: tableName });
    return parseConfig({
      issuers: [{ type: 'oidc', issuer: devIssuer.issuer, audience: [LOCAL_AUDIENCE], jwksUri: devIssuer.jwksUri }],
      routes: SAMPLE_SCOPE_ROUTES,
      jwks: { allowInsecureLoopbackHttp: true },
      revocation: { tableName, notRevokedCacheSeconds },
    });
  } catch (error) {
    if (error instanceof ConfigError) throw new StartError('config', error.message);
    throw error;
  }
}

/** dynalite's client, or the SDK's standard chain for a real table (which must have a region). */
async function dynamoDbClient(config: AuthorizerConfig, dynamodb: LocalDynamoDb | undefined): Promise<DynamoDBClient | undefined> {
  if (!config.revocation.enabled) return undefined;
  if (dynamodb) return dynamodb.client();
  const client = createDynamoDbClient({ requestTimeoutMs: config.revocation.requestTimeoutMs, maxAttempts: config.revocation.maxAttempts });
  try {
    await client.config.region();
  } catch {
    client.destroy();
    throw new StartError(
      'config',
      `${CONFIG_ENV.revocationTable} is set but no AWS region is configured: set AWS_REGION (and credentials) for the table`,
    );
  }
  return client;
}

/** The sample API: every scope's routes behind the authorizer, the public ones without. */
function sampleRoutes(revoke: ((event: unknown) => Promise<unknown>) | undefined): RouteTable<RouteTarget> {
  const protectedKeys = new Set(Object.values(SAMPLE_SCOPE_ROUTES).flat());
  const routes = [
    ...SAMPLE_PUBLIC_ROUTES.map((key) =>
      parseApiRoute<RouteTarget>(key, { backend: key === 'GET /health' ? healthBackend : echoBackend, protected: false }),
    ),
    ...[...protectedKeys]
      .filter((key) => key !== REVOCATION_ROUTE || revoke !== undefined)
      .map((key) =>
        parseApiRoute<RouteTarget>(key, { backend: key === REVOCATION_ROUTE && revoke ? revoke : echoBackend, protected: true }),
      ),
  ];
  return new RouteTable(routes);
}
