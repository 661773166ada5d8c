/**
 * Every default and every bound of Tollbooth's settings, in one place. `parseConfig` applies them;
 * the CDK construct, the local tools and the docs can import them instead of repeating a number
 * that would then drift (the 30 s windows were once written in four places).
 *
 * Integer settings carry their accepted range with their default, because the two are decided
 * together: the range is what `parseConfig` names in its problem message, and the default must
 * lie inside it. The caps on the authorizer's caches (10,000 tokens, 50,000 revocation keys, 1,000
 * scope sets) are what bounds its memory; README, "Performance", documents them.
 */

/** An integer setting's accepted range. */
export interface IntegerRange {
  readonly min: number;
  readonly max: number;
}

/** An integer setting's accepted range and the value it takes when it is not set. */
export interface IntegerSetting extends IntegerRange {
  readonly default: number;
}

const DAY_SECONDS = 86_400;

/** Where the bearer token is read from, and how large it may be. */
export const TOKEN_SETTINGS = {
  /** Header carrying `Bearer <jwt>`. */
  headerName: 'Authorization',
  /** Longest header value accepted, checked before any parsing. */
  maxLength: { min: 256, max: 64 * 1024, default: 8192 },
  /** Tokens in URLs end up in logs, so the query string is refused unless asked for. */
  allowQueryString: false,
  queryParameter: 'access_token',
} as const;

/** Signature and claim checks. */
export const VERIFICATION_SETTINGS = {
  algorithms: ['RS256', 'ES256', 'EdDSA'],
  /** Tolerance for `exp`, `nbf` and `iat`. */
  clockSkewSeconds: { min: 0, max: 300, default: 30 },
  /** No default: without a setting, `exp` alone bounds a token's life. */
  maxTokenAgeSeconds: { min: 1, max: 30 * DAY_SECONDS },
  /** Never weaker than this, whatever a JWKS publishes (docs/configuration.md, "Keys and the JWKS"). */
  minRsaModulusBits: 2048,
  /**
   * Never larger: the largest RSA key the KMS and HSM services behind real issuers make, and a
   * bound on every signature check and on the key policy's modulus checks (docs/configuration.md).
   */
  maxRsaModulusBits: 4096,
  /**
   * Keys of one JWKS the key policy judges; entries after these are dropped unjudged. Judging an
   * RSA key costs milliseconds of CPU (up to ~20 ms at 4,096 bits), synchronously, so the byte
   * cap alone let a hostile or broken set of a few hundred keys block an instance for seconds to
   * tens of seconds on every changed fetch. Real sets hold a handful (docs/configuration.md).
   */
  maxJwksKeys: 50,
} as const;

/** Fetching and trusting JWKS documents. */
export const JWKS_SETTINGS = {
  timeoutMs: { min: 100, max: 10_000, default: 1500 },
  maxResponseBytes: { min: 1024, max: 4 * 1024 * 1024, default: 256 * 1024 },
  maxAgeSeconds: { min: 60, max: 7 * DAY_SECONDS, default: 3600 },
  minRefetchIntervalSeconds: { min: 1, max: 3600, default: 10 },
  hydrateOnColdStart: true,
  allowInsecureLoopbackHttp: false,
} as const;

/** Reading revocations: the cache window, its cap, and the DynamoDB bounds on the hot path. */
export const REVOCATION_SETTINGS = {
  enabled: true,
  /** How long a "not revoked" answer is trusted: how fast a revocation bites on a warm instance. */
  notRevokedCacheSeconds: { min: 0, max: 3600, default: 30 },
  cacheMaxEntries: { min: 1, max: 1_000_000, default: 50_000 },
  requestTimeoutMs: { min: 50, max: 10_000, default: 500 },
  maxAttempts: { min: 1, max: 5, default: 2 },
  /** Added to attempts × timeout for a lookup's overall deadline: the SDK's backoff between attempts. */
  retryBackoffAllowanceMs: 250,
  /**
   * The revocation horizon: the longest a token can live. Subject and session rows (and `jti` rows
   * written without the token's `exp`) expire this long after they are written, so while revocation
   * is on the authorizer refuses tokens issued longer ago than this (`token_too_old`): a revoked
   * token must not outlive its row. One day by default (Cognito's longest access/ID token); 30 days
   * at most (Auth0's longest).
   */
  maxTokenLifetimeSeconds: { min: 60, max: 30 * DAY_SECONDS, default: DAY_SECONDS },
} as const;

