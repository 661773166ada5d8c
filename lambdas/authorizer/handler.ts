/**
 * Assembles the authorizer from a configuration and its collaborators, and runs the pipeline:
 * event → request → token → verified claims → grants → revocation → decision → response.
 *
 * Knows no environment variables and no AWS globals: everything comes in through `config` and
 * `deps`, so tests and other programs (the local stack, the benchmarks) build real authorizers
 * with real or fake parts and no module mocking. `index.ts` is the Lambda entry that wires the
 * production parts.
 *
 * Failing closed is structural: `decide` returns a Decision value for every expected outcome, and
 * the one `try` around it maps anything unexpected to a deny with reason `internal`. The only
 * thing the handler ever throws is the exact `Error('Unauthorized')` REST APIs need for a 401.
 *
 * The per-request path creates no closure: every function it calls is created once, here or at
 * module scope. The bundle keeps function names (`keepNames`), which costs a `defineProperty` for
 * every closure created — on every request, for one created inside the pipeline. Per-request state
 * (the request, its decision, its {@link RequestTrace}) lives in the call's locals, never at module
 * scope, where concurrent invocations in one process would share it.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Fetcher } from 'aws-jwt-verify/https';
import { createDynamoDbClient } from '../core/dynamodb-client';
import { DEFAULT_SERVICE_NAME } from '../core/metric-names';
import { maxIatAgeSeconds, readClaims, type ClaimRules } from '../core/claims';
import type { AuthorizerConfig } from '../core/config/authorizer-config';
import { REVOCATION_FEED_SETTINGS, REVOCATION_SETTINGS } from '../core/config/defaults';
import { loggableError } from '../core/error-class';
import { DynamoDbRevocationFeed, type RevocationFeedSource } from '../core/revocation-feed-reader';
import { RevocationFeedFollower, type FeedEvent } from './revocation-feed-follower';
import { allow, forbidden, revocationUnavailable, revoked, unauthenticated, type Decision, type ObservedDecision } from './decision';
import { logDecision, type DecisionLogger } from './decision-log';
import { detectEventKind, toAuthRequest, type AuthRequest } from './event';
import { GrantResolver } from './grants';
import type { JwksFetchEvent } from '../core/verification/jwks-cache';
import { answer, ANONYMOUS_PRINCIPAL, type AuthorizerResponse } from './response';
import { classify } from '../core/reasons';
import { DynamoDbRevocationStore, type RevocationStore } from './revocation-store';
import { RevocationChecker } from './revocation-checker';
import { routeAccess } from './route-access';
import { extractToken } from '../core/bearer-token';
import { startTrace, type DecisionObservation, type RequestTrace } from './request-trace';
import type { TokenRecord } from './token-record';
import { VerifiedTokenCache } from './verified-token-cache';
import { createTokenVerification } from '../core/verification/verification-stack';

/** Collaborators; each defaults to the production implementation. */
export interface AuthorizerDeps {
  /** Receives the decision line and JWKS events. Default: Powertools Logger. */
  readonly logger?: DecisionLogger;
  /** Milliseconds since the epoch, for Tollbooth's own time checks and caches. */
  readonly now?: () => number;
  /** Where revocations are read. Default: DynamoDB via {@link dynamoDbClient}. */
  readonly revocationStore?: RevocationStore;
  /** Where the revocation feed is read. Default: DynamoDB via {@link dynamoDbClient}. */
  readonly revocationFeed?: RevocationFeedSource;
  /** DynamoDB client for the default store and feed. Default: bounded client from the SDK's standard config. */
  readonly dynamoDbClient?: DynamoDBClient;
  /** How JWKS documents are fetched. Default: `JwksFetcher` with the configured bounds. */
  readonly jwksFetcher?: Fetcher;
  /** Observes every decision (metrics hook). */
  readonly onDecision?: (decision: ObservedDecision, observation: DecisionObservation) => void;
  /** Observes every JWKS fetch (metrics hook). */
  readonly onJwksFetch?: (event: JwksFetchEvent) => void;
}

export type AuthorizerHandler = (event: unknown) => Promise<AuthorizerResponse>;

export interface Authorizer {
  readonly handler: AuthorizerHandler;
  /** Fetches every trusted issuer's JWKS; resolves to how many succeeded. Never rejects. */
  hydrate(): Promise<number>;
}

