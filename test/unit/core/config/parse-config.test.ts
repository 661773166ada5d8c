/**
 * parseConfig: defaults, every problem named at once, and the top-level settings. Issuer settings
 * are in parse-issuers.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../../../lambdas/core/config/config';
import { problemsOf } from '../../../helpers/config';

const VALID = {
  issuers: [{ type: 'oidc', issuer: 'https://issuer.example', audience: ['https://api.example'] }],
  routes: { 'orders:read': ['GET /orders', 'GET /orders/*'] },
  revocation: { tableName: 'tollbooth-revocations' },
};

describe('parse-config', () => {
  describe('parseConfig defaults', () => {
    it('fills every setting that is not given with its documented default', () => {
      // Act
      const config = parseConfig(VALID);
      // Assert
      expect(config).toMatchObject({
        httpApiResponseMode: 'iam',
        token: { headerName: 'authorization', maxLength: 8192, allowQueryString: false, queryParameter: 'access_token' },
        verification: { algorithms: ['RS256', 'ES256', 'EdDSA'], clockSkewSeconds: 30, maxTokenAgeSeconds: null },
        jwks: {
          timeoutMs: 1500,
          maxResponseBytes: 262_144,
          maxAgeSeconds: 3600,
          minRefetchIntervalSeconds: 10,
          hydrateOnColdStart: true,
          allowInsecureLoopbackHttp: false,
        },
        revocation: {
          enabled: true,
          tableName: 'tollbooth-revocations',
          notRevokedCacheSeconds: 30,
          cacheMaxEntries: 50_000,
          requestTimeoutMs: 500,
          maxAttempts: 2,
          maxTokenLifetimeSeconds: 86_400,
        },
        verifiedTokenCache: { maxEntries: 10_000 },
      });
      expect(config.issuers).toEqual([
        {
          kind: 'oidc',
          issuer: 'https://issuer.example',
          audiences: ['https://api.example'],
          keys: { source: 'discovery', uri: 'https://issuer.example/.well-known/openid-configuration' },
          requireAccessTokenType: false,
          preset: 'oidc',
          claims: {
            scopes: [['scope'], ['scp']],
            groups: [['groups']],
            groupsAsScopes: false,
            clientId: [['client_id'], ['azp']],
            tokenId: ['jti'],
            sessionId: ['origin_jti'],
          },
          grantableScopes: null,
        },
      ]);
    });

    it('parses every route pattern into its scope', () => {
      // Act
      const config = parseConfig({ ...VALID, routes: { 'orders:read': ['GET /orders'], admin: 'ANY /admin/{proxy+}' } });
      // Assert
      expect([...config.scopeRoutes.keys()]).toEqual(['orders:read', 'admin']);
      expect(config.scopeRoutes.get('admin')?.map((route) => route.exactGlob)).toEqual(['*/admin/?*']);
    });

    it("takes the revocation horizon from revocation.maxTokenLifetimeSeconds, up to Auth0's 30 days", () => {
      // Act
      const config = parseConfig({ ...VALID, revocation: { tableName: 'tbl', maxTokenLifetimeSeconds: 2_592_000 } });
      // Assert
      expect(config.revocation).toMatchObject({ enabled: true, maxTokenLifetimeSeconds: 2_592_000 });
    });

    it('runs without a revocation table when revocation is switched off', () => {
      // Act
      const config = parseConfig({ ...VALID, revocation: { enabled: false } });
      // Assert
      expect(config.revocation).toEqual({ enabled: false });
    });

    it('takes explicit settings over the defaults', () => {
      // Prepare
      const raw = {
        ...VALID,
        httpApiResponseMode: 'simple',
        headerName: 'X-Api-Token',
        maxTokenLength: 4096,
        allowQueryStringToken: true,
        queryStringParameter: 'token',
        algorithms: 'ES256',
        clockSkewSeconds: 0,
        maxTokenAgeSeconds: 3600,
        verifiedTokenCache: { maxEntries: 0 },
      };
      // Act
      const config = parseConfig(raw);
      // Assert
      expect(config).toMatchObject({
        httpApiResponseMode: 'simple',
        token: { headerName: 'x-api-token', maxLength: 4096, allowQueryString: true, queryParameter: 'token' },
        verification: { algorithms: ['ES256'], clockSkewSeconds: 0, maxTokenAgeSeconds: 3600 },
        verifiedTokenCache: { maxEntries: 0 },
      });
    });

    it('reads an explicit null maximum token age as no limit', () => {
      // Act
      const config = parseConfig({ ...VALID, maxTokenAgeSeconds: null });
      // Assert
      expect(config.verification.maxTokenAgeSeconds).toBeNull();
    });
  });

  describe('ConfigError', () => {
    it('lists every problem of a configuration at once', () => {
      // Prepare
      const raw = {
        audiance: ['typo'],
        issuers: [{ issuer: 'https://issuer.example' }],
        routes: { 'orders:read': ['FETCH /orders'] },
        algorithms: ['HS256'],
        clockSkewSeconds: 9999,
        jwks: { timeoutMs: 5 },
        revocation: {},
      };
      // Act
      const problems = problemsOf(raw);
      // Assert
      expect(problems).toEqual([
        'audiance: unknown setting (known: issuers, routes, httpApiResponseMode, headerName, maxTokenLength, allowQueryStringToken, queryStringParameter, algorithms, clockSkewSeconds, maxTokenAgeSeconds, jwks, revocation, verifiedTokenCache, resultsCache)',
        'jwks.timeoutMs: must be an integer from 100 to 10000, got 5',
        expect.stringContaining('issuers[0].audience: is required'),
        expect.stringContaining('routes["orders:read"]: "FETCH /orders" has unknown method "FETCH"'),
        expect.stringContaining('algorithms: "HS256" is not supported'),
        'clockSkewSeconds: must be an integer from 0 to 300, got 9999',
        expect.stringContaining('revocation.tableName: is required while revocation is enabled'),
      ]);
    });

    it('names the count and every problem in its message', () => {
      // Act
      let error: unknown;
      try {
        parseConfig({ ...VALID, clockSkewSeconds: -1, httpApiResponseMode: 'lambda' });
      } catch (caught) {
        error = caught;
      }
      // Assert
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).name).toBe('ConfigError');
      expect((error as ConfigError).message).toBe(
        'Invalid Tollbooth configuration (2 problems):\n- clockSkewSeconds: must be an integer from 0 to 300, got -1\n- httpApiResponseMode: must be one of "simple", "iam", got "lambda"',
      );
    });

    it.each([{ raw: null }, { raw: [] }, { raw: 'issuers' }, { raw: 42 }])('refuses $raw as not an object', ({ raw }) => {
      // Act
      const problems = problemsOf(raw);
      // Assert
      expect(problems).toEqual(['configuration must be a JSON object']);
    });

    it('names both missing essentials of an empty configuration', () => {
      // Act
      const problems = problemsOf({ revocation: { enabled: false } });
      // Assert
      expect(problems).toEqual([
        expect.stringContaining('issuers: must be a non-empty list'),
        expect.stringContaining('routes: must map at least one scope'),
      ]);
    });
  });

  describe('top-level settings', () => {
    it.each([
      { name: 'an unknown top-level key', raw: { ...VALID, headername: 'x' }, problem: 'headername: unknown setting' },
      { name: 'an unknown jwks key', raw: { ...VALID, jwks: { maxAge: 60 } }, problem: 'jwks.maxAge: unknown setting' },
      {
        name: 'an unknown revocation key',
        raw: { ...VALID, revocation: { tableName: 'tbl', ttl: 3 } },
        problem: 'revocation.ttl: unknown setting',
      },
      {
        name: 'an unknown verifiedTokenCache key',
        raw: { ...VALID, verifiedTokenCache: { size: 3 } },
        problem: 'verifiedTokenCache.size: unknown setting',
      },
      { name: 'jwks that is not an object', raw: { ...VALID, jwks: [] }, problem: 'jwks: must be an object' },
      { name: 'an unsupported algorithm "none"', raw: { ...VALID, algorithms: ['none'] }, problem: 'algorithms: "none" is not supported' },
      { name: 'an empty algorithm list', raw: { ...VALID, algorithms: [] }, problem: 'algorithms: must list at least one algorithm' },
      {
        name: 'a non-string algorithm',
        raw: { ...VALID, algorithms: [256] },
        problem: 'algorithms: must be a string or a list of non-empty strings',
      },
      {
        name: 'a zero maximum token age',
        raw: { ...VALID, maxTokenAgeSeconds: 0 },
        problem: 'maxTokenAgeSeconds: must be an integer from 1 to 2592000, got 0',
      },
      {
        name: 'a fractional clock skew',
        raw: { ...VALID, clockSkewSeconds: 1.5 },
        problem: 'clockSkewSeconds: must be an integer from 0 to 300, got 1.5',
      },
      {
        name: 'a string number',
        raw: { ...VALID, maxTokenLength: '8192' },
        problem: 'maxTokenLength: must be an integer from 256 to 65536, got "8192"',
      },
      {
        name: 'a header name with a space',
        raw: { ...VALID, headerName: 'X Token' },
        problem: 'headerName: "x token" is not a valid HTTP header name',
      },
      { name: 'an empty header name', raw: { ...VALID, headerName: ' ' }, problem: 'headerName: must be a non-empty string' },
      {
        name: 'a string boolean',
        raw: { ...VALID, allowQueryStringToken: 'true' },
        problem: 'allowQueryStringToken: must be true or false',
      },
      {
        name: 'an unknown response mode',
        raw: { ...VALID, httpApiResponseMode: 'IAM' },
        problem: 'httpApiResponseMode: must be one of "simple", "iam", got "IAM"',
      },
      { name: 'no routes', raw: { ...VALID, routes: {} }, problem: 'routes: must map at least one scope' },
      { name: 'routes as a list', raw: { ...VALID, routes: ['GET /orders'] }, problem: 'routes: must map at least one scope' },
      {
        name: 'a scope with whitespace',
        raw: { ...VALID, routes: { 'orders read': ['GET /orders'] } },
        problem: 'routes["orders read"]: a scope name must be an RFC 6749 scope token',
      },
      {
        name: 'an empty scope name',
        raw: { ...VALID, routes: { '': ['GET /orders'] } },
        problem: 'routes[""]: a scope name must be an RFC 6749 scope token',
      },
      {
        name: 'a scope with NBSP',
        raw: { ...VALID, routes: { 'orders\u00a0read': ['GET /orders'] } },
        problem: 'routes["orders\u00a0read"]: a scope name must be an RFC 6749 scope token',
      },
      {
        name: 'a scope with a double quote',
        raw: { ...VALID, routes: { 'orders"read': ['GET /orders'] } },
        problem: 'routes["orders\\"read"]: a scope name must be an RFC 6749 scope token',
      },
      {
        name: 'a scope without patterns',
        raw: { ...VALID, routes: { a: [] } },
        problem: 'routes["a"]: must be a non-empty list of route patterns',
      },
      { name: 'a non-string pattern', raw: { ...VALID, routes: { a: [42] } }, problem: 'routes["a"]: 42 is not a string' },
      {
        name: 'an invalid table name',
        raw: { ...VALID, revocation: { tableName: 'my table' } },
        problem: 'revocation.tableName: "my table" is not a valid DynamoDB table name',
      },
      {
        name: 'a too short table name',
        raw: { ...VALID, revocation: { tableName: 'ab' } },
        problem: 'revocation.tableName: "ab" is not a valid DynamoDB table name',
      },
      {
        name: 'a revocation horizon under a minute',
        raw: { ...VALID, revocation: { tableName: 'tbl', maxTokenLifetimeSeconds: 59 } },
        problem: 'revocation.maxTokenLifetimeSeconds: must be an integer from 60 to 2592000, got 59',
      },
      {
        name: 'a revocation horizon over 30 days',
        raw: { ...VALID, revocation: { tableName: 'tbl', maxTokenLifetimeSeconds: 2_592_001 } },
        problem: 'revocation.maxTokenLifetimeSeconds: must be an integer from 60 to 2592000, got 2592001',
      },
      {
        name: 'a fractional revocation horizon',
        raw: { ...VALID, revocation: { tableName: 'tbl', maxTokenLifetimeSeconds: 3600.5 } },
        problem: 'revocation.maxTokenLifetimeSeconds: must be an integer from 60 to 2592000, got 3600.5',
      },
      {
        name: 'a revocation horizon written as a string',
        raw: { ...VALID, revocation: { tableName: 'tbl', maxTokenLifetimeSeconds: '7d' } },
        problem: 'revocation.maxTokenLifetimeSeconds: must be an integer from 60 to 2592000, got "7d"',
      },
      {
        name: 'a null revocation horizon',
        raw: { ...VALID, revocation: { tableName: 'tbl', maxTokenLifetimeSeconds: null } },
        problem: 'revocation.maxTokenLifetimeSeconds: must be an integer from 60 to 2592000, got null',
      },
      {
        name: 'too many revocation attempts',
        raw: { ...VALID, revocation: { tableName: 'tbl', maxAttempts: 6 } },
        problem: 'revocation.maxAttempts: must be an integer from 1 to 5, got 6',
      },
    ])('refuses $name', ({ raw, problem }) => {
      // Act
      const problems = problemsOf(raw);
      // Assert
      expect(problems).toEqual([expect.stringContaining(problem)]);
    });
  });
});
