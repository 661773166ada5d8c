/**
 * Parses the `issuers` part of the configuration: OIDC issuers and Cognito user pools, each with
 * its audience or client ids (required, or explicitly `null`), where its keys are found (a JWKS
 * URI, or OpenID Connect discovery; HTTPS only, plain HTTP on loopback only when allowed), its
 * provider preset and claim settings. Kept apart from `parse-config.ts` because issuers carry
 * most of the configuration's security decisions.
 *
 * What can be known without fetching anything is checked here, so it fails at cold start and at
 * synth time: a discovery URL that cannot be formed, a `jwksUri` that names a discovery document,
 * an issuer of a shape its provider never writes. Whether the discovery document answers, and
 * names this issuer, only a fetch can tell (`oidc-discovery.ts`).
 */
import { CognitoJwtVerifier } from 'aws-jwt-verify/cognito-verifier';
import {
  PROVIDER_PRESETS,
  type CognitoIssuerConfig,
  type IssuerConfig,
  type JwksConfig,
  type KeySource,
  type OidcIssuerConfig,
  type ProviderPreset,
} from './authorizer-config';
import { isRecord } from '../guards';
import type { Problems } from '../problems';
import { ISSUER_SETTINGS } from './defaults';
import { fieldPath, readBoolean, readChoice, readString, readStringList, rejectUnknownKeys, type RawObject } from './fields';
import { isLoopbackHttpUrl, isLoopbackUrl } from '../loopback-url';
import { isScopeToken } from '../scope-tokens';
import { CLAIM_MAPPING_KEYS, readClaimMapping, RENAMED_CLAIM_KEYS } from './parse-claim-mapping';
import { presetClaimMapping, presetIssuerProblems } from './provider-presets';

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
    const issuer = type === 'cognito' ? parseCognitoIssuer(entry, path, jwks, problems) : parseOidcIssuer(entry, path, jwks, problems);
    if (!issuer) return;
    if (issuer.keys.source === 'jwks') checkJwksUri(issuer.keys.uri, `${path}.jwksUri`, jwks, problems);
    if (issuers.some((other) => other.issuer === issuer.issuer)) {
      problems.add(path, `issuer "${issuer.issuer}" is configured more than once`);
    }
    issuers.push(issuer);
  });
  return issuers;
}

const COMMON_ISSUER_KEYS = ['type', 'preset', 'jwksUri', 'grantableScopes', ...CLAIM_MAPPING_KEYS, ...RENAMED_CLAIM_KEYS];

/** Presets of `type: oidc` issuers (`cognito` is the preset of `type: cognito`). */
const OIDC_PRESETS = PROVIDER_PRESETS.filter((preset) => preset !== 'cognito');

function parseOidcIssuer(raw: RawObject, path: string, jwks: JwksConfig, problems: Problems): OidcIssuerConfig | undefined {
  rejectUnknownKeys(raw, [...COMMON_ISSUER_KEYS, 'issuer', 'audience', 'requireAccessTokenType', 'discovery'], path, problems);
  const issuer = readString(raw, 'issuer', path, problems);
  if (!issuer) {
    problems.add(fieldPath(path, 'issuer'), 'is required (the exact "iss" value of the tokens)');
    return undefined;
  }
  // The issuer is compared, and fetched from only through discovery; it follows the JWKS rule
  // anyway, because an http:// issuer outside local development is a mistake.
  if (!isHttpsOrAllowedLoopbackUrl(issuer, jwks)) {
    problems.add(
      fieldPath(path, 'issuer'),
      `"${issuer}" must be an https:// URL (http:// only on loopback, with jwks.allowInsecureLoopbackHttp)`,
    );
  }
  const preset = readChoice(raw, 'preset', path, problems, OIDC_PRESETS, ISSUER_SETTINGS.preset);
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
  for (const problem of presetIssuerProblems(preset, issuer, { jwksUriGiven: raw['jwksUri'] !== undefined, audiences }))
    problems.add(fieldPath(path, problem.field), `${problem.message} (preset "${preset}")`);
  const requireAccessTokenType = readBoolean(raw, 'requireAccessTokenType', path, problems, ISSUER_SETTINGS.requireAccessTokenType);
  // Entra ID's header says typ "JWT" in every token (its access-token reference: "always JWT").
  if (requireAccessTokenType && preset === 'entra')
    problems.add(
      fieldPath(path, 'requireAccessTokenType'),
      'would refuse every token: Entra ID writes typ "JWT" in every token header, never "at+jwt" (preset "entra")',
    );
  return {
    kind: 'oidc',
    issuer,
    audiences,
    keys: readOidcKeySource(raw, path, issuer, problems),
    requireAccessTokenType,
    preset,
    claims: readClaimMapping(raw, path, presetClaimMapping(preset, { issuer, audiences, tokenUse: 'access' }), problems),
    grantableScopes: readGrantableScopes(raw, path, problems),
  };
}

