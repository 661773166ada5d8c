/**
 * Reads the claims Tollbooth acts on from a payload whose signature, issuer, audience and time
 * window aws-jwt-verify has already checked, and applies the checks the library does not make:
 * `exp` required, a token id required with revocation, `iat` not in the future and not too old
 * (`maxTokenAgeSeconds`, and the revocation horizon while revocation is on), RFC 9068 `typ` (and
 * what tells a provider's access tokens from its ID tokens), and strict types for every claim the
 * issuer's mapping names. Scopes an issuer may not grant (`grantableScopes`) are dropped.
 *
 * Which claims carry scopes, groups, the client id and the token and session ids is the issuer's
 * {@link ClaimMapping} (its provider preset, with any settings on top): Entra ID's token id is
 * `uti`, Okta's client id `cid`, Keycloak's roles sit in `realm_access.roles`.
 *
 * Every check narrows `unknown` explicitly: a claim of the wrong type is a deny with reason
 * `invalid_claim`, never a coercion. Scopes are held to RFC 6749's scope-token characters
 * (`scope-tokens.ts`), whichever claim they come from, so the list the backend receives cannot
 * carry a scope the token never had.
 */
import type { JwtHeader, JwtPayload } from 'aws-jwt-verify/jwt-model';
import { claimPathName, readClaimPath, type ClaimPath } from './claim-path';
import type { IssuerConfig, VerificationConfig } from './config/authorizer-config';
import { notAnAccessToken } from './config/provider-presets';
import { DenyError } from './reasons';
import { isScopeToken, parseScopeString } from './scope-tokens';

/** The verified facts about a token that the rest of the pipeline uses. */
export interface VerifiedClaims {
  readonly issuer: string;
  readonly sub: string;
  /** Seconds since the epoch. */
  readonly exp: number;
  readonly iat: number | undefined;
  /** The token's id: `jti`, or the claim the issuer's preset names instead (Entra ID: `uti`). */
  readonly jti: string | undefined;
  /** The sign-in session's id: Cognito's `origin_jti`, OpenID Connect's `sid`, as the preset names it. */
  readonly originJti: string | undefined;
  readonly clientId: string | undefined;
  /** Scopes from every scope claim and (where configured) groups, de-duplicated; each an RFC 6749 scope token. */
  readonly scopes: readonly string[];
}

export interface ClaimRules {
  readonly verification: VerificationConfig;
  /** Require the token id (revocation is on), unless the issuer's tokens have none (`tokenIdClaim: null`). */
  readonly requireJti: boolean;
  /**
   * The revocation horizon (`revocation.maxTokenLifetimeSeconds`) while revocation is on, else
   * `null`. A token with an `iat` older than this is `token_too_old`: its subject or session
   * revocation may already have expired from the table. Unlike `maxTokenAgeSeconds` it does not
   * require `iat` (docs/revocation.md, "The revocation horizon").
   */
  readonly revocationHorizonSeconds: number | null;
}

/**
 * The oldest a token's `iat` may be, in seconds (the clock skew comes on top): the smaller of
 * `maxTokenAgeSeconds` and the revocation horizon; `null` when neither is set. The verified-token
 * cache holds an entry no longer than this, so a cached token ages out exactly as a new one would.
 */
export function maxIatAgeSeconds(rules: ClaimRules): number | null {
  const maxAge = rules.verification.maxTokenAgeSeconds;
  const horizon = rules.revocationHorizonSeconds;
  if (maxAge === null) return horizon;
  return horizon === null ? maxAge : Math.min(maxAge, horizon);
}

const ACCESS_TOKEN_TYPES = new Set(['at+jwt', 'application/at+jwt']);

