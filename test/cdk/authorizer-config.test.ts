/**
 * How the construct's settings become the authorizer's configuration: what goes into the bundled
 * file, what waits for deploy time in TOLLBOOTH_CONFIG, and synth-time validation.
 */
import { describe, expect, it } from 'vitest';
import { Token } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { ConfigError } from '../../lambdas/core/config/config';
import { buildAuthorizerConfig, type AuthorizerConfigInput } from '../../lib/authorizer-config';
import { TrustedIssuer } from '../../lib/trusted-issuer';
import { testStack } from '../helpers/cdk';

const OIDC = TrustedIssuer.oidc({ issuer: 'https://idp.example.com', audiences: ['https://api.example.com'] });
const base: AuthorizerConfigInput = {
  issuers: [OIDC],
  scopeRoutes: { 'orders:read': ['GET /orders'] },
  httpApiResponseMode: 'iam',
  notRevokedCacheSeconds: 30,
  advanced: {},
};

describe('buildAuthorizerConfig', () => {
  it('puts everything known at synth time into the file, and nothing into the environment', () => {
    const parts = buildAuthorizerConfig({ ...base, advanced: { clockSkewSeconds: 10, revocation: { requestTimeoutMs: 300 } } });
    expect(parts.file).toEqual({
      clockSkewSeconds: 10,
      issuers: [{ type: 'oidc', issuer: 'https://idp.example.com', audience: ['https://api.example.com'] }],
      routes: { 'orders:read': ['GET /orders'] },
      httpApiResponseMode: 'iam',
      revocation: { requestTimeoutMs: 300, enabled: true, notRevokedCacheSeconds: 30 },
    });
    expect(parts.deployTime).toEqual({});
    expect(parts.validated.verification.clockSkewSeconds).toBe(10);
  });

  it('sends issuers with deploy-time values (a user pool of the same stack) through the environment, validated with stand-ins', () => {
    // Prepare
    const stack = testStack();
    const pool = new cognito.UserPool(stack, 'Pool');
    const client = pool.addClient('Client');
    // Act
    const parts = buildAuthorizerConfig({ ...base, issuers: [TrustedIssuer.cognito({ userPool: pool, appClients: [client] })] });
    // Assert
    expect(parts.file['issuers']).toBeUndefined();
    expect(Token.isUnresolved(JSON.stringify(parts.deployTime['issuers']))).toBe(true);
    expect(parts.validated.issuers[0]).toMatchObject({ kind: 'cognito', userPoolId: 'us-east-1_DeployTime0' });
  });

  it('writes a disabled revocation as such, without a window', () => {
    expect(buildAuthorizerConfig({ ...base, notRevokedCacheSeconds: undefined }).file['revocation']).toEqual({ enabled: false });
  });

  it('throws one ConfigError listing every problem', () => {
    const attempt = () =>
      buildAuthorizerConfig({
        ...base,
        issuers: [TrustedIssuer.oidc({ issuer: 'https://idp.example.com' })],
        advanced: { issuers: [], revocation: { tableName: 'x' } },
      });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        'advancedConfig.issuers: set it with the "issuers" property instead',
        'advancedConfig.revocation.tableName: set it with the "revocationTable" property instead',
        'issuers[0].audience: is required: list the accepted "aud" values, or set it to null to accept any audience (not recommended)',
      ]);
    }
  });

  it("accepts issuers written in the authorizer's JSON format, explicit opt-outs included", () => {
    const parts = buildAuthorizerConfig({
      ...base,
      issuers: [TrustedIssuer.fromJson({ type: 'cognito', userPoolId: 'eu-west-1_AbCdEf123', clientId: null })],
    });
    expect(parts.validated.issuers[0]).toMatchObject({ kind: 'cognito', clientIds: null });
  });
});
