/**
 * The identity-provider presets: for each provider, which claims of its access tokens carry
 * scopes, groups, the client id, the token id and the session id, as its documentation describes
 * them (docs/providers.md cites each). A preset is a starting point: every part can be replaced
 * by an issuer's own settings (`scopeClaims`, `groupClaims`, …).
 *
 * Also the checks a preset makes possible on the issuer itself, at cold start and at synth time:
 * each provider writes `iss` in one known shape (Auth0 with a trailing slash, Okta without), and
 * an issuer of the wrong shape would have every token refused with `wrong_issuer`.
 */
import type { ClaimPath } from '../claim-path';
import type { ClaimMapping, ProviderPreset } from './authorizer-config';
import { isGoogleIssuer } from '../issuer-aliases';
import { entraIssuerProblems, isB2cIssuer, type EntraIssuerSettings } from './entra-issuer';

/** What a preset's mapping may depend on. */
export interface PresetContext {
  /** The configured issuer (Azure AD B2C's and Google's tokens, told apart by it, have no token id). */
  readonly issuer: string;
  /** The issuer's accepted audiences (Keycloak keys client roles by client id). */
  readonly audiences: readonly string[] | null;
  /** Cognito: which token is accepted (the client id is `client_id` on access tokens, `aud` on ID tokens). */
  readonly tokenUse: 'access' | 'id';
}

const SCOPE: ClaimPath = ['scope'];
const SCP: ClaimPath = ['scp'];
const JTI: ClaimPath = ['jti'];
/** Cognito's sign-in session id, which Tollbooth has always read from any issuer's tokens. */
const ORIGIN_JTI: ClaimPath = ['origin_jti'];
const AZP: ClaimPath = ['azp'];
const CLIENT_ID: ClaimPath = ['client_id'];
const GROUPS: ClaimPath = ['groups'];

/** The claim mapping of a preset. */
export function presetClaimMapping(preset: ProviderPreset, context: PresetContext): ClaimMapping {
  switch (preset) {
    case 'oidc':
      // RFC 9068 (scope, client_id, jti), OpenID Connect (azp), and scp as many issuers write it.
      // Google's ID tokens have no jti: revoked by subject.
      return {
        scopes: [SCOPE, SCP],
        groups: [GROUPS],
        groupsAsScopes: false,
        clientId: [CLIENT_ID, AZP],
        tokenId: isGoogleIssuer(context.issuer) ? null : JTI,
        sessionId: ORIGIN_JTI,
      };
    case 'entra':
      // scp: delegated permissions (a space-delimited string); roles: app roles — application
      // permissions in client-credentials tokens, a user's roles in user tokens. azp (v2.0) and
      // appid (v1.0) name the client; uti is the token id ("equivalent to jti"), which Entra's
      // access tokens carry instead of jti — except Azure AD B2C's, which carry neither.
      return {
        scopes: [SCP, ['roles']],
        groups: [GROUPS],
        groupsAsScopes: false,
        clientId: [AZP, ['appid']],
        tokenId: isB2cIssuer(context.issuer) ? null : ['uti'],
        sessionId: null,
      };
    case 'okta':
      // scp is a JSON array; cid is the client id; groups only with a groups claim configured in Okta.
      return { scopes: [SCP], groups: [GROUPS], groupsAsScopes: false, clientId: [['cid']], tokenId: JTI, sessionId: null };
    case 'auth0':
      // scope (a string) and, with RBAC's "Add Permissions in the Access Token", permissions (an
      // array); azp (Auth0 profile) or client_id (RFC 9068 profile); jti only in the RFC 9068 profile.
      return {
        scopes: [SCOPE, ['permissions']],
        groups: [],
        groupsAsScopes: false,
        clientId: [AZP, CLIENT_ID],
        tokenId: JTI,
        sessionId: null,
      };
    case 'keycloak':
      // Realm roles, and the roles of each client the token is meant for (its audiences), are
      // what Keycloak authorises with: they count as scopes, next to the client scopes in scope.
      return {
        scopes: [SCOPE, ['realm_access', 'roles'], ...(context.audiences ?? []).map((audience) => ['resource_access', audience, 'roles'])],
        groups: [GROUPS],
        groupsAsScopes: false,
        clientId: [AZP, CLIENT_ID],
        tokenId: JTI,
        // The sign-in session (its SSO session id), shared by every token refreshed from it.
        sessionId: ['sid'],
      };
    case 'cognito':
      return {
        scopes: [SCOPE],
        groups: [['cognito:groups']],
        groupsAsScopes: false,
        clientId: [context.tokenUse === 'id' ? ['aud'] : CLIENT_ID],
        tokenId: JTI,
        sessionId: ORIGIN_JTI,
      };
  }
}

