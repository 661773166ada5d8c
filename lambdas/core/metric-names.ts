/**
 * The authorizer's CloudWatch metric vocabulary: namespace, metric names and dimension names.
 *
 * The authorizer writes these (`lambdas/authorizer/metrics.ts`) and the monitoring construct reads
 * them (`lib/tollbooth-monitoring.ts`): alarms and dashboards silently go blank when a name drifts,
 * so both sides import them from here. Like the reason codes, these are product surface: add names
 * deliberately, never rename one.
 */

/** Default CloudWatch namespace (override with `POWERTOOLS_METRICS_NAMESPACE`). */
export const DEFAULT_METRICS_NAMESPACE = 'Tollbooth';

/** Default value of the `service` dimension (override with `POWERTOOLS_SERVICE_NAME`). */
export const DEFAULT_SERVICE_NAME = 'tollbooth-authorizer';

/** The `service` dimension of the cache flusher's metrics. */
export const FLUSHER_SERVICE_NAME = 'tollbooth-cache-flusher';

export const METRIC_NAMES = {
  /** 1 per decision. With the `decision` and `reason` dimensions: decisions by outcome and reason code. */
  decisions: 'Decisions',
  /** 1 per deny, 0 per allow: Sum = denies, Average = deny rate (REST 401s need no `Errors` metric). */
  denies: 'Denies',
  /** Handler time per decision, milliseconds. */
  latency: 'Latency',
  /** Revocation keys answered from the in-memory cache. */
  revocationCacheHits: 'RevocationCacheHits',
  /** Revocation keys read from DynamoDB. Hit ratio = hits / (hits + reads). */
  revocationStoreReads: 'RevocationStoreReads',
  /** DynamoDB round trips (one `BatchGetItem` per decision that missed the cache). */
  revocationLookups: 'RevocationLookups',
  /** Round trips that failed, timed out or came back partial: each one a `revocation_unavailable` deny. */
  revocationLookupFailures: 'RevocationLookupFailures',
  /** JWKS fetches (cold-start hydration, refreshes, unknown `kid`s). */
  jwksFetches: 'JwksFetches',
  /** JWKS fetches that failed (network, status, size, parse). */
  jwksFetchFailures: 'JwksFetchFailures',
  /**
   * 1 when the invocation ended by throwing `Unauthorized` — how a REST API is told to answer 401,
   * and which Lambda counts as a function error. Errors minus these are the real failures.
   */
  restUnauthorized: 'RestUnauthorized',
  /** 1 on the first invocation of an execution environment. */
  coldStart: 'ColdStart',
  /** Cache flusher: API Gateway authorizer-cache flushes attempted after revocations (one per stage). */
  cacheFlushes: 'CacheFlushes',
  /** Cache flusher: flushes that failed; the revocation stands, the cached answer expires with its TTL. */
  cacheFlushFailures: 'CacheFlushFailures',
} as const;

export type MetricName = (typeof METRIC_NAMES)[keyof typeof METRIC_NAMES];

export const METRIC_DIMENSIONS = {
  /** Every metric carries it: the Powertools service name. */
  service: 'service',
  /** `allow` or `deny`. */
  decision: 'decision',
  /** The deny reason code, or `allowed`. */
  reason: 'reason',
} as const;
