/**
 * Reads the claims Tollbooth acts on from a payload whose signature, issuer, audience and time
 * window aws-jwt-verify has already checked, and applies the checks the library does not make:
 * `exp` required, `jti` required with revocation, `iat` not in the future and not too old,
 * RFC 9068 `typ`, and strict types for `scp` and group claims.
 *
 * Every check narrows `unknown` explicitly: a claim of the wrong type is a deny with reason
 * `invalid_claim`, never a coercion.
 */
import type { JwtHeader, JwtPayload } from 'aws-jwt-verify/jwt-model';
import type { IssuerConfig, VerificationConfig } from './config/authorizer-config';
import { isStringArray } from './guards';
import { DenyError } from './reasons';

/** The verified facts about a token that the rest of the pipeline uses. */
export interface VerifiedClaims {
  readonly issuer: string;
  readonly sub: string;
  /** Seconds since the epoch. */
  readonly exp: number;
  readonly iat: number | undefined;
  readonly jti: string | undefined;
  /** Cognito: shared by every token refreshed from one sign-in. */
  readonly originJti: string | undefined;
  readonly clientId: string | undefined;
  /** Scopes from `scope`, `scp` and (where configured) groups, de-duplicated. */
  readonly scopes: readonly string[];
}

export interface ClaimRules {
  readonly verification: VerificationConfig;
  readonly requireJti: boolean;
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

  const exp = payload.exp;
  if (typeof exp !== 'number') throw new DenyError('missing_claim', 'exp is required');

  const iat = optionalNumber(payload, 'iat');
  if (iat !== undefined && iat > nowSeconds + skew) throw new DenyError('not_yet_valid', 'iat is in the future');
  const maxAge = rules.verification.maxTokenAgeSeconds;
  if (maxAge !== null) {
    if (iat === undefined) throw new DenyError('missing_claim', 'iat is required when a maximum token age is set');
    if (nowSeconds - iat > maxAge + skew) throw new DenyError('token_too_old', `token is older than ${maxAge} s`);
  }

  const sub = payload.sub;
  if (typeof sub !== 'string' || sub === '') throw new DenyError('missing_claim', 'sub is required');

  const jti = optionalString(payload, 'jti');
  if (rules.requireJti && !jti) throw new DenyError('missing_claim', 'jti is required while revocation is enabled');

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
    originJti: optionalString(payload, 'origin_jti'),
    clientId:
      optionalString(payload, 'client_id') ?? optionalString(payload, 'azp') ?? (typeof payload.aud === 'string' ? payload.aud : undefined),
    scopes: readScopes(issuer, payload),
  };
}

function readScopes(issuer: IssuerConfig, payload: JwtPayload): string[] {
  const scopes = new Set<string>();
  addWords(scopes, payload.scope);
  const scp = payload['scp'];
  if (typeof scp === 'string') {
    // Some issuers (Entra ID) put a space-delimited string in scp.
    addWords(scopes, scp);
  } else if (scp !== undefined) {
    for (const scope of stringArray(scp, 'scp')) scopes.add(scope);
  }
  if (issuer.groupsAsScopes) {
    const groups = payload[issuer.groupsClaim];
    if (groups !== undefined) for (const group of stringArray(groups, issuer.groupsClaim)) scopes.add(group);
  }
  return [...scopes];
}

function addWords(into: Set<string>, value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'string') throw new DenyError('invalid_claim', 'scope must be a string');
  for (const word of value.split(' ')) if (word) into.add(word);
}

function stringArray(value: unknown, name: string): string[] {
  if (!isStringArray(value)) throw new DenyError('invalid_claim', `${name} must be an array of strings`);
  return value;
}

function optionalString(payload: JwtPayload, name: string): string | undefined {
  const value = payload[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new DenyError('invalid_claim', `${name} must be a non-empty string`);
  return value;
}

function optionalNumber(payload: JwtPayload, name: string): number | undefined {
  const value = payload[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new DenyError('invalid_claim', `${name} must be a number`);
  return value;
}