/**
 * Why a verified token is not an access token of this preset's provider, or `undefined` when it
 * is one. Providers sign their ID tokens with the same keys as their access tokens, often for the
 * same client — so an ID token whose `aud` is an accepted audience would otherwise pass as an
 * access token, with whatever roles it lists.
 *
 * - Keycloak writes a `typ` claim in every token: `"Bearer"` in access tokens, `"ID"` and
 *   `"Logout"` in the others. Keycloak's own adapters check it.
 * - Entra ID names the client of every access token (`azp` in v2.0, `appid` in v1.0, "only
 *   present in" access tokens per its claims reference); its ID tokens name neither. Azure AD
 *   B2C's tokens are the exception (`azp` only with some flows), so B2C issuers are not held to it.
 */
export function notAnAccessToken(preset: ProviderPreset, issuer: string, payload: Readonly<Record<string, unknown>>): string | undefined {
  switch (preset) {
    case 'keycloak':
      return payload['typ'] === 'Bearer' ? undefined : 'typ must be "Bearer": the keycloak preset accepts access tokens only';
    case 'entra':
      if (B2C_ISSUER.test(issuer) || typeof payload['azp'] === 'string' || typeof payload['appid'] === 'string') return undefined;
      return 'an Entra ID access token names its client (azp, or appid in v1.0); an ID token does not';
    default:
      return undefined;
  }
}

/** An Azure AD B2C issuer, told cheaply per request (`isB2cIssuer` is the configuration's reading). */
const B2C_ISSUER = /^https:\/\/[^/]+\.b2clogin\.com\//i;

/** A problem with one field of an issuer entry that a preset makes checkable. */
export interface PresetIssuerProblem {
  readonly field: 'issuer' | 'jwksUri' | 'audience';
  readonly message: string;
}

/**
 * What is wrong with `issuer` for this preset, if anything: the shape each provider writes `iss`
 * in, where that shape is certain. Custom domains are fine; a trailing slash where the provider
 * writes none (or none where it writes one) is not.
 */
export function presetIssuerProblems(preset: ProviderPreset, issuer: string, settings: EntraIssuerSettings): PresetIssuerProblem[] {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return []; // Reported as not a URL elsewhere.
  }
  const trailingSlash = issuer.endsWith('/');
  const onIssuer = (message: string): PresetIssuerProblem[] => [{ field: 'issuer', message }];
  switch (preset) {
    case 'auth0':
      return trailingSlash ? [] : onIssuer(`Auth0 writes iss with a trailing slash: "${issuer}/"`);
    case 'okta':
      return oktaIssuerProblems(url, issuer).map((message) => ({ field: 'issuer', message }));
    case 'keycloak':
      return /\/realms\/[^/]+$/.test(url.pathname)
        ? []
        : onIssuer(`Keycloak writes iss as <base>/realms/<realm> (no trailing slash), not "${issuer}"`);
    case 'entra':
      return entraIssuerProblems(issuer, settings);
    default:
      return [];
  }
}

/**
 * Okta: a custom authorization server, `https://<domain>/oauth2/<server id>` with no trailing
 * slash. The org authorization server (`https://<domain>`, no path) issues access tokens for
 * Okta's own APIs only — Okta says resource servers must not validate them — so trusting it for
 * an API is refused, not quietly allowed.
 */
function oktaIssuerProblems(url: URL, issuer: string): string[] {
  // The admin console's host (acme-admin.okta.com), copied from the browser, never issues tokens.
  const adminHost = /^([^.]+)-admin(\.(?:okta|oktapreview|okta-emea|okta-gov)\.com)$/i.exec(url.hostname);
  if (adminHost) return [`"${url.hostname}" is Okta's admin console, not an issuer: use the Okta domain "${adminHost[1]}${adminHost[2]}"`];
  if (issuer.endsWith('/')) return [`Okta writes iss without a trailing slash: "${issuer.replace(/\/+$/, '')}"`];
  if (url.pathname === '/' || url.pathname === '')
    return [
      `"${issuer}" is Okta's org authorization server, whose access tokens are for Okta's own APIs and must not be validated by an API: use a custom authorization server, "${issuer}/oauth2/default" or "${issuer}/oauth2/<server id>"`,
    ];
  return /^\/oauth2\/[^/]+$/.test(url.pathname)
    ? []
    : [`Okta writes iss as https://<domain>/oauth2/<authorization server id>, not "${issuer}"`];
}
