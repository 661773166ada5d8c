/**
 * The JWKS cache behind every verifier, plugged into aws-jwt-verify through its `JwksCache`
 * extension point.
 *
 * aws-jwt-verify's `SimpleJwksCache` keeps a fetched key for the life of the execution
 * environment, and its penalty box only engages after a fetch *succeeds* without the wanted `kid`,
 * so an unreachable JWKS endpoint is hit again by every request. This cache adds:
 *
 * - a maximum age: after half of `maxAgeSeconds` a use triggers a refresh (failure keeps the old
 *   set); after all of it the set is dropped, so a key the issuer removed stops being trusted
 *   within `maxAgeSeconds` even if the endpoint is down (fail closed);
 * - one fetch per URI at a time, and at most one attempt per `minRefetchIntervalSeconds` per URI,
 *   successful or not, however many unknown `kid`s arrive: no refetch storms;
 * - the key policy ({@link KeyPolicy}) on every fetched set (at most its first 50 keys judged), and
 *   a key is only handed out for a token whose `alg` fits its type and curve ({@link algorithmFitsKey}).
 */
import type { Fetcher } from 'aws-jwt-verify/https';
import { findJwkInJwks, type Jwks, type JwksCache, type JwkWithKid } from 'aws-jwt-verify/jwk';
import type { DecomposedJwt } from 'aws-jwt-verify/jwt';
import { JwksNotAvailableInCacheError, JwksValidationError, JwtWithoutValidKidError, KidNotFoundInJwksError } from 'aws-jwt-verify/error';
import { safeJsonParse } from 'aws-jwt-verify/safe-json-parse';
import { describeError } from '../error-class';
import { isRecord } from '../guards';
import { algorithmFitsKey, KeyPolicy, type KeyPolicyOptions, type RejectedKey, type UncheckedJwks } from './jwk-policy';
import { DenyError } from '../reasons';

/**
 * What happened on one JWKS fetch, for logs and metrics. Never contains key material. A failure
 * says at which step it failed: locating the keys through OpenID Connect discovery (a
 * configuration or identity-provider problem worth an error line), or fetching the JWKS itself.
 */
export type JwksFetchEvent =
  | {
      readonly uri: string;
      readonly ok: true;
      readonly durationMs: number;
      readonly keys: number;
      readonly rejected: readonly RejectedKey[];
    }
  | { readonly uri: string; readonly ok: false; readonly durationMs: number; readonly error: string; readonly step: 'discovery' | 'jwks' };

export interface JwksCacheOptions {
  readonly fetcher: Fetcher;
  readonly keyPolicy: KeyPolicyOptions;
  readonly maxAgeSeconds: number;
  readonly minRefetchIntervalSeconds: number;
  /**
   * Where the set aws-jwt-verify asks for by `uri` is really fetched from: a configured JWKS URI
   * for a Cognito pool (whose library URI is on AWS), or the `jwks_uri` an issuer's discovery
   * document names. Rejecting fails the fetch. Default: `uri` itself.
   */
  readonly resolveFetchUri?: (uri: string) => string | Promise<string>;
  /** Milliseconds since the epoch. */
  readonly now?: () => number;
  /** Observes every fetch (logs, metrics). An observer that throws changes nothing here. */
  readonly onFetch?: (event: JwksFetchEvent) => void;
  /** Called when a refetch changed the keys of a URI that was already cached. */
  readonly onKeysChanged?: (uri: string, jwks: Jwks) => void;
}

interface CachedJwks {
  readonly jwks: Jwks;
  readonly fetchedAt: number;
}

export class TollboothJwksCache implements JwksCache {
  private readonly sets = new Map<string, CachedJwks>();
  private readonly lastAttemptAt = new Map<string, number>();
  private readonly inFlight = new Map<string, Promise<CachedJwks>>();
  /** The last attempt's failure per URI, until an attempt succeeds. */
  private readonly lastFailure = new Map<string, string>();
  private readonly now: () => number;
  private readonly maxAgeMs: number;
  private readonly minRefetchIntervalMs: number;
  private readonly keyPolicy: KeyPolicy;

