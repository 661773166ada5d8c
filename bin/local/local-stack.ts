/**
 * Starts the whole flow on one machine, in one process, on 127.0.0.1: an embedded DynamoDB
 * (dynalite, with the revocation table), a dev OIDC issuer, and the local HTTP API that runs the
 * REAL authorizer handler and the REAL revoke handler exactly as a deployment wires them.
 * `bin/start.ts` is the command around it; the e2e tests call {@link startLocalStack} with port 0.
 *
 * What it runs comes from a configuration source (config-source.ts): the sample
 * (lib/sample-config.ts), or your configuration file (`--config`, `TOLLBOOTH_CONFIG_FILE`) or
 * `TOLLBOOTH_CONFIG`, with the dev issuer trusted beside your issuers (stack-config.ts). With
 * `watch`, an edit to the file is applied while the stack runs ({@link LocalStack.reload}): a new
 * authorizer and route table, API Gateway's cache emptied; a document that does not validate
 * leaves the running configuration in place and is reported with every problem.
 *
 * With a `stateFolder`, what a developer expects to survive a restart does: the dev issuer's
 * signing key (dev-signing-key.ts) and the embedded table's revocations (revocation-snapshot.ts).
 *
 * `TOLLBOOTH_REVOCATION_TABLE` set → that table, through the AWS SDK's standard chain
 * (`AWS_REGION`, credentials, `AWS_ENDPOINT_URL_DYNAMODB`), and no dynalite starts. Otherwise
 * dynalite's table is used, whatever table the configuration names.
 */
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CONFIG_ENV } from '../../lambdas/core/config/environment';
import { CACHE_FLUSH_SETTINGS, RESULTS_CACHE_TTL_SECONDS, REVOCATION_SETTINGS } from '../../lambdas/core/config/defaults';
import type { DecisionLogger } from '../../lambdas/authorizer/decision-log';
import { createAuthorizer } from '../../lambdas/authorizer/handler';
import { revokeConfigFrom } from '../../lambdas/revoke/config';
import { createRevoker } from '../../lambdas/revoke/handler';
import { createDynamoDbClient } from '../../lambdas/core/dynamodb-client';
import { LOCAL_AUDIENCE } from '../../lib/sample-config';
import { parseApiRoute, RouteTable } from './api-routes';
import { echoBackend, healthBackend } from './backends';
import { watchFileContent } from './config-watcher';
import { describeSource, readConfigSource, SAMPLE_CONFIG_MODULE, watchedPath, type ConfigSource, type ModuleLoader } from './config-source';
import { DecisionCapture } from './decision-capture';
import { startDevIssuer, type DevIssuer } from './dev-issuer';
import { loadOrCreateDevSigningKey } from './dev-signing-key';
import { startLocalApi, type Backend, type LocalApi, type RequestLog, type RouteTarget } from './local-api';
import { startLocalDynamoDb, type LocalDynamoDb } from './local-dynamodb';
import { startFeedFlusher } from './feed-flusher';
import { RevocationSnapshot } from './revocation-snapshot';
import { RouteAuthorizer, type RouteAuthorizerOptions } from './route-authorizer';
import { buildLocalConfig, REVOCATION_ROUTE, type LocalConfig } from './stack-config';

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

export { REVOCATION_ROUTE };

