/**
 * The settings' one home: every integer default lies inside its own range, and parseConfig
 * applies exactly these defaults.
 */
import { describe, expect, it } from 'vitest';
import {
  JWKS_SETTINGS,
  RESULTS_CACHE_TTL_SECONDS,
  REVOCATION_SETTINGS,
  TOKEN_SETTINGS,
  VERIFICATION_SETTINGS,
  VERIFIED_TOKEN_CACHE_SETTINGS,
  type IntegerSetting,
} from '../../../../lambdas/core/config/defaults';
import { parseConfig } from '../../../../lambdas/core/config/parse-config';

const INTEGER_SETTINGS: Record<string, IntegerSetting> = {
  'token.maxLength': TOKEN_SETTINGS.maxLength,
  'verification.clockSkewSeconds': VERIFICATION_SETTINGS.clockSkewSeconds,
  'jwks.timeoutMs': JWKS_SETTINGS.timeoutMs,
  'jwks.maxResponseBytes': JWKS_SETTINGS.maxResponseBytes,
  'jwks.maxAgeSeconds': JWKS_SETTINGS.maxAgeSeconds,
  'jwks.minRefetchIntervalSeconds': JWKS_SETTINGS.minRefetchIntervalSeconds,
  'revocation.notRevokedCacheSeconds': REVOCATION_SETTINGS.notRevokedCacheSeconds,
  'revocation.cacheMaxEntries': REVOCATION_SETTINGS.cacheMaxEntries,
  'revocation.requestTimeoutMs': REVOCATION_SETTINGS.requestTimeoutMs,
  'revocation.maxAttempts': REVOCATION_SETTINGS.maxAttempts,
  'verifiedTokenCache.maxEntries': VERIFIED_TOKEN_CACHE_SETTINGS.maxEntries,
};

describe('defaults', () => {
  it.each(Object.entries(INTEGER_SETTINGS).map(([name, setting]) => ({ name, setting })))(
    'keeps the default of $name inside its range',
    ({ setting }) => {
      // Act / Assert
      expect(setting.default).toBeGreaterThanOrEqual(setting.min);
      expect(setting.default).toBeLessThanOrEqual(setting.max);
    },
  );

  it('is what parseConfig applies when nothing is set', () => {
    // Act
    const config = parseConfig({
      issuers: [{ issuer: 'https://issuer.example', audience: null }],
      routes: { 'orders:read': ['GET /orders'] },
      revocation: { tableName: 'revocations' },
    });
    // Assert
    expect(config.token).toEqual({
      headerName: TOKEN_SETTINGS.headerName.toLowerCase(),
      maxLength: TOKEN_SETTINGS.maxLength.default,
      allowQueryString: TOKEN_SETTINGS.allowQueryString,
      queryParameter: TOKEN_SETTINGS.queryParameter,
    });
    expect(config.verification).toEqual({
      algorithms: VERIFICATION_SETTINGS.algorithms,
      clockSkewSeconds: VERIFICATION_SETTINGS.clockSkewSeconds.default,
      maxTokenAgeSeconds: null,
    });
    expect(config.revocation).toMatchObject({
      notRevokedCacheSeconds: REVOCATION_SETTINGS.notRevokedCacheSeconds.default,
      cacheMaxEntries: REVOCATION_SETTINGS.cacheMaxEntries.default,
      requestTimeoutMs: REVOCATION_SETTINGS.requestTimeoutMs.default,
      maxAttempts: REVOCATION_SETTINGS.maxAttempts.default,
      maxTokenLifetimeSeconds: REVOCATION_SETTINGS.maxTokenLifetimeSeconds.default,
    });
    expect(config.verifiedTokenCache.maxEntries).toBe(VERIFIED_TOKEN_CACHE_SETTINGS.maxEntries.default);
    expect(config.jwks.maxAgeSeconds).toBe(JWKS_SETTINGS.maxAgeSeconds.default);
  });

  it('keeps the results cache as long as the not-revoked window with IAM policies, and off with simple responses', () => {
    // Act / Assert
    expect(RESULTS_CACHE_TTL_SECONDS).toEqual({ iam: REVOCATION_SETTINGS.notRevokedCacheSeconds.default, simple: 0 });
  });
});