  constructor(private readonly options: JwksCacheOptions) {
    this.keyPolicy = new KeyPolicy(options.keyPolicy);
    this.now = options.now ?? Date.now;
    this.maxAgeMs = options.maxAgeSeconds * 1000;
    this.minRefetchIntervalMs = options.minRefetchIntervalSeconds * 1000;
  }

  /** Adds a JWKS as if just fetched (aws-jwt-verify's `cacheJwks` calls this). */
  addJwks(jwksUri: string, jwks: Jwks): void {
    this.sets.set(jwksUri, { jwks: this.keyPolicy.apply(jwks).jwks, fetchedAt: this.now() });
  }

  /** Fetches the JWKS now (joining a fetch already under way) and caches it. */
  async getJwks(jwksUri: string): Promise<Jwks> {
    return (await this.refresh(jwksUri)).jwks;
  }

  /** Synchronous lookup in what is cached and still within its maximum age. */
  getCachedJwk(jwksUri: string, decomposedJwt: DecomposedJwt): JwkWithKid {
    const kid = requireKid(decomposedJwt);
    const cached = this.usable(jwksUri);
    if (!cached) throw new JwksNotAvailableInCacheError(`JWKS for ${jwksUri} is not cached or older than its maximum age`);
    const jwk = findJwkInJwks(cached.jwks, kid);
    if (!jwk) throw new KidNotFoundInJwksError(`no trusted key with this kid in the JWKS of ${jwksUri}`);
    return fitting(jwk, decomposedJwt);
  }

  /** The key for this token, refreshing the set when it is ageing or lacks the `kid`, within the rate limit. */
  async getJwk(jwksUri: string, decomposedJwt: DecomposedJwt): Promise<JwkWithKid> {
    const kid = requireKid(decomposedJwt);
    let cached = this.usable(jwksUri);
    if (cached && this.now() - cached.fetchedAt >= this.maxAgeMs / 2 && this.mayFetch(jwksUri)) {
      // Refresh ahead of expiry; if the issuer is unreachable, keep using the set until its maximum age.
      cached = await this.refresh(jwksUri).catch(() => this.usable(jwksUri));
    }
    const known = cached && findJwkInJwks(cached.jwks, kid);
    if (known) return fitting(known, decomposedJwt);
    if (!this.mayFetch(jwksUri)) {
      if (!cached) throw this.unavailable(jwksUri);
      throw new KidNotFoundInJwksError(`no trusted key with this kid in the JWKS of ${jwksUri} (refetch rate-limited)`);
    }
    const fresh = await this.refresh(jwksUri);
    const jwk = findJwkInJwks(fresh.jwks, kid);
    if (!jwk) throw new KidNotFoundInJwksError(`no trusted key with this kid in the JWKS of ${jwksUri}`);
    return fitting(jwk, decomposedJwt);
  }

  /**
   * Until when (ms since the epoch) the set cached for this URI may vouch for tokens: its fetch
   * time plus the maximum age; `undefined` when nothing is cached.
   */
  trustedUntil(jwksUri: string): number | undefined {
    const cached = this.sets.get(jwksUri);
    return cached === undefined ? undefined : cached.fetchedAt + this.maxAgeMs;
  }

  /** Fetches every URI once (cold-start hydration); resolves to how many succeeded. */
  async hydrate(jwksUris: Iterable<string>): Promise<number> {
    const results = await Promise.allSettled([...new Set(jwksUris)].map((uri) => this.refresh(uri)));
    return results.filter((result) => result.status === 'fulfilled').length;
  }

  /**
   * Why there are no keys for this URI while the refetch interval holds the next attempt back: the
   * last attempt's own failure (a 404, a discovery document naming another issuer), so every
   * request refused meanwhile says what is wrong, not only that something is.
   */
  private unavailable(jwksUri: string): JwksNotAvailableInCacheError {
    const last = this.lastFailure.get(jwksUri);
    return new JwksNotAvailableInCacheError(
      last === undefined
        ? `JWKS for ${jwksUri} is unavailable; next fetch allowed after the refetch interval`
        : `${last} (the last attempt; the next is allowed after the refetch interval)`,
    );
  }

