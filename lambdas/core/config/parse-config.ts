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
import {
  DEFAULT_HTTP_API_RESPONSE_MODE,
  JWKS_SETTINGS,
  REVOCATION_FEED_SETTINGS,
  REVOCATION_SETTINGS,
  TOKEN_SETTINGS,
  VERIFICATION_SETTINGS,
  VERIFIED_TOKEN_CACHE_SETTINGS,
} from './defaults';
import { isRecord } from '../guards';
import { Problems } from '../problems';
import { readBoolean, readChoice, readInteger, readObject, readString, readStringList, rejectUnknownKeys, type RawObject } from './fields';
import { parseIssuers } from './parse-issuers';
import { parseResultsCache } from './parse-results-cache';
import { RESPONSE_MAX_BYTES } from '../gateway-limits';
import { longestAllowListBytes, parseRoutePattern, type RoutePattern } from '../route-pattern';
import { isFeedRegion } from '../revocation-feed';
import { isScopeToken } from '../scope-tokens';

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
  'resultsCache',
] as const;

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
    timeoutMs: readInteger(jwksRaw, 'timeoutMs', 'jwks', problems, JWKS_SETTINGS.timeoutMs),
    maxResponseBytes: readInteger(jwksRaw, 'maxResponseBytes', 'jwks', problems, JWKS_SETTINGS.maxResponseBytes),
    maxAgeSeconds: readInteger(jwksRaw, 'maxAgeSeconds', 'jwks', problems, JWKS_SETTINGS.maxAgeSeconds),
    minRefetchIntervalSeconds: readInteger(jwksRaw, 'minRefetchIntervalSeconds', 'jwks', problems, JWKS_SETTINGS.minRefetchIntervalSeconds),
    hydrateOnColdStart: readBoolean(jwksRaw, 'hydrateOnColdStart', 'jwks', problems, JWKS_SETTINGS.hydrateOnColdStart),
    allowInsecureLoopbackHttp: readBoolean(jwksRaw, 'allowInsecureLoopbackHttp', 'jwks', problems, JWKS_SETTINGS.allowInsecureLoopbackHttp),
  };

  const issuers = parseIssuers(raw, jwks, problems);
  const scopeRoutes = parseRoutes(raw, problems);

  const algorithms = readStringList(raw, 'algorithms', '', problems) ?? [...VERIFICATION_SETTINGS.algorithms];
  for (const algorithm of algorithms) {
    if (!(SUPPORTED_ALGORITHMS as readonly string[]).includes(algorithm)) {
      problems.add(
        'algorithms',
        `"${algorithm}" is not supported (use any of ${SUPPORTED_ALGORITHMS.join(', ')}; symmetric and "none" never are)`,
      );
    }
  }
  if (algorithms.length === 0) problems.add('algorithms', 'must list at least one algorithm');

  // No limit unless set; the 0 only stands in for an invalid value, which is reported anyway.
  const maxTokenAge = raw['maxTokenAgeSeconds'];
  const maxTokenAgeSeconds =
    maxTokenAge === undefined || maxTokenAge === null
      ? null
      : readInteger(raw, 'maxTokenAgeSeconds', '', problems, { ...VERIFICATION_SETTINGS.maxTokenAgeSeconds, default: 0 });
  const verification: VerificationConfig = {
    algorithms: algorithms.filter((a): a is SignatureAlgorithm => (SUPPORTED_ALGORITHMS as readonly string[]).includes(a)),
    clockSkewSeconds: readInteger(raw, 'clockSkewSeconds', '', problems, VERIFICATION_SETTINGS.clockSkewSeconds),
    maxTokenAgeSeconds,
  };

  const allowQueryString = readBoolean(raw, 'allowQueryStringToken', '', problems, TOKEN_SETTINGS.allowQueryString);
  const token: TokenConfig = {
    headerName: readString(raw, 'headerName', '', problems, TOKEN_SETTINGS.headerName).toLowerCase(),
    maxLength: readInteger(raw, 'maxTokenLength', '', problems, TOKEN_SETTINGS.maxLength),
    allowQueryString,
    queryParameter: readString(raw, 'queryStringParameter', '', problems, TOKEN_SETTINGS.queryParameter),
  };
  if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(token.headerName))
    problems.add('headerName', `"${token.headerName}" is not a valid HTTP header name`);

  const revocation = parseRevocation(raw, problems);

  const cacheRaw = readObject(raw, 'verifiedTokenCache', '', problems);
  rejectUnknownKeys(cacheRaw, ['maxEntries'], 'verifiedTokenCache', problems);
  const verifiedTokenCache: VerifiedTokenCacheConfig = {
    maxEntries: readInteger(cacheRaw, 'maxEntries', 'verifiedTokenCache', problems, VERIFIED_TOKEN_CACHE_SETTINGS.maxEntries),
  };

  const httpApiResponseMode = readChoice(
    raw,
    'httpApiResponseMode',
    '',
    problems,
    ['simple', 'iam'] as const,
    DEFAULT_HTTP_API_RESPONSE_MODE,
  );

  const resultsCache = parseResultsCache(raw, problems);
  checkPolicySize(scopeRoutes, token.maxLength, problems);

  if (problems.list.length > 0) throw new ConfigError(problems.list);
  return { issuers, scopeRoutes, httpApiResponseMode, resultsCache, token, verification, jwks, revocation, verifiedTokenCache };
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
    if (!isScopeToken(scope))
      problems.add(path, 'a scope name must be an RFC 6749 scope token: printable ASCII without spaces, " or \\ (tokens carry no other)');
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

