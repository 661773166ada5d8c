/**
 * Parses the `issuers` part of the configuration: OIDC issuers and Cognito user pools, each with
 * its audience or client ids (required, or explicitly `null`), its JWKS URI (HTTPS only; plain
 * HTTP on loopback only when allowed) and its group settings. Kept apart from `parse-config.ts` because
 * issuers carry most of the configuration's security decisions.
 */
import { CognitoJwtVerifier } from 'aws-jwt-verify/cognito-verifier';
import type { CognitoIssuerConfig, IssuerConfig, JwksConfig, OidcIssuerConfig } from './authorizer-config';
import { isRecord } from '../guards';
import type { Problems } from '../problems';
import { ISSUER_SETTINGS } from './defaults';
import { fieldPath, readBoolean, readChoice, readString, readStringList, rejectUnknownKeys, type RawObject } from './fields';
import { isLoopbackHttpUrl } from '../loopback-url';

/** Reads and checks `issuers`; every problem goes to `problems`. */
export function parseIssuers(raw: RawObject, jwks: JwksConfig, problems: Problems): IssuerConfig[] {
  const list = raw['issuers'];
  if (!Array.isArray(list) || list.length === 0) {
    problems.add('issuers', 'must be a non-empty list of trusted issuers');
    return [];
  }
  const issuers: IssuerConfig[] = [];
  list.forEach((entry: unknown, index) => {
    const path = `issuers[${index}]`;
    if (!isRecord(entry)) {
      problems.add(path, 'must be an object');
      return;
    }
    const type = readChoice(entry, 'type', path, problems, ['oidc', 'cognito'] as const, ISSUER_SETTINGS.type);
    const issuer = type === 'cognito' ? parseCognitoIssuer(entry, path, problems) : parseOidcIssuer(entry, path, jwks, problems);
    if (!issuer) return;
    checkJwksUri(issuer.jwksUri, `${path}.jwksUri`, jwks, problems);
    if (issuers.some((other) => other.issuer === issuer.issuer)) {
      problems.add(path, `issuer "${issuer.issuer}" is configured more than once`);
    }
    issuers.push(issuer);
  });
  return issuers;
}

const COMMON_ISSUER_KEYS = ['type', 'jwksUri', 'groupsClaim', 'groupsAsScopes'];

function parseOidcIssuer(raw: RawObject, path: string, jwks: JwksConfig, problems: Problems): OidcIssuerConfig | undefined {
  rejectUnknownKeys(raw, [...COMMON_ISSUER_KEYS, 'issuer', 'audience', 'requireAccessTokenType'], path, problems);
  const issuer = readString(raw, 'issuer', path, problems);
  if (!issuer) {
    problems.add(fieldPath(path, 'issuer'), 'is required (the exact "iss" value of the tokens)');
    return undefined;
  }
  // The issuer is only compared, never fetched; it follows the JWKS rule anyway, because the default
  // JWKS URI derives from it and an http:// issuer outside local development is a mistake.
  if (!isHttpsOrAllowedLoopbackUrl(issuer, jwks)) {
    problems.add(
      fieldPath(path, 'issuer'),
      `"${issuer}" must be an https:// URL (http:// only on loopback, with jwks.allowInsecureLoopbackHttp)`,
    );
  }
  let audiences: readonly string[] | null = null;
  if (!('audience' in raw)) {
    problems.add(
      fieldPath(path, 'audience'),
      'is required: list the accepted "aud" values, or set it to null to accept any audience (not recommended)',
    );
  } else if (raw['audience'] !== null) {
    audiences = readStringList(raw, 'audience', path, problems) ?? [];
    // An empty list would deny every token: almost certainly a mistake, so say so at cold start.
    if (Array.isArray(raw['audience']) && raw['audience'].length === 0) {
      problems.add(fieldPath(path, 'audience'), 'is an empty list, which would deny every token: list the accepted "aud" values');
    }
  }
  return {
    kind: 'oidc',
    issuer,
    audiences,
    jwksUri: readString(raw, 'jwksUri', path, problems) ?? defaultJwksUri(issuer),
    requireAccessTokenType: readBoolean(raw, 'requireAccessTokenType', path, problems, ISSUER_SETTINGS.requireAccessTokenType),
    groupsClaim: readString(raw, 'groupsClaim', path, problems, ISSUER_SETTINGS.oidcGroupsClaim),
    groupsAsScopes: readBoolean(raw, 'groupsAsScopes', path, problems, ISSUER_SETTINGS.groupsAsScopes),
  };
}