  private usable(jwksUri: string): CachedJwks | undefined {
    const cached = this.sets.get(jwksUri);
    if (cached && this.now() - cached.fetchedAt < this.maxAgeMs) return cached;
    // Past its maximum age the set is no longer evidence of what the issuer trusts. It stays in the
    // map only so that the next fetch can tell whether the keys changed: otherwise a kid re-used
    // for new key material would keep its stale converted key (aws-jwt-verify caches those by kid).
    return undefined;
  }

  private mayFetch(jwksUri: string): boolean {
    if (this.inFlight.has(jwksUri)) return true;
    const last = this.lastAttemptAt.get(jwksUri);
    return last === undefined || this.now() - last >= this.minRefetchIntervalMs;
  }

  private refresh(jwksUri: string): Promise<CachedJwks> {
    const pending = this.inFlight.get(jwksUri);
    if (pending) return pending;
    const started = this.now();
    this.lastAttemptAt.set(jwksUri, started);
    const fetching = this.fetchAndStore(jwksUri, started).finally(() => this.inFlight.delete(jwksUri));
    this.inFlight.set(jwksUri, fetching);
    return fetching;
  }

  private async fetchAndStore(jwksUri: string, started: number): Promise<CachedJwks> {
    let fetchUri = jwksUri;
    try {
      fetchUri = (await this.options.resolveFetchUri?.(jwksUri)) ?? jwksUri;
    } catch (error) {
      this.lastFailure.set(jwksUri, describeError(error));
      this.observe({ uri: jwksUri, ok: false, durationMs: this.now() - started, error: describeError(error), step: 'discovery' });
      throw error;
    }
    try {
      const body = await this.options.fetcher.fetch(fetchUri);
      const { jwks, rejected } = this.keyPolicy.apply(parseJwks(body));
      const previous = this.sets.get(jwksUri);
      const cached = { jwks, fetchedAt: this.now() };
      this.sets.set(jwksUri, cached);
      this.lastFailure.delete(jwksUri);
      this.observe({ uri: fetchUri, ok: true, durationMs: this.now() - started, keys: jwks.keys.length, rejected });
      if (previous && JSON.stringify(previous.jwks.keys) !== JSON.stringify(jwks.keys)) {
        this.options.onKeysChanged?.(jwksUri, jwks);
      }
      return cached;
    } catch (error) {
      this.lastFailure.set(jwksUri, describeError(error));
      this.observe({ uri: fetchUri, ok: false, durationMs: this.now() - started, error: describeError(error), step: 'jwks' });
      throw error;
    }
  }

  /**
   * Tells the observer about a fetch. Observability must never change an answer: a logger or a
   * metrics hook that throws would otherwise turn a good fetch into a failed one (and a failed one
   * into a second report), and the request waiting on it into `jwks_unavailable`.
   */
  private observe(event: JwksFetchEvent): void {
    try {
      this.options.onFetch?.(event);
    } catch {
      // Nothing to do: the fetch's outcome stands as it is.
    }
  }
}

/** The key, if the token's `alg` fits its type and curve; a `bad_algorithm` deny otherwise. */
function fitting(jwk: JwkWithKid, decomposedJwt: DecomposedJwt): JwkWithKid {
  if (!algorithmFitsKey(decomposedJwt.header.alg, jwk))
    throw new DenyError('bad_algorithm', "the token's alg does not fit the key's type or curve");
  return jwk;
}

function requireKid(decomposedJwt: DecomposedJwt): string {
  const kid = decomposedJwt.header.kid;
  if (typeof kid !== 'string' || kid === '') throw new JwtWithoutValidKidError('JWT header has no valid kid');
  return kid;
}

/**
 * Parses the document's outer shape only. aws-jwt-verify's `assertIsJwks` would reject the whole
 * set for one malformed entry (say a numeric `kid`); entries are judged one by one by the key
 * policy instead, so one bad key cannot take the issuer's good keys down with it.
 */
function parseJwks(body: ArrayBuffer): UncheckedJwks {
  let parsed: unknown;
  try {
    parsed = safeJsonParse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    throw new JwksValidationError('JWKS is not valid UTF-8 JSON');
  }
  if (!isRecord(parsed) || !Array.isArray(parsed['keys'])) throw new JwksValidationError('JWKS is not an object with a "keys" array');
  return { keys: parsed['keys'] };
}