export interface LocalStackOptions {
  /** Ports on 127.0.0.1; 0 (the default) picks a free one. */
  readonly apiPort?: number;
  readonly issuerPort?: number;
  readonly dynamoDbPort?: number;
  /** API Gateway's authorizer result cache TTL (0–3600). Default: 30 s with IAM responses, 0 with simple ones (as the construct). */
  readonly authorizerCacheTtlSeconds?: number;
  /** Replaces `revocation.notRevokedCacheSeconds` (`--revocation-cache`). Default: the configuration's (30 s unless set). */
  readonly notRevokedCacheSeconds?: number;
  /** Where the configuration comes from. Default: `TOLLBOOTH_CONFIG_FILE` / `TOLLBOOTH_CONFIG` in `env`, else the sample. */
  readonly config?: ConfigSource;
  /** Apply edits to the configuration file (or sample module) while running. */
  readonly watch?: boolean;
  /** Polling interval of the watch, in milliseconds (default 250). */
  readonly watchIntervalMs?: number;
  /** Told about every reload the watch triggers. */
  readonly onReload?: (outcome: ReloadOutcome) => void;
  /** Keeps the dev signing key and the embedded table's revocations in this folder. Default: neither is kept. */
  readonly stateFolder?: string;
  /** With `stateFolder`: start with an empty table, forgetting the saved revocations. */
  readonly clearRevocations?: boolean;
  /** Where TOLLBOOTH_* and AWS settings are read. Default: `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Milliseconds since the epoch for every cache and time check Tollbooth makes (tests move it). */
  readonly now?: () => number;
  /** Receives the authorizer's and revoke handler's log lines. Default: discarded. */
  readonly logger?: DecisionLogger;
  readonly onRequest?: (log: RequestLog) => void;
  /** Loads the sample module afresh. Default: tsx's `tsImport`. */
  readonly loadModule?: ModuleLoader;
}

/** What a reload did. */
export type ReloadOutcome =
  | { readonly status: 'applied'; readonly changes: readonly string[] }
  | { readonly status: 'unchanged' }
  | { readonly status: 'rejected'; readonly problems: readonly string[] };

export interface LocalStack {
  readonly apiUrl: string;
  readonly devIssuer: DevIssuer;
  /** The configuration's source, as messages name it. */
  readonly configSource: string;
  /** The file watched for changes, when watching. */
  readonly watching: string | undefined;
  /** The configuration running now. */
  readonly config: LocalConfig;
  /** `iss` values the authorizer trusts. */
  readonly trustedIssuers: readonly string[];
  readonly revocationTable:
    | {
        readonly name: string;
        readonly endpoint: string | undefined;
        readonly embedded: boolean;
        /** The configuration's revocation horizon: how long rows without a token's `exp` must be kept. */
        readonly maxTokenLifetimeSeconds: number;
      }
    | undefined;
  readonly authorizerCacheTtlSeconds: number;
  /** 0 when revocation is disabled. */
  readonly notRevokedCacheSeconds: number;
  /** Whether the revocation feed is followed (and flushes the API Gateway cache emulation). */
  readonly followsFeed: boolean;
  /** Seconds within which a revocation is refused: about one with the feed, else both caches added. */
  readonly revocationBoundSeconds: number;
  /** Scope → route patterns in effect. */
  readonly scopeRoutes: Readonly<Record<string, readonly string[]>>;
  /** What was kept from the last run, with a `stateFolder`. */
  readonly kept: { readonly folder: string; readonly keyCreated: boolean; readonly restoredRevocations: number } | undefined;
  /** Times the authorizer handler was invoked (authorizer cache misses). */
  readonly authorizerInvocations: number;
  /** Reads the configuration again and applies it if it changed and validates. */
  reload(): Promise<ReloadOutcome>;
  close(): Promise<void>;
}

/** Start failures, with the part that failed so the command can say which setting to change. */
export class StartError extends Error {
  constructor(
    readonly component: 'api' | 'issuer' | 'dynamodb' | 'config',
    message: string,
    /** Every problem, for a configuration that does not validate. */
    readonly problems: readonly string[] = [],
  ) {
    super(message);
    this.name = 'StartError';
  }
}