/** Builds an authorizer: verifiers, caches and stores are created once and shared by every call. */
export function createAuthorizer(config: AuthorizerConfig, deps: AuthorizerDeps = {}): Authorizer {
  const now = deps.now ?? Date.now;
  const logger = deps.logger ?? new Logger({ serviceName: DEFAULT_SERVICE_NAME });

  const claimRules: ClaimRules = {
    verification: config.verification,
    requireJti: config.revocation.enabled,
    revocationHorizonSeconds: config.revocation.enabled ? config.revocation.maxTokenLifetimeSeconds : null,
  };
  const tokenCache = new VerifiedTokenCache({
    maxEntries: config.verifiedTokenCache.maxEntries,
    clockSkewSeconds: config.verification.clockSkewSeconds,
    maxTokenAgeSeconds: maxIatAgeSeconds(claimRules),
  });
  const verification = createTokenVerification(config, {
    jwksFetcher: deps.jwksFetcher,
    now,
    onJwksFetch: (event) => {
      logJwksFetch(logger, event);
      deps.onJwksFetch?.(event);
    },
    // A cached verification must not outlive the keys that vouched for it.
    onKeysChanged: () => tokenCache.clear(),
  });
  const tokenVerifier = verification.verifier;
  const grantResolver = new GrantResolver(config.scopeRoutes);

  let revocationChecker: RevocationChecker | undefined;
  if (config.revocation.enabled) {
    const { tableName, requestTimeoutMs, maxAttempts, notRevokedCacheSeconds, cacheMaxEntries, feed, feedRegions } = config.revocation;
    // Every attempt may take its full timeout, plus the SDK's short backoff between attempts.
    const deadlineMs = maxAttempts * requestTimeoutMs + REVOCATION_SETTINGS.retryBackoffAllowanceMs;
    const client =
      deps.revocationStore && deps.revocationFeed
        ? undefined
        : (deps.dynamoDbClient ?? createDynamoDbClient({ requestTimeoutMs, maxAttempts }));
    const store = deps.revocationStore ?? new DynamoDbRevocationStore(client as DynamoDBClient, { tableName, deadlineMs });
    const follower = feed
      ? new RevocationFeedFollower({
          source: deps.revocationFeed ?? new DynamoDbRevocationFeed(client as DynamoDBClient, tableName),
          regions: feedRegions,
          now,
          deadlineMs,
          pollIntervalMs: REVOCATION_FEED_SETTINGS.pollIntervalMs,
          retentionMs: REVOCATION_FEED_SETTINGS.retentionSeconds * 1000,
          maxCatchUpEntries: REVOCATION_FEED_SETTINGS.maxCatchUpEntries,
          onEvent: (event) => logFeedEvent(logger, event),
        })
      : undefined;
    revocationChecker = new RevocationChecker(store, {
      notRevokedCacheSeconds,
      maxEntries: cacheMaxEntries,
      now,
      deadlineMs,
      feed: follower,
      pollIntervalMs: REVOCATION_FEED_SETTINGS.pollIntervalMs,
      maxRetainedEntries: REVOCATION_FEED_SETTINGS.maxRetainedEntries,
    });
  }

  async function verifyToken(token: string): Promise<TokenRecord> {
    const verified = await tokenVerifier.verify(token);
    const claims = readClaims(verified.issuer, verified.header, verified.payload, claimRules, now() / 1000);
    return tokenCache.set(token, claims, now(), verified.keysTrustedUntilMs, String(verified.header.alg));
  }

  /**
   * The pipeline: every expected outcome is a returned Decision. What the stages count goes into
   * `trace`; a stage whose answer never came (a failed revocation lookup) counts nothing.
   */
  async function decide(request: AuthRequest, trace: RequestTrace): Promise<Decision> {
    const arn = request.arn;
    if (!arn) return unauthenticated('unsupported_event');
    const extraction = extractToken(request, config.token);
    if (!extraction.ok) return unauthenticated(extraction.reason);

    // Cache hits (a client reusing its token) and revocation answers from the cache are answered
    // without awaiting anything: on that path an await costs more than the lookup it waits for.
    // The token's record carries what the stages below derive from its claims, worked out once per token.
    let token = tokenCache.get(extraction.token, now());
    if (token) {
      trace.tokenCacheHit = true;
    } else {
      try {
        token = await verifyToken(extraction.token);
      } catch (error) {
        return unauthenticated(classify(error), error);
      }
    }
    const claims = token.claims;
    const grants = grantResolver.grantsOf(token);

    // Before any Allow can be issued (and cached by API Gateway), the token must not be revoked.
    if (revocationChecker) {
      const keys = token.revocationKeys;
      try {
        if (revocationChecker.cachedOutcome(claims, trace, keys) ?? (await revocationChecker.check(claims, trace, keys)))
          return revoked(claims);
      } catch (error) {
        return revocationUnavailable(claims, error);
      }
    }
    const access = routeAccess(request, arn, grants, config);
    if (!access.granted) return forbidden(claims, grants, access.extraAllows);
    return allow(claims, grants, access.extraAllows);
  }

  async function handler(event: unknown): Promise<AuthorizerResponse> {
    const started = performance.now();
    let trace = startTrace();
    let request: AuthRequest | undefined;
    let decision: Decision;
    try {
      const kind = detectEventKind(event);
      if (kind) request = toAuthRequest(kind, event as Record<string, unknown>, config.token.headerName, config.token.queryParameter);
      decision = request ? await decide(request, trace) : unauthenticated('unsupported_event');
    } catch (error) {
      decision = unauthenticated('internal', error);
      // Whatever the stages counted before the failure did not lead to this decision.
      trace = startTrace();
    }
    if (request) {
      trace.eventKind = request.kind;
      trace.route = request.route;
    }
    trace.latencyMs = performance.now() - started;
    try {
      logDecision(logger, decision, trace);
      deps.onDecision?.(decision, trace);
    } catch {
      // Observability must never change the answer.
    }
    const reply = request ? safeAnswer(request, decision) : ({ unauthorized: true } as const);
    if (reply.unauthorized) throw new Error('Unauthorized');
    return reply.response;
  }

  function safeAnswer(request: AuthRequest, decision: Decision): ReturnType<typeof answer> {
    try {
      return answer(request, decision, config.httpApiResponseMode);
    } catch {
      if (request.kind === 'rest-token' || request.kind === 'rest-request') return { unauthorized: true };
      if (request.kind === 'http-v2' && config.httpApiResponseMode === 'simple')
        return { unauthorized: false, response: { isAuthorized: false } };
      // Written out rather than built by iam-policy.ts: this runs because the response code just threw.
      return {
        unauthorized: false,
        response: {
          principalId: ANONYMOUS_PRINCIPAL,
          policyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'execute-api:Invoke', Resource: '*' }] },
        },
      };
    }
  }

  return { handler, hydrate: verification.hydrate };
}

