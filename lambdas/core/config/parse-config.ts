/**
 * Validates an untrusted configuration document at cold start (and at synth time, through the CDK
 * construct) and turns it into the typed {@link AuthorizerConfig}.
 *
 * `parseConfig` accepts an untrusted object (from JSON in an environment variable, a file bundled
 * beside the handler, or a test) and either returns a fully defaulted configuration or throws one
 * {@link ConfigError} naming every problem. Insecure choices need explicit opt-outs: an issuer's
 * audience must be given or set to `null`; query-string tokens and plain-HTTP JWKS are off unless
 * switched on.
 */
import {
  SUPPORTED_ALGORITHMS,
  type AuthorizerConfig,
  type JwksConfig,
  type RevocationConfig,
  type SignatureAlgorithm,
  type TokenConfig,
  type VerificationConfig,
  type VerifiedTokenCacheConfig,
} from './authorizer-config';
import { ConfigError } from './config-error';
import { isRecord } from '../guards';
import { Problems } from '../problems';
import { readBoolean, readChoice, readInteger, readObject, readString, readStringList, rejectUnknownKeys, type RawObject } from './fields';
import { parseIssuers } from './parse-issuers';
import { parseRoutePattern, type RoutePattern } from '../route-pattern';

const TOP_LEVEL_KEYS = [
  'issuers',
  'routes',
  'httpApiResponseMode',
  'headerName',
  'maxTokenLength',
  'allowQueryStringToken',
  'queryStringParameter',
  'algorithms',
  'clockSkewSeconds',
  'maxTokenAgeSeconds',
  'jwks',
  'revocation',
  'verifiedTokenCache',
] as const;

const DAY_SECONDS = 86_400;

/** Validates and defaults a raw configuration object; throws {@link ConfigError} listing every problem. */
export function parseConfig(raw: unknown): AuthorizerConfig {
  const problems = new Problems();
  if (!isRecord(raw)) throw new ConfigError(['configuration must be a JSON object']);
  rejectUnknownKeys(raw, TOP_LEVEL_KEYS, '', problems);

  const jwksRaw = readObject(raw, 'jwks', '', problems);
  rejectUnknownKeys(
    jwksRaw,
    ['timeoutMs', 'maxResponseBytes', 'maxAgeSeconds', 'minRefetchIntervalSeconds', 'hydrateOnColdStart', 'allowInsecureLoopbackHttp'],
    'jwks',
    problems,
  );
  const jwks: JwksConfig = {
    timeoutMs: readInteger(jwksRaw, 'timeoutMs', 'jwks', problems, { min: 100, max: 10_000, fallback: 1500 }),
    maxResponseBytes: readInteger(jwksRaw, 'maxResponseBytes', 'jwks', problems, { min: 1024, max: 4 * 1024 * 1024, fallback: 256 * 1024 }),
    maxAgeSeconds: readInteger(jwksRaw, 'maxAgeSeconds', 'jwks', problems, { min: 60, max: 7 * DAY_SECONDS, fallback: 3600 }),
    minRefetchIntervalSeconds: readInteger(jwksRaw, 'minRefetchIntervalSeconds', 'jwks', problems, { min: 1, max: 3600, fallback: 10 }),
    hydrateOnColdStart: readBoolean(jwksRaw, 'hydrateOnColdStart', 'jwks', problems, true),
    allowInsecureLoopbackHttp: readBoolean(jwksRaw, 'allowInsecureLoopbackHttp', 'jwks', problems, false),
  };

  const issuers = parseIssuers(raw, jwks, problems);
  const scopeRoutes = parseRoutes(raw, problems);

  const algorithms = readStringList(raw, 'algorithms', '', problems) ?? ['RS256', 'ES256', 'EdDSA'];
  for (const algorithm of algorithms) {
    if (!(SUPPORTED_ALGORITHMS as readonly string[]).includes(algorithm)) {
      problems.add(
        'algorithms',
        `"${algorithm}" is not supported (use any of ${SUPPORTED_ALGORITHMS.join(', ')}; symmetric and "none" never are)`,
      );
    }
  }
  if (algorithms.length === 0) problems.add('algorithms', 'must list at least one algorithm');

  const maxTokenAge = raw['maxTokenAgeSeconds'];
  const verification: VerificationConfig = {
    algorithms: algorithms.filter((a): a is SignatureAlgorithm => (SUPPORTED_ALGORITHMS as readonly string[]).includes(a)),
    clockSkewSeconds: readInteger(raw, 'clockSkewSeconds', '', problems, { min: 0, max: 300, fallback: 30 }),
    maxTokenAgeSeconds:
      maxTokenAge === undefined || maxTokenAge === null
        ? null
        : readInteger(raw, 'maxTokenAgeSeconds', '', problems, { min: 1, max: 30 * DAY_SECONDS, fallback: 0 }),
  };

  const allowQueryString = readBoolean(raw, 'allowQueryStringToken', '', problems, false);
  const token: TokenConfig = {
    headerName: readString(raw, 'headerName', '', problems, 'Authorization').toLowerCase(),
    maxLength: readInteger(raw, 'maxTokenLength', '', problems, { min: 256, max: 64 * 1024, fallback: 8192 }),
    allowQueryString,
    queryParameter: readString(raw, 'queryStringParameter', '', problems, 'access_token'),
  };
  if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(token.headerName))
    problems.add('headerName', `"${token.headerName}" is not a valid HTTP header name`);

  const revocation = parseRevocation(raw, problems);

  const cacheRaw = readObject(raw, 'verifiedTokenCache', '', problems);
  rejectUnknownKeys(cacheRaw, ['maxEntries'], 'verifiedTokenCache', problems);
  const verifiedTokenCache: VerifiedTokenCacheConfig = {
    maxEntries: readInteger(cacheRaw, 'maxEntries', 'verifiedTokenCache', problems, { min: 0, max: 1_000_000, fallback: 10_000 }),
  };

  const httpApiResponseMode = readChoice(raw, 'httpApiResponseMode', '', problems, ['simple', 'iam'] as const, 'iam');

  if (problems.list.length > 0) throw new ConfigError(problems.list);
  return { issuers, scopeRoutes, httpApiResponseMode, token, verification, jwks, revocation, verifiedTokenCache };
}