/**
 * The revocation feed (lambdas/core/revocation-feed.ts): how often an instance looks, how long
 * entries are kept, and the writers' bounds. Pinned here rather than configurable: the bound a
 * revocation bites within, and the costs in docs/revocation.md, are computed from them.
 */
export const REVOCATION_FEED_SETTINGS = {
  /** Follow the feed unless told not to (`revocation.feed: false` keeps the per-token window alone). */
  enabled: true,
  /**
   * An instance reads the feed head at most this often, and only while requests arrive; a request
   * is decided on a head read started at most this long before it arrived: the instance's bound.
   */
  pollIntervalMs: 1000,
  /** Slots expire (TTL) this long after they are written: an instance idle longer starts afresh. */
  retentionSeconds: 3600,
  /** The most entries one poll reads; behind by more, an instance starts afresh instead. */
  maxCatchUpEntries: 1000,
  /** Recently read entries an instance keeps for lookups still in flight; more means starting afresh. */
  maxRetainedEntries: 10_000,
  /** A writer's whole write (row, slot, head), retries included: the longest a write can take. */
  writeDeadlineMs: 5000,
  /** Slots a writer tries above the head it read before giving up (concurrent writers). */
  maxSlotProbes: 64,
} as const;

/** The cache flusher (lambdas/flusher/): API Gateway's authorizer cache, flushed after a revocation. */
export const CACHE_FLUSH_SETTINGS = {
  /**
   * A flush waits this long after the flusher learned of a revocation: by then every instance
   * decides on a feed read that saw it, so API Gateway cannot cache a stale Allow again.
   */
  delayMs: REVOCATION_FEED_SETTINGS.pollIntervalMs + 100,
  /** At most one flush per stage per this interval. */
  minIntervalMs: 1000,
  /** The registered APIs and their stages are re-read at most this often. */
  registryMaxAgeMs: 60_000,
} as const;

/** Remembering tokens that verified. */
export const VERIFIED_TOKEN_CACHE_SETTINGS = {
  /** 0 turns the cache off. */
  maxEntries: { min: 0, max: 1_000_000, default: 10_000 },
} as const;

/** Distinct scope sets whose grants are memoised; a deployment has few, tokens share them. */
export const MAX_MEMOISED_SCOPE_SETS = 1000;

/**
 * How the function assumes API Gateway caches its answers unless told: by the token alone, which
 * is sound whatever the identity sources are (docs/caching.md).
 */
export const RESULTS_CACHE_KEYS = { httpApi: 'token', restRequest: 'token', restToken: 'token' } as const;

/** How an HTTP API (payload 2.0) authorizer answers unless configured otherwise. */
export const DEFAULT_HTTP_API_RESPONSE_MODE = 'iam';

/**
 * Issuer settings that have defaults. The claim settings' defaults come with each provider preset
 * (`provider-presets.ts`); OIDC issuers without a `jwksUri` use discovery.
 */
export const ISSUER_SETTINGS = {
  type: 'oidc',
  preset: 'oidc',
  cognitoTokenUse: 'access',
  requireAccessTokenType: false,
} as const;

/**
 * API Gateway's authorizer result cache as the CDK construct sets it by default: as long as the
 * not-revoked window with IAM policies (a revocation then bites within the two added), and off
 * with simple responses, whose cached `isAuthorized: true` would cover every route.
 */
export const RESULTS_CACHE_TTL_SECONDS = {
  iam: REVOCATION_SETTINGS.notRevokedCacheSeconds.default,
  simple: 0,
} as const;

/** The revoke endpoint's DynamoDB writes: an admin can wait a little longer than a request can. */
export const REVOKE_WRITE_SETTINGS = {
  requestTimeoutMs: 1000,
  maxAttempts: 3,
} as const;
