/**
 * OpenID Connect discovery: where an issuer's keys are, read from its discovery document
 * (`<issuer>/.well-known/openid-configuration`, OpenID Connect Discovery 1.0 §4) when no
 * `jwksUri` is configured. Entra ID, Okta, Keycloak and oidc-provider publish their keys at
 * paths only the document names (`…/discovery/v2.0/keys`, `…/v1/keys`, `…/certs`, `/jwks`).
 *
 * The document is fetched with the JWKS's own fetcher — the same deadline, size cap, HTTPS rule
 * and fresh connection — and lives under the JWKS's rules: trusted for `maxAgeSeconds`, refreshed
 * after half of it (a failed refresh keeps the last good answer until then), concurrent callers
 * sharing one fetch. It is only ever asked for by the JWKS cache, when the JWKS itself is about to
 * be fetched: so it adds at most one fetch to each JWKS fetch, and the JWKS cache's limit of one
 * attempt per `minRefetchIntervalSeconds` bounds both (a limit of its own here would only drift
 * out of step with that one and skip attempts the JWKS cache allowed).
 *
 * The document must name the configured issuer exactly (§4.3: "MUST be identical"), and its
 * `jwks_uri` must be a URL the JWKS fetcher may fetch. When the keys cannot be located, the
 * failure says so — which issuer, which URL, what was wrong, what to set — as an
 * {@link OidcDiscoveryError}: a deny with reason `jwks_unavailable` whose message is the diagnosis.
 */
import type { Fetcher } from 'aws-jwt-verify/https';
import { safeJsonParse } from 'aws-jwt-verify/safe-json-parse';
import { describeError } from '../error-class';
import { isRecord } from '../guards';
import { isLoopbackHttpUrl } from '../loopback-url';
import { DenyError } from '../reasons';

/** The keys of an issuer could not be located through its discovery document. */
export class OidcDiscoveryError extends DenyError {
  constructor(message: string) {
    super('jwks_unavailable', message);
    this.name = 'OidcDiscoveryError';
  }
}

export interface OidcDiscoveryOptions {
  /** The JWKS fetcher (bounded, HTTPS-only unless loopback HTTP is allowed). */
  readonly fetcher: Fetcher;
  readonly maxAgeSeconds: number;
  /** Whether a plain-HTTP `jwks_uri` on loopback is acceptable (local development only). */
  readonly allowInsecureLoopbackHttp: boolean;
  /** Milliseconds since the epoch. */
  readonly now?: () => number;
}

/** One issuer whose keys are found through discovery. */
export interface DiscoveredIssuer {
  /** The configured `iss` value the document must name. */
  readonly issuer: string;
  /** The discovery document's URL. */
  readonly discoveryUri: string;
}

interface Discovered {
  readonly jwksUri: string;
  readonly fetchedAt: number;
}

export class OidcDiscovery {
  private readonly found = new Map<string, Discovered>();
  private readonly inFlight = new Map<string, Promise<Discovered>>();
  private readonly now: () => number;
  private readonly maxAgeMs: number;

  constructor(private readonly options: OidcDiscoveryOptions) {
    this.now = options.now ?? Date.now;
    this.maxAgeMs = options.maxAgeSeconds * 1000;
  }

  /**
   * The JWKS URI the issuer's discovery document names: remembered while it is younger than half
   * the maximum age, refreshed after that (keeping the last good one if the refresh fails, until
   * the maximum age). Rejects with {@link OidcDiscoveryError} when nothing usable is known.
   */
  async jwksUri(target: DiscoveredIssuer): Promise<string> {
    const known = this.found.get(target.discoveryUri);
    const age = known === undefined ? Number.POSITIVE_INFINITY : this.now() - known.fetchedAt;
    if (known && age < this.maxAgeMs / 2) return known.jwksUri;
    if (known && age < this.maxAgeMs) {
      return this.refresh(target).then(
        (fresh) => fresh.jwksUri,
        () => known.jwksUri,
      );
    }
    return (await this.refresh(target)).jwksUri;
  }

  private refresh(target: DiscoveredIssuer): Promise<Discovered> {
    const pending = this.inFlight.get(target.discoveryUri);
    if (pending) return pending;
    const fetching = this.fetchDocument(target).finally(() => this.inFlight.delete(target.discoveryUri));
    this.inFlight.set(target.discoveryUri, fetching);
    return fetching;
  }

  private async fetchDocument(target: DiscoveredIssuer): Promise<Discovered> {
    let body: ArrayBuffer;
    try {
      body = await this.options.fetcher.fetch(target.discoveryUri);
    } catch (error) {
      throw new OidcDiscoveryError(
        `no discovery document for issuer ${target.issuer} at ${target.discoveryUri} (${describeError(error)}): if the issuer publishes none, set its jwksUri`,
      );
    }
    const discovered = { jwksUri: this.readJwksUri(target, body), fetchedAt: this.now() };
    this.found.set(target.discoveryUri, discovered);
    return discovered;
  }

  /** The document's `jwks_uri`, once the document proved to be this issuer's. */
  private readJwksUri(target: DiscoveredIssuer, body: ArrayBuffer): string {
    let document: unknown;
    try {
      document = safeJsonParse(new TextDecoder('utf-8', { fatal: true }).decode(body));
    } catch {
      throw new OidcDiscoveryError(`the discovery document of issuer ${target.issuer} (${target.discoveryUri}) is not UTF-8 JSON`);
    }
    if (!isRecord(document))
      throw new OidcDiscoveryError(`the discovery document of issuer ${target.issuer} (${target.discoveryUri}) is not a JSON object`);
    const issuer = document['issuer'];
    if (issuer !== target.issuer) {
      throw new OidcDiscoveryError(
        `the discovery document at ${target.discoveryUri} names issuer ${quoted(issuer)}, not ${target.issuer}: the configured issuer must be exactly the tokens' iss (OpenID Connect Discovery 1.0 §4.3)`,
      );
    }
    const jwksUri = document['jwks_uri'];
    if (typeof jwksUri !== 'string')
      throw new OidcDiscoveryError(`the discovery document of issuer ${target.issuer} (${target.discoveryUri}) has no jwks_uri`);
    if (!this.mayFetchJwksFrom(jwksUri)) {
      throw new OidcDiscoveryError(
        `the discovery document of issuer ${target.issuer} names jwks_uri ${quoted(jwksUri)}, which is not https:// (http:// only on loopback, with jwks.allowInsecureLoopbackHttp)`,
      );
    }
    return jwksUri;
  }

  /** The rule the JWKS fetcher applies, checked here so that a bad `jwks_uri` is named as such. */
  private mayFetchJwksFrom(uri: string): boolean {
    try {
      const url = new URL(uri);
      return url.protocol === 'https:' || (this.options.allowInsecureLoopbackHttp && isLoopbackHttpUrl(url));
    } catch {
      return false;
    }
  }
}

/** A value from the document, as JSON and bounded: the document is the issuer's, not ours, and may be large. */
function quoted(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_QUOTED_LENGTH ? `${text.slice(0, MAX_QUOTED_LENGTH)}…` : text;
}

const MAX_QUOTED_LENGTH = 120;
