/**
 * The options of each `TrustedIssuer` factory: a Cognito user pool, any OpenID Connect issuer, and
 * the identity providers with a preset (Entra ID, Okta, Auth0, Keycloak). Kept apart from the
 * class so that each factory's options read in one place, as the CDK's own props interfaces do.
 */
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type { EntraCloud } from '../lambdas/core/config/entra-issuer';

export type { EntraCloud };

/**
 * Where a claim sits: its name, a dotted path into nested objects (`realm_access.roles`), or —
 * for a claim whose name itself has dots, such as Auth0's `https://acme.example/roles` — the list
 * of member names (`['https://acme.example/roles']`).
 */
export type ClaimPathSpec = string | readonly string[];

/** Which claims of the tokens carry what, where the issuer's preset does not say it right. */
export interface ClaimOptions {
  /**
   * Claims holding scopes: a space-delimited string or an array of scope tokens each.
   *
   * @default - the preset's (docs/providers.md)
   */
  readonly scopeClaims?: readonly ClaimPathSpec[];

  /**
   * Claims holding group names (arrays), used as scopes with {@link groupsAsScopes}.
   *
   * @default - the preset's (docs/providers.md)
   */
  readonly groupClaims?: readonly ClaimPathSpec[];

  /**
   * Treat group names as scopes when resolving routes.
   *
   * @default false
   */
  readonly groupsAsScopes?: boolean;

  /**
   * Claims naming the client the token was issued to (the backend's `clientId`), the first
   * present one wins.
   *
   * @default - the preset's (docs/providers.md)
   */
  readonly clientIdClaims?: readonly ClaimPathSpec[];

  /**
   * The claim a token is revoked by, required while revocation is on; `null` when the issuer's
   * tokens carry none (then revoke by subject).
   *
   * @default - the preset's: `jti`, Entra ID's `uti`
   */
  readonly tokenIdClaim?: ClaimPathSpec | null;

  /**
   * The claim naming the sign-in session, for revoking every token of one sign-in; `null` for none.
   *
   * @default - the preset's (docs/providers.md)
   */
  readonly sessionIdClaim?: ClaimPathSpec | null;
}

/** What an issuer is trusted for, when several are. */
export interface GrantOptions {
  /**
   * The scopes this issuer's tokens may grant. Any other scope a token of this issuer carries is
   * dropped: it opens no route and does not reach the backend. Set it when you trust several
   * issuers for different things — a partner's IdP for `orders:read` only, say — since the
   * scope → routes map is shared by every issuer, and otherwise any of them could mint any scope,
   * the revocation endpoint's admin scope included.
   *
   * @default - every scope
   */
  readonly grantableScopes?: readonly string[];
}

/** Audiences, as every OpenID Connect issuer takes them. */
export interface AudienceOptions {
  /**
   * Accepted `aud` values (any one must be present). Required unless {@link allowAnyAudience} is set.
   *
   * @default - none; then `allowAnyAudience` must be true
   */
  readonly audiences?: readonly string[];

  /**
   * Accept tokens whatever their audience. Not recommended: tokens minted for other APIs of the
   * same issuer would be accepted.
   *
   * @default false
   */
  readonly allowAnyAudience?: boolean;

  /**
   * Require RFC 9068 access tokens (`typ: at+jwt`).
   *
   * @default false
   */
  readonly requireAccessTokenType?: boolean;
}

/** The presets of OpenID Connect issuers (`cognito` is the preset of Cognito user pools). */
export type OidcProviderPreset = 'oidc' | 'entra' | 'okta' | 'auth0' | 'keycloak';

/** Any OpenID Connect / OAuth 2 issuer whose tokens are accepted. */
export interface OidcIssuerOptions extends AudienceOptions, ClaimOptions, GrantOptions {
  /** The exact `iss` value of the tokens, an `https://` URL. */
  readonly issuer: string;

  /**
   * Which provider's tokens these are: what their claims mean (docs/providers.md). The provider
   * factories (`TrustedIssuer.entra(…)`, …) set it; give it here for an issuer on a custom domain.
   *
   * @default 'oidc'
   */
  readonly preset?: OidcProviderPreset;