/** Applies Tollbooth's claim rules to a verified token; throws {@link DenyError} on the first failure. */
export function readClaims(
  issuer: IssuerConfig,
  header: JwtHeader,
  payload: JwtPayload,
  rules: ClaimRules,
  nowSeconds: number,
): VerifiedClaims {
  const skew = rules.verification.clockSkewSeconds;
  const mapping = issuer.claims;

  const exp = payload.exp;
  if (typeof exp !== 'number') throw new DenyError('missing_claim', 'exp is required');

  const iat = optionalNumber(payload, 'iat');
  if (iat !== undefined && iat > nowSeconds + skew) throw new DenyError('not_yet_valid', 'iat is in the future');
  if (rules.verification.maxTokenAgeSeconds !== null && iat === undefined)
    throw new DenyError('missing_claim', 'iat is required when a maximum token age is set');
  const maxAge = maxIatAgeSeconds(rules);
  if (maxAge !== null && iat !== undefined && nowSeconds - iat > maxAge + skew) {
    const bound = maxAge === rules.verification.maxTokenAgeSeconds ? 'maxTokenAgeSeconds' : 'revocation.maxTokenLifetimeSeconds';
    throw new DenyError('token_too_old', `token is older than ${maxAge} s (${bound})`);
  }

  const sub = payload.sub;
  if (typeof sub !== 'string' || sub === '') throw new DenyError('missing_claim', 'sub is required');

  const jti = mapping.tokenId === null ? undefined : optionalString(payload, mapping.tokenId);
  if (rules.requireJti && mapping.tokenId !== null && !jti)
    throw new DenyError('missing_claim', `${claimPathName(mapping.tokenId)} (the token id) is required while revocation is enabled`);

  const notAccess = notAnAccessToken(issuer.preset, issuer.issuer, payload);
  if (notAccess !== undefined) throw new DenyError('wrong_token_type', notAccess);

  if (issuer.kind === 'oidc' && issuer.requireAccessTokenType) {
    const typ = header['typ'];
    if (typeof typ !== 'string' || !ACCESS_TOKEN_TYPES.has(typ.toLowerCase())) {
      throw new DenyError('wrong_token_type', 'header typ must be at+jwt (RFC 9068)');
    }
  }

  return {
    issuer: issuer.issuer,
    sub,
    exp,
    iat,
    jti,
    originJti: mapping.sessionId === null ? undefined : optionalString(payload, mapping.sessionId),
    clientId: firstString(payload, mapping.clientId),
    scopes: readScopes(issuer, payload),
  };
}

function readScopes(issuer: IssuerConfig, payload: JwtPayload): string[] {
  const scopes = new Set<string>();
  for (const path of issuer.claims.scopes) addScopes(scopes, readClaimPath(payload, path), path);
  if (issuer.claims.groupsAsScopes) {
    for (const path of issuer.claims.groups) {
      const groups = readClaimPath(payload, path);
      // Groups are names, never a delimited string: only an array of them is read.
      if (groups !== undefined && !Array.isArray(groups))
        throw new DenyError('invalid_claim', `${claimPathName(path)} must be an array of group names`);
      addScopes(scopes, groups, path);
    }
  }
  // An issuer trusted for some scopes only: what else it signs is dropped, never an error, so a
  // token is judged on what this issuer may grant (an IdP cannot mint another's admin scope).
  const grantable = issuer.grantableScopes;
  return grantable === null ? [...scopes] : [...scopes].filter((scope) => grantable.has(scope));
}

/**
 * Adds the scopes a claim holds: a space-delimited string (RFC 6749 §3.3, the `scope` of RFC 8693
 * and RFC 9068; Entra ID's `scp`) or an array of scope tokens (Okta's `scp`, Auth0's
 * `permissions`, Keycloak's roles). Anything outside the grammar — a tab, a newline, NBSP or
 * U+3000, two spaces in a row, `"` or `\`, an empty array element — is `invalid_claim`.
 */
function addScopes(into: Set<string>, value: unknown, path: ClaimPath): void {
  if (value === undefined) return;
  const name = claimPathName(path);
  if (typeof value === 'string') {
    const tokens = parseScopeString(value);
    if (!tokens) throw new DenyError('invalid_claim', `${name} is not RFC 6749 scope tokens separated by single spaces`);
    for (const token of tokens) into.add(token);
    return;
  }
  if (!Array.isArray(value)) throw new DenyError('invalid_claim', `${name} must be a string or an array of strings`);
  for (const item of value) {
    if (typeof item !== 'string') throw new DenyError('invalid_claim', `${name} must be a string or an array of strings`);
    if (!isScopeToken(item)) throw new DenyError('invalid_claim', `${name} holds an element that is not an RFC 6749 scope token`);
    into.add(item);
  }
}

/** The first of `paths` the token has, as a non-empty string. */
function firstString(payload: JwtPayload, paths: readonly ClaimPath[]): string | undefined {
  for (const path of paths) {
    const value = optionalString(payload, path);
    if (value !== undefined) return value;
  }
  return undefined;
}

function optionalString(payload: JwtPayload, path: ClaimPath): string | undefined {
  const value = readClaimPath(payload, path);
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new DenyError('invalid_claim', `${claimPathName(path)} must be a non-empty string`);
  return value;
}

function optionalNumber(payload: JwtPayload, name: string): number | undefined {
  const value = payload[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new DenyError('invalid_claim', `${name} must be a number`);
  return value;
}