/**
 * Where an OIDC issuer's keys are: `jwksUri` when given; otherwise its discovery document, unless
 * discovery is switched off — then there is nowhere to look, which is a problem, not a guess.
 */
function readOidcKeySource(raw: RawObject, path: string, issuer: string, problems: Problems): KeySource {
  const jwksUri = readString(raw, 'jwksUri', path, problems);
  const discovery = raw['discovery'] === undefined ? undefined : readBoolean(raw, 'discovery', path, problems, true);
  if (jwksUri !== undefined) {
    if (discovery === true)
      problems.add(fieldPath(path, 'discovery'), 'cannot be true with jwksUri: give the JWKS URI, or let discovery find it, not both');
    if (DISCOVERY_DOCUMENT_PATH.test(safePathname(jwksUri)))
      problems.add(
        fieldPath(path, 'jwksUri'),
        `"${jwksUri}" names a discovery document, not a JWKS: leave jwksUri out and Tollbooth reads the document's jwks_uri`,
      );
    return { source: 'jwks', uri: jwksUri };
  }
  if (discovery === false) {
    problems.add(fieldPath(path, 'discovery'), 'is false and no jwksUri is given, so the keys cannot be located: set jwksUri');
  }
  if (/[?#]/.test(issuer)) {
    problems.add(
      fieldPath(path, 'issuer'),
      `"${issuer}" has a query or fragment, so its discovery document cannot be located (OpenID Connect Discovery 1.0 §4): set jwksUri`,
    );
  }
  return { source: 'discovery', uri: discoveryUri(issuer) };
}

/**
 * `grantableScopes`: the scopes this issuer's tokens may carry into a decision and to the backend,
 * each an RFC 6749 scope token. Not limited to the keys of `routes`: a backend may read scopes no
 * route needs. Absent or `null`: all.
 */
function readGrantableScopes(raw: RawObject, path: string, problems: Problems): ReadonlySet<string> | null {
  if (raw['grantableScopes'] === undefined || raw['grantableScopes'] === null) return null;
  const scopes = readStringList(raw, 'grantableScopes', path, problems);
  if (scopes === undefined) return null;
  const field = fieldPath(path, 'grantableScopes');
  if (scopes.length === 0)
    problems.add(field, 'is an empty list, which would grant nothing: list the scopes this issuer may grant, or leave it out for all');
  for (const scope of scopes.filter((candidate) => !isScopeToken(candidate)))
    problems.add(field, `${JSON.stringify(scope)} is not an RFC 6749 scope token`);
  return new Set(scopes);
}

/** Paths of the well-known metadata documents (OpenID Connect Discovery, RFC 8414). */
const DISCOVERY_DOCUMENT_PATH = /\/\.well-known\/(?:openid-configuration|oauth-authorization-server)$/;

/**
 * The discovery document of an issuer: its URL with any terminating `/` removed, followed by
 * `/.well-known/openid-configuration` (OpenID Connect Discovery 1.0 §4).
 */
export function discoveryUri(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
}

function parseCognitoIssuer(raw: RawObject, path: string, jwks: JwksConfig, problems: Problems): CognitoIssuerConfig | undefined {
  rejectUnknownKeys(raw, [...COMMON_ISSUER_KEYS, 'userPoolId', 'clientId', 'tokenUse', 'requiredGroups', 'emulatorIssuer'], path, problems);
  readChoice<ProviderPreset>(raw, 'preset', path, problems, ['cognito'], 'cognito');
  const userPoolId = readString(raw, 'userPoolId', path, problems);
  if (!userPoolId) {
    problems.add(fieldPath(path, 'userPoolId'), 'is required (e.g. "eu-west-1_AbCdEf123")');
    return undefined;
  }
  const emulatorIssuer = readString(raw, 'emulatorIssuer', path, problems);
  const location = emulatorIssuer
    ? emulatorLocation(emulatorIssuer, userPoolId, path, jwks, problems)
    : awsPoolLocation(userPoolId, path, problems);
  if (!location) return undefined;
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
  const tokenUse = readChoice(raw, 'tokenUse', path, problems, ['access', 'id'] as const, ISSUER_SETTINGS.cognitoTokenUse);
  return {
    kind: 'cognito',
    userPoolId,
    issuer: location.issuer,
    keys: { source: 'jwks', uri: readString(raw, 'jwksUri', path, problems) ?? location.jwksUri },
    clientIds,
    tokenUse,
    requiredGroups: readStringList(raw, 'requiredGroups', path, problems) ?? [],
    emulator: emulatorIssuer !== undefined,
    preset: 'cognito',
    claims: readClaimMapping(raw, path, presetClaimMapping('cognito', { issuer: location.issuer, audiences: null, tokenUse }), problems),
    grantableScopes: readGrantableScopes(raw, path, problems),
  };
}

interface PoolLocation {
  readonly issuer: string;
  readonly jwksUri: string;
}

function awsPoolLocation(userPoolId: string, path: string, problems: Problems): PoolLocation | undefined {
  try {
    return CognitoJwtVerifier.parseUserPoolId(userPoolId);
  } catch {
    problems.add(fieldPath(path, 'userPoolId'), `"${userPoolId}" is not a Cognito user pool id (e.g. "eu-west-1_AbCdEf123")`);
    return undefined;
  }
}

/** An emulator's pool ids (cognito-local's `local_3c2TeeQO`, LocalStack's `us-east-1_…`): `<prefix>_<id>`. */
const EMULATED_POOL_ID = /^[A-Za-z0-9-]+_[A-Za-z0-9]+$/;

/**
 * A Cognito emulator on this machine (cognito-local, LocalStack) issues tokens as
 * `http://<host>:<port>/<pool id>` and serves the pool's JWKS below that. Only loopback is
 * accepted: the override exists for local development, and an issuer anywhere else would make a
 * server Tollbooth cannot vouch for the judge of a "Cognito" pool's tokens.
 */
function emulatorLocation(
  emulatorIssuer: string,
  userPoolId: string,
  path: string,
  jwks: JwksConfig,
  problems: Problems,
): PoolLocation | undefined {
  const field = fieldPath(path, 'emulatorIssuer');
  let url: URL;
  try {
    url = new URL(emulatorIssuer);
  } catch {
    problems.add(field, `"${emulatorIssuer}" is not a URL`);
    return undefined;
  }
  const before = problems.list.length;
  if (!EMULATED_POOL_ID.test(userPoolId))
    problems.add(fieldPath(path, 'userPoolId'), `"${userPoolId}" is not a user pool id (<prefix>_<id>, e.g. "local_3c2TeeQO")`);
  if (!isLoopbackUrl(url))
    problems.add(
      field,
      `"${emulatorIssuer}" is not on a loopback address (localhost, 127.0.0.1, [::1]): the override is for local emulators only`,
    );
  else if (url.protocol === 'http:' && !jwks.allowInsecureLoopbackHttp)
    problems.add(field, `"${emulatorIssuer}" is plain HTTP: set jwks.allowInsecureLoopbackHttp to true (local development only)`);
  if (url.pathname !== `/${userPoolId}` || url.search !== '' || url.hash !== '')
    problems.add(
      field,
      `"${emulatorIssuer}" must end with the pool id, as emulators issue tokens: e.g. "http://localhost:9229/${userPoolId}"`,
    );
  if (problems.list.length > before) return undefined;
  return { issuer: emulatorIssuer, jwksUri: `${emulatorIssuer}/.well-known/jwks.json` };
}

function safePathname(uri: string): string {
  try {
    return new URL(uri).pathname;
  } catch {
    return '';
  }
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
