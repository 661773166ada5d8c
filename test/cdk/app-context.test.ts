/**
 * The app's settings from CDK context and configuration files (bin/app-context.ts).
 */
import { describe, expect, it } from 'vitest';
import { Duration } from 'aws-cdk-lib';
import { AppContextError, settingsFromContext } from '../../bin/app-context';

const contextOf = (values: Record<string, unknown>) => (key: string) => values[key];
const noFiles = (path: string): string => {
  throw new Error(`ENOENT: ${path}`);
};

describe('settingsFromContext', () => {
  it('creates its own user pool (no issuers) when nothing is given', () => {
    expect(settingsFromContext(contextOf({}), noFiles)).toEqual({ stackName: 'Tollbooth', stackProps: {} });
  });

  it('trusts an OIDC issuer with its audiences and JWKS URI', () => {
    const { stackProps } = settingsFromContext(
      contextOf({ issuer: 'https://idp.example.com', audience: 'a, b', jwksUri: 'https://idp.example.com/keys' }),
      noFiles,
    );
    expect(stackProps.issuers?.map((issuer) => issuer.toJson())).toEqual([
      { type: 'oidc', issuer: 'https://idp.example.com', audience: ['a', 'b'], jwksUri: 'https://idp.example.com/keys' },
    ]);
  });

  it('trusts an existing Cognito user pool and prefixes the sample scopes', () => {
    const { stackProps } = settingsFromContext(
      contextOf({ userPoolId: 'eu-west-1_AbCdEf123', clientId: 'client1', scopePrefix: 'orders-api/' }),
      noFiles,
    );
    expect(stackProps.issuers?.map((issuer) => issuer.toJson())).toEqual([
      { type: 'cognito', userPoolId: 'eu-west-1_AbCdEf123', clientId: ['client1'] },
    ]);
    expect(Object.keys(stackProps.scopeRoutes ?? {})).toContain('orders-api/orders:read');
  });

  it('reads issuers, routes, typed settings and the rest from a configuration file', () => {
    const file = JSON.stringify({
      issuers: [{ type: 'oidc', issuer: 'https://idp.example.com', audience: ['api'] }],
      routes: { 'orders:read': ['GET /orders'] },
      httpApiResponseMode: 'simple',
      revocation: { enabled: true, notRevokedCacheSeconds: 10, requestTimeoutMs: 300 },
      clockSkewSeconds: 5,
    });
    const { stackProps } = settingsFromContext(contextOf({ configFile: 'tollbooth.json', stackName: 'Orders' }), () => file);
    expect(stackProps).toMatchObject({
      scopeRoutes: { 'orders:read': ['GET /orders'] },
      httpApiResponseMode: 'simple',
      revocation: true,
      notRevokedCacheDuration: Duration.seconds(10),
      advancedConfig: { clockSkewSeconds: 5, revocation: { requestTimeoutMs: 300 } },
    });
    expect(stackProps.issuers).toHaveLength(1);
  });

  it('imports an existing revocation table by name', () => {
    expect(settingsFromContext(contextOf({ revocationTableName: 'Tollbooth-revocations' }), noFiles).stackProps).toEqual({
      revocationTableName: 'Tollbooth-revocations',
    });
  });

  it('names every problem at once', () => {
    // Prepare
    const context = contextOf({ issuer: 'https://idp.example.com', clientId: 'c', configFile: 'missing.json', cognitoDomainPrefix: 'x' });
    // Act
    let problems: readonly string[] = [];
    try {
      settingsFromContext(context, noFiles);
    } catch (error) {
      if (error instanceof AppContextError) problems = error.problems;
    }
    // Assert
    expect(problems).toEqual([
      '-c issuer: needs -c audience=<accepted aud values, comma-separated>',
      '-c clientId: given without -c userPoolId',
      '-c configFile=missing.json: not readable JSON (ENOENT: missing.json)',
    ]);
  });
});
