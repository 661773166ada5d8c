/**
 * The authorizer's one typed configuration: what every part of Tollbooth reads once
 * `parseConfig` has validated and defaulted a raw document. Types only (and the algorithm list
 * they are built from), so the verification stack, the claim rules and the issuer parser can
 * import them without importing the parser.
 */
import type { ClaimPath } from '../claim-path';
import type { RoutePattern } from '../route-pattern';

/** Signature algorithms Tollbooth can verify (aws-jwt-verify's asymmetric set). */
export const SUPPORTED_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;
export type SignatureAlgorithm = (typeof SUPPORTED_ALGORITHMS)[number];

/** How an HTTP API (payload 2.0) authorizer answers: `isAuthorized`, or an IAM policy. */
export type HttpApiResponseMode = 'simple' | 'iam';

/**
 * Identity-provider presets: which claims carry scopes, groups, the client id and the token and
 * session ids, as each provider writes its tokens (docs/providers.md). `cognito` is the preset of
 * every `type: cognito` issuer; the others are for `type: oidc`.
 */
export const PROVIDER_PRESETS = ['oidc', 'entra', 'okta', 'auth0', 'keycloak', 'cognito'] as const;
export type ProviderPreset = (typeof PROVIDER_PRESETS)[number];

/** Which claims of an issuer's tokens carry what: its preset's choices, with any settings on top. */
export interface ClaimMapping {
  /** Claims holding scopes: a space-delimited string (RFC 6749 §3.3) or an array of scope tokens. */
  readonly scopes: readonly ClaimPath[];
  /** Claims holding group names (arrays of strings); read only when {@link groupsAsScopes}. */
  readonly groups: readonly ClaimPath[];
  /** Treat every group as a scope when resolving routes. */
  readonly groupsAsScopes: boolean;
  /** Claims naming the client the token was issued to, the first present one wins. */
  readonly clientId: readonly ClaimPath[];
  /**
   * The claim identifying this one token (`jti`; Entra ID's `uti`): what a token is revoked by,
   * required while revocation is on. `null`: the issuer's tokens have none (revoke by subject).
   */
  readonly tokenId: ClaimPath | null;
  /** The claim identifying the sign-in session (Cognito's `origin_jti`, OIDC's `sid`); `null`: none. */
  readonly sessionId: ClaimPath | null;
}

/**
 * Where an issuer's keys are found: a JWKS URI, or an OpenID Connect discovery document whose
 * `jwks_uri` names it (OpenID Connect Discovery 1.0 §4). `uri` is the one Tollbooth fetches first.
 */
export interface KeySource {
  readonly source: 'jwks' | 'discovery';
  readonly uri: string;
}

interface IssuerCommon {
  /** The exact `iss` value tokens carry. */
  readonly issuer: string;
  /** Where the keys come from. */
  readonly keys: KeySource;
  /** The preset the claim mapping started from. */
  readonly preset: ProviderPreset;
  /** Which claims carry scopes, groups, the client id, the token and session ids. */
  readonly claims: ClaimMapping;
  /**
   * The scopes this issuer's tokens may grant; any other scope they carry is dropped (not granted,
   * not passed to the backend). `null`: every scope — each configured issuer
   * is then trusted for every route, the admin scope included.
   */
  readonly grantableScopes: ReadonlySet<string> | null;
}

/** Any OpenID Connect / OAuth 2 issuer, verified with aws-jwt-verify's `JwtVerifier`. */
export interface OidcIssuerConfig extends IssuerCommon {
  readonly kind: 'oidc';
  /** Accepted `aud` values (any one must be present); `null` only when explicitly configured. */
  readonly audiences: readonly string[] | null;
  /** Require RFC 9068 `typ: at+jwt` in the header. */
  readonly requireAccessTokenType: boolean;
}

/**
 * An Amazon Cognito user pool, verified with aws-jwt-verify's `CognitoJwtVerifier` — or, for a
 * local emulator (cognito-local, LocalStack), with its `JwtVerifier` and the same Cognito checks.
 */
export interface CognitoIssuerConfig extends IssuerCommon {
  readonly kind: 'cognito';
  readonly userPoolId: string;
  /** Accepted app client ids (`client_id` on access tokens, `aud` on ID tokens); `null` = any. */
  readonly clientIds: readonly string[] | null;
  /** Which Cognito token kind is accepted. Access tokens unless ID tokens are asked for. */
  readonly tokenUse: 'access' | 'id';
  /** The token must be in at least one of these groups (empty = no group requirement). */
  readonly requiredGroups: readonly string[];
  /** `issuer` is an emulator's loopback issuer (`emulatorIssuer`), not the pool's AWS one. */
  readonly emulator: boolean;
}