  /**
   * Where the issuer's keys are fetched. Without it, the `jwks_uri` of the issuer's OpenID
   * Connect discovery document (`<issuer>/.well-known/openid-configuration`) is used.
   *
   * @default - found through discovery
   */
  readonly jwksUri?: string;
}

/** Microsoft Entra ID (formerly Azure AD) access tokens of one tenant. */
export interface EntraIssuerOptions extends AudienceOptions, ClaimOptions, GrantOptions {
  /** The tenant id (a GUID): tokens name it in `iss` and `tid`. */
  readonly tenantId: string;

  /**
   * The access-token version the API's app registration issues (`accessTokenAcceptedVersion` in
   * its manifest: `2` for v2.0, `1` or `null` for v1.0). It decides the `iss` of the tokens:
   * `https://login.microsoftonline.com/<tenant>/v2.0` or `https://sts.windows.net/<tenant>/`.
   */
  readonly tokenVersion: 1 | 2;

  /**
   * The cloud the tenant lives in, which decides the host of `iss`: `usGovernment` writes v2.0
   * tokens under `login.microsoftonline.us`; `china` (operated by 21Vianet) writes v1.0 tokens
   * under `sts.chinacloudapi.cn` and v2.0 under `login.partner.microsoftonline.cn`.
   *
   * @default 'global'
   */
  readonly cloud?: EntraCloud;
}

/** An Okta custom authorization server's access tokens. */
export interface OktaIssuerOptions extends AudienceOptions, ClaimOptions, GrantOptions {
  /** The Okta domain, e.g. `acme.okta.com` or a custom domain. */
  readonly domain: string;

  /**
   * The authorization server's id. Okta's org authorization server is not for APIs: its access
   * tokens are meant for Okta only, and Okta says not to validate them.
   *
   * @default 'default'
   */
  readonly authorizationServerId?: string;
}

/** An Auth0 tenant's access tokens. */
export interface Auth0IssuerOptions extends AudienceOptions, ClaimOptions, GrantOptions {
  /** The tenant's domain, e.g. `acme.eu.auth0.com`, or its custom domain. */
  readonly domain: string;
}

/** A Keycloak realm's access tokens. */
export interface KeycloakIssuerOptions extends AudienceOptions, ClaimOptions, GrantOptions {
  /** Keycloak's base URL, e.g. `https://sso.example.com` (`…/auth` before Keycloak 17). */
  readonly url: string;

  /** The realm. */
  readonly realm: string;
}

/** A Cognito user pool whose tokens are accepted. */
export interface CognitoIssuerOptions extends GrantOptions {
  /** The user pool; a pool created in the same app or one imported by id. */
  readonly userPool: cognito.IUserPool;

  /**
   * App clients whose tokens are accepted (`client_id` of access tokens, `aud` of ID tokens).
   * Required unless {@link allowAnyAppClient} is set.
   *
   * @default - none; then `allowAnyAppClient` must be true
   */
  readonly appClients?: readonly cognito.IUserPoolClient[];

  /**
   * Accept tokens of every app client of the pool. Not recommended: any client of the pool,
   * including ones added later, could call the API.
   *
   * @default false
   */
  readonly allowAnyAppClient?: boolean;

  /**
   * Which Cognito token is accepted.
   *
   * @default 'access'
   */
  readonly tokenUse?: 'access' | 'id';

  /**
   * The token must be in at least one of these Cognito groups.
   *
   * @default - no group requirement
   */
  readonly requiredGroups?: readonly string[];

  /**
   * Treat the token's Cognito groups as scopes when resolving routes.
   *
   * @default false
   */
  readonly groupsAsScopes?: boolean;

  /**
   * The issuer of a Cognito emulator on this machine (cognito-local, LocalStack), e.g.
   * `http://localhost:9229/local_3c2TeeQO`: loopback only, ending with the pool id. Tokens are
   * then verified against it with every Cognito check (client id, token use, groups) kept.
   * Plain HTTP also needs `advancedConfig: { jwks: { allowInsecureLoopbackHttp: true } }`.
   *
   * @default - the pool's AWS issuer
   */
  readonly emulatorIssuer?: string;
}
