/**
 * The verification stack, built once from a configuration: the JWKS fetcher and cache (key
 * policy, maximum age, rate-limited refetches), where each set is really fetched from (a Cognito
 * pool's configured JWKS URI, or the `jwks_uri` of an issuer's OpenID Connect discovery
 * document), and one aws-jwt-verify verifier per trusted issuer. The authorizer and the revocation endpoint both build theirs here,
 * so a token is trusted by one exactly when it is trusted by the other.
 */
import type { Fetcher } from 'aws-jwt-verify/https';
import type { AuthorizerConfig } from '../config/authorizer-config';
import { VERIFICATION_SETTINGS } from '../config/defaults';
import { JwksFetcher } from './jwks-fetcher';
import { TollboothJwksCache, type JwksFetchEvent } from './jwks-cache';
import { OidcDiscovery, type DiscoveredIssuer } from './oidc-discovery';
import { libraryJwksUris, TokenVerifier } from './token-verifier';

export interface TokenVerificationDeps {
  /** How JWKS documents are fetched. Default: {@link JwksFetcher} with the configured bounds. */
  readonly jwksFetcher?: Fetcher;
  /** Milliseconds since the epoch. */
  readonly now?: () => number;
  /** Observes every JWKS fetch (logs, metrics). */
  readonly onJwksFetch?: (event: JwksFetchEvent) => void;
  /** Called after a refetch changed a JWKS, once the verifiers have forgotten the old keys. */
  readonly onKeysChanged?: () => void;
}

export interface TokenVerification {
  readonly verifier: TokenVerifier;
  /** Fetches every trusted issuer's JWKS; resolves to how many succeeded. Never rejects. */
  hydrate(): Promise<number>;
}

export function createTokenVerification(config: AuthorizerConfig, deps: TokenVerificationDeps = {}): TokenVerification {
  // aws-jwt-verify asks the cache by the URIs it derives (a Cognito pool's are on the internet);
  // a configured jwksUri that differs is where those are really fetched from. An issuer found
  // through discovery is asked for by its discovery URI, and fetched from the jwks_uri it names.
  const fetchUriOverrides = new Map<string, string>();
  const discovered = new Map<string, DiscoveredIssuer>();
  for (const issuer of config.issuers) {
    if (issuer.keys.source === 'discovery') discovered.set(issuer.keys.uri, { issuer: issuer.issuer, discoveryUri: issuer.keys.uri });
    else
      for (const libraryUri of libraryJwksUris(issuer))
        if (libraryUri !== issuer.keys.uri) fetchUriOverrides.set(libraryUri, issuer.keys.uri);
  }
  const fetcher = deps.jwksFetcher ?? new JwksFetcher(config.jwks);
  const discovery = new OidcDiscovery({
    fetcher,
    maxAgeSeconds: config.jwks.maxAgeSeconds,
    allowInsecureLoopbackHttp: config.jwks.allowInsecureLoopbackHttp,
    now: deps.now,
  });
  const resolveFetchUri = (uri: string): string | Promise<string> => {
    const target = discovered.get(uri);
    return target ? discovery.jwksUri(target) : (fetchUriOverrides.get(uri) ?? uri);
  };
  let verifier: TokenVerifier | undefined;
  const jwksCache = new TollboothJwksCache({
    fetcher,
    keyPolicy: {
      algorithms: config.verification.algorithms,
      minRsaModulusBits: VERIFICATION_SETTINGS.minRsaModulusBits,
      maxRsaModulusBits: VERIFICATION_SETTINGS.maxRsaModulusBits,
    },
    maxAgeSeconds: config.jwks.maxAgeSeconds,
    minRefetchIntervalSeconds: config.jwks.minRefetchIntervalSeconds,
    resolveFetchUri,
    now: deps.now,
    onFetch: deps.onJwksFetch,
    onKeysChanged: (uri, jwks) => {
      verifier?.keysChanged(uri, jwks);
      deps.onKeysChanged?.();
    },
  });
  const tokenVerifier = new TokenVerifier(config, jwksCache);
  verifier = tokenVerifier;

  return {
    verifier: tokenVerifier,
    hydrate: async () => {
      try {
        return await jwksCache.hydrate(tokenVerifier.primaryJwksUris);
      } catch {
        return 0;
      }
    },
  };
}
