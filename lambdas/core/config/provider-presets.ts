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

/** What a preset's mapping may depend on. */
export interface PresetContext {
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
      return {
        scopes: [SCOPE, SCP],
        groups: [GROUPS],
        groupsAsScopes: false,
        clientId: [CLIENT_ID, AZP],
        tokenId: JTI,
        sessionId: ORIGIN_JTI,
      };
    case 'entra':
      // scp: delegated permissions (a space-delimited string); roles: app roles — application
      // permissions in client-credentials tokens, a user's roles in user tokens. azp (v2.0) and
      // appid (v1.0) name the client; uti is the token id ("equivalent to jti"), which Entra's
      // access tokens carry instead of jti.
      return {
        scopes: [SCP, ['roles']],
        groups: [GROUPS],
        groupsAsScopes: false,
        clientId: [AZP, ['appid']],
        tokenId: ['uti'],
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
 * What is wrong with `issuer` for this preset, if anything: the shape each provider writes `iss`
 * in, where that shape is certain. Custom domains are fine; a trailing slash where the provider
 * writes none (or none where it writes one) is not.
 */
export function presetIssuerProblems(preset: ProviderPreset, issuer: string): string[] {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return []; // Reported as not a URL elsewhere.
  }
  const trailingSlash = issuer.endsWith('/');
  switch (preset) {
    case 'auth0':
      return trailingSlash ? [] : [`Auth0 writes iss with a trailing slash: "${issuer}/"`];
    case 'okta':
      return trailingSlash ? [`Okta writes iss without a trailing slash: "${issuer.replace(/\/+$/, '')}"`] : [];
    case 'keycloak':
      return /\/realms\/[^/]+$/.test(url.pathname)
        ? []
        : [`Keycloak writes iss as <base>/realms/<realm> (no trailing slash), not "${issuer}"`];
    case 'entra':
      return entraIssuerProblems(url, issuer);
    default:
      return [];
  }
}

/** The tenant-independent names Entra ID's endpoints accept, which never appear in `iss`. */
const ENTRA_TENANT_ALIASES = new Set(['common', 'organizations', 'consumers']);

function entraIssuerProblems(url: URL, issuer: string): string[] {
  const [tenant = '', ...rest] = url.pathname.split('/').slice(1);
  const shapes = 'https://login.microsoftonline.com/<tenant id>/v2.0 (v2.0 tokens) or https://sts.windows.net/<tenant id>/ (v1.0)';
  if (url.hostname !== 'login.microsoftonline.com' && url.hostname !== 'sts.windows.net') return [];
  if (ENTRA_TENANT_ALIASES.has(tenant.toLowerCase()))
    return [`"${tenant}" is not a tenant: Entra ID writes iss with the tenant id, as ${shapes}`];
  const v2 = url.hostname === 'login.microsoftonline.com' && rest.length === 1 && rest[0] === 'v2.0';
  const v1 = url.hostname === 'sts.windows.net' && rest.length === 1 && rest[0] === '';
  return tenant !== '' && (v1 || v2) ? [] : [`Entra ID writes iss as ${shapes}, not "${issuer}"`];
}