/**
 * A token carrying every scope gets every exact pattern in its policy, plus its own claims in the
 * context: that must fit Lambda's 6 MB response, the only size limit API Gateway documents for a
 * REST or HTTP API authorizer's answer (lambdas/core/gateway-limits.ts).
 */
function checkPolicySize(scopeRoutes: ReadonlyMap<string, readonly RoutePattern[]>, maxTokenLength: number, problems: Problems): void {
  const allowBytes = longestAllowListBytes([...scopeRoutes.values()].flat());
  const responseBytes = allowBytes + 2 * maxTokenLength + 16 * 1024;
  if (responseBytes > RESPONSE_MAX_BYTES) {
    problems.add(
      'routes',
      `a token with every scope would get a policy of about ${Math.ceil(allowBytes / 1024)} KiB, and its answer could pass Lambda's ${RESPONSE_MAX_BYTES / 1024 / 1024} MB response limit: split the scopes across authorizers`,
    );
  }
}

function parseRevocation(raw: RawObject, problems: Problems): RevocationConfig {
  const revocationRaw = readObject(raw, 'revocation', '', problems);
  rejectUnknownKeys(
    revocationRaw,
    [
      'enabled',
      'tableName',
      'notRevokedCacheSeconds',
      'cacheMaxEntries',
      'requestTimeoutMs',
      'maxAttempts',
      'feed',
      'feedRegions',
      'maxTokenLifetimeSeconds',
    ],
    'revocation',
    problems,
  );
  const enabled = readBoolean(revocationRaw, 'enabled', 'revocation', problems, REVOCATION_SETTINGS.enabled);
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
    notRevokedCacheSeconds: readInteger(
      revocationRaw,
      'notRevokedCacheSeconds',
      'revocation',
      problems,
      REVOCATION_SETTINGS.notRevokedCacheSeconds,
    ),
    cacheMaxEntries: readInteger(revocationRaw, 'cacheMaxEntries', 'revocation', problems, REVOCATION_SETTINGS.cacheMaxEntries),
    requestTimeoutMs: readInteger(revocationRaw, 'requestTimeoutMs', 'revocation', problems, REVOCATION_SETTINGS.requestTimeoutMs),
    maxAttempts: readInteger(revocationRaw, 'maxAttempts', 'revocation', problems, REVOCATION_SETTINGS.maxAttempts),
    feed: readBoolean(revocationRaw, 'feed', 'revocation', problems, REVOCATION_FEED_SETTINGS.enabled),
    feedRegions: readFeedRegions(revocationRaw, problems),
    maxTokenLifetimeSeconds: readInteger(
      revocationRaw,
      'maxTokenLifetimeSeconds',
      'revocation',
      problems,
      REVOCATION_SETTINGS.maxTokenLifetimeSeconds,
    ),
  };
}

/** `revocation.feedRegions`: region names, each once (global tables: every region a writer writes in). */
function readFeedRegions(raw: RawObject, problems: Problems): readonly string[] {
  const regions = readStringList(raw, 'feedRegions', 'revocation', problems) ?? [];
  for (const region of regions) {
    if (!isFeedRegion(region)) problems.add('revocation.feedRegions', `"${region}" is not a region name (like "eu-west-1")`);
  }
  if (new Set(regions).size !== regions.length) problems.add('revocation.feedRegions', 'lists a region more than once');
  return regions;
}