export type IssuerConfig = OidcIssuerConfig | CognitoIssuerConfig;

export interface TokenConfig {
  /** Lower-cased name of the header that carries `Bearer <jwt>`. */
  readonly headerName: string;
  /** Longest header value accepted, checked before any parsing. */
  readonly maxLength: number;
  /** Accept a token from the query string (RFC 6750 §2.3). Off: tokens must not travel in URLs. */
  readonly allowQueryString: boolean;
  /** Query parameter that carries the token when allowed, and that is refused otherwise. */
  readonly queryParameter: string;
}

export interface VerificationConfig {
  readonly algorithms: readonly SignatureAlgorithm[];
  /** Tolerance for `exp`, `nbf` and `iat` against this machine's clock. */
  readonly clockSkewSeconds: number;
  /** Deny tokens whose `iat` is older than this; `null` = no limit beyond `exp`. */
  readonly maxTokenAgeSeconds: number | null;
}

export interface JwksConfig {
  /** Bound on one JWKS fetch, connection to last byte. */
  readonly timeoutMs: number;
  /** Largest JWKS document accepted. */
  readonly maxResponseBytes: number;
  /** A cached JWKS is refreshed after half of this and no longer trusted after all of it. */
  readonly maxAgeSeconds: number;
  /** At most one fetch per JWKS URI per this interval, whatever unknown `kid`s arrive. */
  readonly minRefetchIntervalSeconds: number;
  /** Fetch every JWKS during cold start (a failure is logged, not fatal). */
  readonly hydrateOnColdStart: boolean;
  /** Allow `http://` JWKS URIs on loopback addresses (local development and tests only). */
  readonly allowInsecureLoopbackHttp: boolean;
}

export type RevocationConfig =
  | { readonly enabled: false }
  | {
      readonly enabled: true;
      readonly tableName: string;
      /**
       * How long a "not revoked" answer is trusted when the revocation feed does not keep it current
       * (feed off, or unreadable); with the feed, the bound is the smaller of this and the feed's
       * poll interval, so 0 still means "consult DynamoDB for every request".
       */
      readonly notRevokedCacheSeconds: number;
      /** Follow the revocation feed, so answers stay current and a revocation bites within about a second. */
      readonly feed: boolean;
      /** Regions whose feeds to follow (global tables); empty: the table's own region. */
      readonly feedRegions: readonly string[];
      /** Cap on cached revocation answers. */
      readonly cacheMaxEntries: number;
      /** Bound on one DynamoDB request attempt. */
      readonly requestTimeoutMs: number;
      /** Attempts per lookup, first one included. */
      readonly maxAttempts: number;
      /**
       * The revocation horizon: the longest the issuers' tokens live. Rows without a token's own `exp`
       * (subject, session, bare `jti`) are kept this long, so tokens with an `iat` older than this are
       * refused (`token_too_old`) rather than outliving a revocation whose row has expired.
       */
      readonly maxTokenLifetimeSeconds: number;
    };

/**
 * How API Gateway caches one kind of authorizer's answers: not at all (TTL 0), per token (the
 * token is the only identity source), or per token and route (the route is an identity source).
 */
export type ResultsCacheKey = 'off' | 'token' | 'route';

/** How API Gateway caches the answers of each kind of authorizer the function serves. */
export interface ResultsCacheConfig {
  /** HTTP API authorizers (payload 1.0 and 2.0). */
  readonly httpApi: ResultsCacheKey;
  /** REST API `REQUEST` authorizers. */
  readonly restRequest: ResultsCacheKey;
  /** REST API `TOKEN` authorizers: the token is their only identity source. */
  readonly restToken: Exclude<ResultsCacheKey, 'route'>;
}

export interface VerifiedTokenCacheConfig {
  /** Cap on remembered verified tokens; 0 turns the cache off. */
  readonly maxEntries: number;
}

export interface AuthorizerConfig {
  readonly issuers: readonly IssuerConfig[];
  /** Scope → the route patterns it grants. */
  readonly scopeRoutes: ReadonlyMap<string, readonly RoutePattern[]>;
  readonly httpApiResponseMode: HttpApiResponseMode;
  /** How API Gateway caches the answers: what a policy may allow beyond the invoked request. */
  readonly resultsCache: ResultsCacheConfig;
  readonly token: TokenConfig;
  readonly verification: VerificationConfig;
  readonly jwks: JwksConfig;
  readonly revocation: RevocationConfig;
  readonly verifiedTokenCache: VerifiedTokenCacheConfig;
}