function parseRoutes(raw: RawObject, problems: Problems): Map<string, RoutePattern[]> {
  const scopeRoutes = new Map<string, RoutePattern[]>();
  const routes = raw['routes'];
  if (!isRecord(routes) || Object.keys(routes).length === 0) {
    problems.add('routes', 'must map at least one scope to its route patterns, e.g. {"orders:read": ["GET /orders"]}');
    return scopeRoutes;
  }
  for (const [scope, patterns] of Object.entries(routes)) {
    const path = `routes[${JSON.stringify(scope)}]`;
    if (/\s/.test(scope) || scope === '') problems.add(path, 'a scope name cannot be empty or contain whitespace');
    const list = typeof patterns === 'string' ? [patterns] : patterns;
    if (!Array.isArray(list) || list.length === 0) {
      problems.add(path, 'must be a non-empty list of route patterns like "GET /orders/*"');
      continue;
    }
    const parsed: RoutePattern[] = [];
    for (const pattern of list) {
      if (typeof pattern !== 'string') {
        problems.add(path, `${JSON.stringify(pattern)} is not a string`);
        continue;
      }
      const result = parseRoutePattern(pattern);
      if (result.ok) parsed.push(result.value);
      else problems.add(path, result.problem);
    }
    scopeRoutes.set(scope, parsed);
  }
  return scopeRoutes;
}

function parseRevocation(raw: RawObject, problems: Problems): RevocationConfig {
  const revocationRaw = readObject(raw, 'revocation', '', problems);
  rejectUnknownKeys(
    revocationRaw,
    ['enabled', 'tableName', 'notRevokedCacheSeconds', 'cacheMaxEntries', 'requestTimeoutMs', 'maxAttempts'],
    'revocation',
    problems,
  );
  const enabled = readBoolean(revocationRaw, 'enabled', 'revocation', problems, true);
  if (!enabled) return { enabled: false };
  const tableName = readString(revocationRaw, 'tableName', 'revocation', problems);
  if (!tableName) {
    problems.add(
      'revocation.tableName',
      'is required while revocation is enabled (or set TOLLBOOTH_REVOCATION_TABLE; set revocation.enabled to false to run without revocation)',
    );
  } else if (!/^[A-Za-z0-9_.-]{3,255}$/.test(tableName)) {
    problems.add('revocation.tableName', `"${tableName}" is not a valid DynamoDB table name`);
  }
  return {
    enabled: true,
    tableName: tableName ?? '',
    notRevokedCacheSeconds: readInteger(revocationRaw, 'notRevokedCacheSeconds', 'revocation', problems, {
      min: 0,
      max: 3600,
      fallback: 30,
    }),
    cacheMaxEntries: readInteger(revocationRaw, 'cacheMaxEntries', 'revocation', problems, { min: 1, max: 1_000_000, fallback: 50_000 }),
    requestTimeoutMs: readInteger(revocationRaw, 'requestTimeoutMs', 'revocation', problems, { min: 50, max: 10_000, fallback: 500 }),
    maxAttempts: readInteger(revocationRaw, 'maxAttempts', 'revocation', problems, { min: 1, max: 5, fallback: 2 }),
  };
}