function parseCognitoIssuer(raw: RawObject, path: string, problems: Problems): CognitoIssuerConfig | undefined {
  rejectUnknownKeys(raw, [...COMMON_ISSUER_KEYS, 'userPoolId', 'clientId', 'tokenUse', 'requiredGroups'], path, problems);
  const userPoolId = readString(raw, 'userPoolId', path, problems);
  if (!userPoolId) {
    problems.add(fieldPath(path, 'userPoolId'), 'is required (e.g. "eu-west-1_AbCdEf123")');
    return undefined;
  }
  let parsed: { issuer: string; jwksUri: string };
  try {
    parsed = CognitoJwtVerifier.parseUserPoolId(userPoolId);
  } catch {
    problems.add(fieldPath(path, 'userPoolId'), `"${userPoolId}" is not a Cognito user pool id (e.g. "eu-west-1_AbCdEf123")`);
    return undefined;
  }
  let clientIds: readonly string[] | null = null;
  if (!('clientId' in raw)) {
    problems.add(
      fieldPath(path, 'clientId'),
      'is required: list the accepted app client ids, or set it to null to accept any client of the pool',
    );
  } else if (raw['clientId'] !== null) {
    clientIds = readStringList(raw, 'clientId', path, problems) ?? [];
    if (Array.isArray(raw['clientId']) && raw['clientId'].length === 0) {
      problems.add(fieldPath(path, 'clientId'), 'is an empty list, which would deny every token: list the accepted app client ids');
    }
  }
  return {
    kind: 'cognito',
    userPoolId,
    issuer: parsed.issuer,
    jwksUri: readString(raw, 'jwksUri', path, problems) ?? parsed.jwksUri,
    clientIds,
    tokenUse: readChoice(raw, 'tokenUse', path, problems, ['access', 'id'] as const, ISSUER_SETTINGS.cognitoTokenUse),
    requiredGroups: readStringList(raw, 'requiredGroups', path, problems) ?? [],
    groupsClaim: readString(raw, 'groupsClaim', path, problems, ISSUER_SETTINGS.cognitoGroupsClaim),
    groupsAsScopes: readBoolean(raw, 'groupsAsScopes', path, problems, ISSUER_SETTINGS.groupsAsScopes),
  };
}

/** aws-jwt-verify's default: `<issuer>/.well-known/jwks.json`. */
function defaultJwksUri(issuer: string): string {
  return `${issuer.replace(/\/$/, '')}/.well-known/jwks.json`;
}

function isHttpsOrAllowedLoopbackUrl(value: string, jwks: JwksConfig): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || (jwks.allowInsecureLoopbackHttp && isLoopbackHttpUrl(url));
  } catch {
    return false;
  }
}

function checkJwksUri(uri: string, path: string, jwks: JwksConfig, problems: Problems): void {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    problems.add(path, `"${uri}" is not a URL`);
    return;
  }
  if (url.protocol === 'https:') return;
  if (isLoopbackHttpUrl(url)) {
    if (!jwks.allowInsecureLoopbackHttp) {
      problems.add(
        path,
        `"${uri}" is plain HTTP: set jwks.allowInsecureLoopbackHttp to true to allow it on loopback (local development only)`,
      );
    }
    return;
  }
  problems.add(
    path,
    `"${uri}" must be https:// (plain http:// is only allowed on loopback addresses, with jwks.allowInsecureLoopbackHttp)`,
  );
}