const QUIET: DecisionLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Starts dynalite, the dev issuer and the local HTTP API (or uses the configured table instead),
 * wired like a deployment. On failure everything already started is stopped again and a
 * {@link StartError} names the part that failed.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const env = options.env ?? process.env;
  const source = options.config ?? sourceFromEnvironment(env);
  // An empty variable counts as unset, as it does for the Lambda's configuration sources.
  const externalTable = env[CONFIG_ENV.revocationTable]?.trim() || undefined;
  const logger = options.logger ?? QUIET;
  const now = options.now ?? Date.now;
  const cleanups: Array<() => Promise<void> | void> = [];
  const closeAll = async (): Promise<void> => {
    for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
  };

  try {
    const stored = options.stateFolder ? loadOrCreateDevSigningKey(options.stateFolder) : undefined;
    let snapshot: RevocationSnapshot | undefined;
    const [dynamodb, devIssuer] = await Promise.all([
      externalTable
        ? undefined
        : starting('dynamodb', startLocalDynamoDb({ port: options.dynamoDbPort ?? 0, onWrite: () => snapshot?.requestSave() }), cleanups),
      starting(
        'issuer',
        startDevIssuer({
          audience: LOCAL_AUDIENCE,
          port: options.issuerPort ?? 0,
          ...(options.now ? { now: options.now } : {}),
          ...(stored ? { signingKey: stored.key } : {}),
        }),
        cleanups,
      ),
    ]);
    const tableName = externalTable ?? dynamodb?.tableName ?? '';
    const settings = {
      devIssuer,
      tableName,
      ...(options.notRevokedCacheSeconds !== undefined ? { notRevokedCacheSeconds: options.notRevokedCacheSeconds } : {}),
      ...(source.kind === 'sample' ? { defaultNotRevokedCacheSeconds: LOCAL_DEFAULTS.notRevokedCacheSeconds } : {}),
    };
    const load = async (): Promise<{ ok: true; config: LocalConfig; fingerprint: string } | { ok: false; problems: readonly string[] }> => {
      const read = await readConfigSource(source, options.loadModule);
      if (!read.ok) return read;
      const built = buildLocalConfig(read.raw, settings);
      return built.ok ? { ...built, fingerprint: read.raw.fingerprint } : built;
    };

    const first = await load();
    if (!first.ok) {
      const count = `${first.problems.length} problem${first.problems.length === 1 ? '' : 's'}`;
      throw new StartError('config', `${describeSource(source, 'setting')} is not a valid configuration (${count}):`, first.problems);
    }

    let client: DynamoDBClient | undefined;
    const clientFor = async (config: LocalConfig): Promise<DynamoDBClient | undefined> => {
      if (!config.authorizer.revocation.enabled) return undefined;
      client ??= await dynamoDbClient(config, dynamodb);
      return client;
    };
    cleanups.push(() => client?.destroy());

    let restoredRevocations = 0;
    if (dynamodb && options.stateFolder) {
      const snapshotClient = dynamodb.client();
      snapshot = new RevocationSnapshot({
        client: snapshotClient,
        tableName: dynamodb.tableName,
        path: join(options.stateFolder, 'revocations.json'),
        now,
        onError: (message) => logger.warn('revocations not saved', { error: message }),
      });
      const saver = snapshot;
      cleanups.push(async () => {
        saver.requestSave();
        await saver.settled();
        snapshotClient.destroy();
      });
      if (options.clearRevocations) saver.requestSave();
      else restoredRevocations = await saver.restore();
    }

    const capture = new DecisionCapture();
    const ttlFor = (config: LocalConfig): number =>
      options.authorizerCacheTtlSeconds ??
      (config.authorizer.httpApiResponseMode === 'simple' ? RESULTS_CACHE_TTL_SECONDS.simple : LOCAL_DEFAULTS.authorizerCacheTtlSeconds);

    /** Builds what serves a configuration: the authorizer, the revoke handler, the route table. */
    const runtimeFor = async (config: LocalConfig): Promise<{ authorizer: RouteAuthorizerOptions; routes: RouteTable<RouteTarget> }> => {
      const dynamoDbClient = await clientFor(config);
      const authorizer = createAuthorizer(config.authorizer, {
        logger,
        now,
        onDecision: capture.onDecision,
        ...(dynamoDbClient ? { dynamoDbClient } : {}),
      });
      const revoker =
        config.adminScope && dynamoDbClient
          ? createRevoker(revokeConfigFrom(config.authorizer, { adminScope: config.adminScope }), { dynamoDbClient, logger, now })
          : undefined;
      await Promise.all([authorizer.hydrate(), revoker?.hydrate()]);
      return {
        authorizer: {
          invoke: (event) => capture.invoke(authorizer.handler, event),
          identityHeader: config.authorizer.token.headerName,
          responseMode: config.authorizer.httpApiResponseMode,
          cacheTtlSeconds: ttlFor(config),
          now,
        },
        routes: routeTable(config, revoker?.handler),
      };
    };

    let current = first.config;
    let lastSeen = first.fingerprint;
    const firstRuntime = await runtimeFor(current);
    const routeAuthorizer = new RouteAuthorizer(firstRuntime.authorizer);

    // dynalite has no stream: following the feed's head plays its part and flushes the cache
    // emulation. Started or stopped with each configuration, as its `revocation.feed` says; started
    // before the API serves, so no revocation can fall before the flusher's first read.
    let stopFlusher: (() => Promise<void>) | undefined;
    const follows = (config: LocalConfig): boolean =>
      config.authorizer.revocation.enabled && config.authorizer.revocation.feed && client !== undefined;
    const syncFeedFlusher = async (config: LocalConfig): Promise<void> => {
      if (follows(config) && !stopFlusher && client) {
        stopFlusher = await startFeedFlusher({ client, tableName, flush: () => routeAuthorizer.flushCache(), logger });
      } else if (!follows(config) && stopFlusher) {
        const stopping = stopFlusher;
        stopFlusher = undefined;
        await stopping();
      }
    };
    await syncFeedFlusher(current);
    cleanups.push(() => stopFlusher?.());

    const api: LocalApi = await starting(
      'api',
      startLocalApi({
        port: options.apiPort ?? 0,
        routes: firstRuntime.routes,
        authorizer: routeAuthorizer,
        now,
        ...(options.onRequest ? { onRequest: options.onRequest } : {}),
      }),
      cleanups,
    );

    // Reloads run one at a time, in the order asked.
    let reloading: Promise<unknown> = Promise.resolve();
    const reloadNow = async (): Promise<ReloadOutcome> => {
      const loaded = await load();
      if (!loaded.ok) return { status: 'rejected', problems: loaded.problems };
      if (loaded.fingerprint === lastSeen) return { status: 'unchanged' };
      let runtime: Awaited<ReturnType<typeof runtimeFor>>;
      try {
        runtime = await runtimeFor(loaded.config);
      } catch (error) {
        return { status: 'rejected', problems: [error instanceof Error ? error.message : String(error)] };
      }
      // A flusher (re)started first, so the emptied cache cannot fill ahead of its first read.
      await syncFeedFlusher(loaded.config);
      routeAuthorizer.reconfigure(runtime.authorizer);
      api.setRoutes(runtime.routes);
      const changes = describeChanges(current, loaded.config);
      current = loaded.config;
      lastSeen = loaded.fingerprint;
      return { status: 'applied', changes };
    };
    const reload = (): Promise<ReloadOutcome> => {
      const run = reloading.then(reloadNow);
      reloading = run.catch(() => undefined);
      return run;
    };

    const watchPath = options.watch ? watchedPath(source) : undefined;
    if (watchPath) {
      const stop = watchFileContent(watchPath, options.watchIntervalMs ?? 250, () => {
        void reload().then(
          (outcome) => options.onReload?.(outcome),
          (error: unknown) =>
            options.onReload?.({ status: 'rejected', problems: [error instanceof Error ? error.message : String(error)] }),
        );
      });
      cleanups.push(stop);
    }

    return {
      apiUrl: api.url,
      devIssuer,
      configSource: describeSource(source),
      watching: watchPath,
      get config() {
        return current;
      },
      get trustedIssuers() {
        return current.authorizer.issuers.map((issuer) => issuer.issuer);
      },
      get revocationTable() {
        const revocation = current.authorizer.revocation;
        return revocation.enabled
          ? {
              name: tableName,
              endpoint: dynamodb?.endpoint,
              embedded: dynamodb !== undefined,
              maxTokenLifetimeSeconds: revocation.maxTokenLifetimeSeconds,
            }
          : undefined;
      },
      get authorizerCacheTtlSeconds() {
        return ttlFor(current);
      },
      get notRevokedCacheSeconds() {
        return current.authorizer.revocation.enabled ? current.authorizer.revocation.notRevokedCacheSeconds : 0;
      },
      get followsFeed() {
        return follows(current);
      },
      get revocationBoundSeconds() {
        const revocation = current.authorizer.revocation;
        if (follows(current)) return FEED_REVOCATION_BOUND_SECONDS;
        return ttlFor(current) + (revocation.enabled ? revocation.notRevokedCacheSeconds : 0);
      },
      get scopeRoutes() {
        return current.scopeRoutes;
      },
      kept: options.stateFolder && stored ? { folder: options.stateFolder, keyCreated: stored.created, restoredRevocations } : undefined,
      get authorizerInvocations() {
        return routeAuthorizer.invocations;
      },
      reload,
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** `TOLLBOOTH_CONFIG_FILE` and/or `TOLLBOOTH_CONFIG`, as the Lambda reads them; else the sample. */
export function sourceFromEnvironment(env: Readonly<Record<string, string | undefined>>): ConfigSource {
  const file = env[CONFIG_ENV.file]?.trim() || undefined;
  const inline = env[CONFIG_ENV.inline]?.trim() || undefined;
  if (!file && !inline) return { kind: 'sample', modulePath: SAMPLE_CONFIG_MODULE };
  return { kind: 'document', file: file ? { path: file, setting: CONFIG_ENV.file } : undefined, inline };
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

/** dynalite's client, or the SDK's standard chain for a real table (which must have a region). */
async function dynamoDbClient(config: LocalConfig, dynamodb: LocalDynamoDb | undefined): Promise<DynamoDBClient> {
  if (dynamodb) return dynamodb.client();
  const revocation = config.authorizer.revocation;
  const client = createDynamoDbClient(
    revocation.enabled
      ? { requestTimeoutMs: revocation.requestTimeoutMs, maxAttempts: revocation.maxAttempts }
      : { requestTimeoutMs: 500, maxAttempts: 2 },
  );
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

/** The API: every granted route behind the authorizer (the revocation endpoint's served by the revoke handler), the public ones without. */
function routeTable(config: LocalConfig, revoke: Backend | undefined): RouteTable<RouteTarget> {
  return new RouteTable([
    ...config.publicRoutes.map((key) =>
      parseApiRoute<RouteTarget>(key, { backend: key === 'GET /health' ? healthBackend : echoBackend, protected: false }),
    ),
    ...config.protectedRoutes
      .filter((key) => key !== REVOCATION_ROUTE || revoke !== undefined)
      .map((key) =>
        parseApiRoute<RouteTarget>(key, { backend: key === REVOCATION_ROUTE && revoke ? revoke : echoBackend, protected: true }),
      ),
  ]);
}

/** What changed between two configurations, for the reload line: scopes, routes and issuers. */
function describeChanges(before: LocalConfig, after: LocalConfig): string[] {
  const changes: string[] = [];
  const difference = (label: string, was: readonly string[], is: readonly string[]): void => {
    const added = is.filter((item) => !was.includes(item));
    const removed = was.filter((item) => !is.includes(item));
    if (added.length > 0) changes.push(`${label} added: ${added.join(', ')}`);
    if (removed.length > 0) changes.push(`${label} removed: ${removed.join(', ')}`);
  };
  const grants = (config: LocalConfig): string[] =>
    Object.entries(config.scopeRoutes).flatMap(([scope, routes]) => routes.map((route) => `${scope} → ${route}`));
  difference('scopes', Object.keys(before.scopeRoutes), Object.keys(after.scopeRoutes));
  difference('grants', grants(before), grants(after));
  difference(
    'issuers',
    before.authorizer.issuers.map((issuer) => issuer.issuer),
    after.authorizer.issuers.map((issuer) => issuer.issuer),
  );
  return changes.length > 0 ? changes : ['settings changed'];
}