/** The Lambda-shaped handler of {@link createAuthorizer}. */
export function createHandler(config: AuthorizerConfig, deps?: AuthorizerDeps): AuthorizerHandler {
  return createAuthorizer(config, deps).handler;
}

/** The feed's life in the log: epochs starting (and why), catching up, failing. */
function logFeedEvent(logger: DecisionLogger, event: FeedEvent): void {
  if (event.kind === 'started') logger.info('revocation feed: following', { reason: event.reason, heads: event.heads });
  else if (event.kind === 'caught-up') logger.info('revocation feed: caught up', { entries: event.entries, heads: event.heads });
  else logger.warn('revocation feed: read failed', { error: loggableError(event.error) });
}

function logJwksFetch(logger: DecisionLogger, event: JwksFetchEvent): void {
  if (event.ok) {
    const attributes = { uri: event.uri, durationMs: event.durationMs, keys: event.keys, rejectedKeys: event.rejected };
    if (event.rejected.length > 0) logger.warn('jwks fetched; keys rejected by key policy', attributes);
    else logger.info('jwks fetched', attributes);
  } else if (event.step === 'discovery') {
    // Every token of this issuer is refused until the keys can be located: say why, loudly.
    logger.error('jwks cannot be located: oidc discovery failed', { uri: event.uri, durationMs: event.durationMs, error: event.error });
  } else {
    logger.warn('jwks fetch failed', { uri: event.uri, durationMs: event.durationMs, error: event.error });
  }
}
