/**
 * TrustedIssuer's factories: each provider's issuer written the way that provider writes `iss`,
 * its preset picked, claim settings passed through, a Cognito emulator's loopback issuer — and
 * every one validated at synth time by the authorizer's own parser, deploy-time values included.
 */
import { Token } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lambdas/core/config/config';
import { buildAuthorizerConfig, type AuthorizerConfigInput } from '../../lib/authorizer-config';
import { TrustedIssuer } from '../../lib/trusted-issuer';
import { testStack } from '../helpers/cdk';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
/** An Entra ID API's client id: the aud of its v2.0 tokens. */
const API = '6e74172b-be56-4843-9ff4-e66a39bb12e3';
const base: Omit<AuthorizerConfigInput, 'issuers'> = {
  scopeRoutes: { 'orders:read': ['GET /orders'] },
  httpApiResponseMode: 'iam',
  notRevokedCacheSeconds: 30,
  advanced: {},
};

function validated(issuer: TrustedIssuer, advanced: Record<string, unknown> = {}) {
  return buildAuthorizerConfig({ ...base, issuers: [issuer], advanced }).validated.issuers[0];
}

describe('TrustedIssuer', () => {
  it.each([
    {
      name: 'Entra ID v2.0',
      issuer: TrustedIssuer.entra({ tenantId: TENANT, tokenVersion: 2, audiences: ['6e74172b-be56-4843-9ff4-e66a39bb12e3'] }),
      entry: {
        type: 'oidc',
        preset: 'entra',
        issuer: `https://login.microsoftonline.com/${TENANT}/v2.0`,
        audience: ['6e74172b-be56-4843-9ff4-e66a39bb12e3'],
      },
    },
    {
      name: 'Entra ID v1.0',
      issuer: TrustedIssuer.entra({ tenantId: TENANT, tokenVersion: 1, audiences: ['api://orders'] }),
      entry: { type: 'oidc', preset: 'entra', issuer: `https://sts.windows.net/${TENANT}/`, audience: ['api://orders'] },
    },
    {
      name: 'Entra ID v2.0 in the US Government cloud',
      issuer: TrustedIssuer.entra({ tenantId: TENANT, tokenVersion: 2, cloud: 'usGovernment', audiences: [API] }),
      entry: { type: 'oidc', preset: 'entra', issuer: `https://login.microsoftonline.us/${TENANT}/v2.0`, audience: [API] },
    },
    {
      name: 'Entra ID v1.0 in the China cloud (21Vianet)',
      issuer: TrustedIssuer.entra({ tenantId: TENANT, tokenVersion: 1, cloud: 'china', audiences: ['api://orders'] }),
      entry: { type: 'oidc', preset: 'entra', issuer: `https://sts.chinacloudapi.cn/${TENANT}/`, audience: ['api://orders'] },
    },
    {
      name: 'Entra ID v2.0 in the China cloud (21Vianet)',
      issuer: TrustedIssuer.entra({ tenantId: TENANT, tokenVersion: 2, cloud: 'china', audiences: [API] }),
      entry: { type: 'oidc', preset: 'entra', issuer: `https://login.partner.microsoftonline.cn/${TENANT}/v2.0`, audience: [API] },
    },
    {
      name: "Okta's default authorization server",
      issuer: TrustedIssuer.okta({ domain: 'acme.okta.com', audiences: ['api://default'] }),
      entry: { type: 'oidc', preset: 'okta', issuer: 'https://acme.okta.com/oauth2/default', audience: ['api://default'] },
    },
    {
      name: 'an Okta custom authorization server',
      issuer: TrustedIssuer.okta({ domain: 'login.acme.example', authorizationServerId: 'aus1orders', audiences: ['orders'] }),
      entry: { type: 'oidc', preset: 'okta', issuer: 'https://login.acme.example/oauth2/aus1orders', audience: ['orders'] },
    },
    {
      name: 'Auth0',
      issuer: TrustedIssuer.auth0({ domain: 'acme.eu.auth0.com', audiences: ['https://api.acme.example'] }),
      entry: { type: 'oidc', preset: 'auth0', issuer: 'https://acme.eu.auth0.com/', audience: ['https://api.acme.example'] },
    },
    {
      name: 'Keycloak',
      issuer: TrustedIssuer.keycloak({ url: 'https://sso.example.com/', realm: 'shop', audiences: ['orders-api'] }),
      entry: { type: 'oidc', preset: 'keycloak', issuer: 'https://sso.example.com/realms/shop', audience: ['orders-api'] },
    },
  ])('writes the $name issuer as the provider writes iss, with its preset, and validates it', ({ issuer, entry }) => {
    // Act
    const config = validated(issuer);
    // Assert
    expect(issuer.toJson()).toEqual(entry);
    expect(config).toMatchObject({ kind: 'oidc', preset: entry.preset, issuer: entry.issuer, keys: { source: 'discovery' } });
  });

  it('passes claim settings through, member lists and null included', () => {
    // Prepare
    const issuer = TrustedIssuer.auth0({
      domain: 'acme.eu.auth0.com',
      audiences: ['https://api.acme.example'],
      groupClaims: [['https://acme.example/roles']],
      groupsAsScopes: true,
      tokenIdClaim: null,
    });
    // Act
    const config = validated(issuer);
    // Assert
    expect(config?.claims).toMatchObject({ groups: [['https://acme.example/roles']], groupsAsScopes: true, tokenId: null });
  });

  it.each([
    {
      name: 'oidc()',
      issuer: TrustedIssuer.oidc({ issuer: 'https://partner.example', audiences: ['api'], grantableScopes: ['orders:read'] }),
    },
    {
      name: 'a provider factory',
      issuer: TrustedIssuer.okta({ domain: 'acme.okta.com', audiences: ['api://default'], grantableScopes: ['orders:read'] }),
    },
    {
      name: 'cognito()',
      issuer: TrustedIssuer.cognito({
        userPool: cognito.UserPool.fromUserPoolId(testStack(), 'Pool', 'eu-west-1_AbCdEf123'),
        allowAnyAppClient: true,
        grantableScopes: ['orders:read'],
      }),
    },
  ])('limits what an issuer may grant through $name', ({ issuer }) => {
    // Act
    const config = validated(issuer);
    // Assert
    expect(config?.grantableScopes).toEqual(new Set(['orders:read']));
  });

  it('fails synth for a grantable scope that is not a scope token', () => {
    // Act
    const synth = () => validated(TrustedIssuer.oidc({ issuer: 'https://partner.example', audiences: ['api'], grantableScopes: ['a b'] }));
    // Assert
    expect(synth).toThrow('grantableScopes: "a b" is not an RFC 6749 scope token');
  });

  it('takes a preset on a custom domain through oidc(), and the shape check with it', () => {
    // Act
    const good = validated(TrustedIssuer.oidc({ preset: 'auth0', issuer: 'https://login.acme.example/', audiences: ['api'] }));
    const bad = () => validated(TrustedIssuer.oidc({ preset: 'auth0', issuer: 'https://login.acme.example', audiences: ['api'] }));
    // Assert
    expect(good?.preset).toBe('auth0');
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow('Auth0 writes iss with a trailing slash');
  });

  it.each([
    { name: 'a domain name', tenantId: 'contoso.onmicrosoft.com', problem: '"contoso.onmicrosoft.com" is not a tenant id' },
    { name: 'an upper-case GUID', tenantId: TENANT.toUpperCase(), problem: `Entra ID writes the tenant id in lower case: "${TENANT}"` },
    { name: 'the common endpoint', tenantId: 'common', problem: '"common" is not a tenant' },
  ])('fails synth for an Entra tenant given as $name, which no token names in iss', ({ tenantId, problem }) => {
    // Act
    const synth = () => validated(TrustedIssuer.entra({ tenantId, tokenVersion: 2, audiences: [API] }));
    // Assert
    expect(synth).toThrow(ConfigError);
    expect(synth).toThrow(problem);
  });

  it('fails synth for an App ID URI as the audience of v2.0 tokens, which always carry the client id', () => {
    // Act
    const synth = () => validated(TrustedIssuer.entra({ tenantId: TENANT, tokenVersion: 2, audiences: ['api://orders'] }));
    // Assert
    expect(synth).toThrow('"api://orders" is never the aud of a v2.0 token');
    expect(validated(TrustedIssuer.entra({ tenantId: TENANT, tokenVersion: 1, audiences: ['api://orders'] }))).toMatchObject({
      audiences: ['api://orders'],
    });
  });

  it('validates a provider issuer known only at deploy time with a stand-in of its shape', () => {
    // Prepare
    const stack = testStack();
    const domain = Token.asString({ 'Fn::ImportValue': 'AuthDomain' });
    // Act
    const parts = buildAuthorizerConfig({ ...base, issuers: [TrustedIssuer.auth0({ domain, audiences: ['api'] })] });
    // Assert
    expect(stack.resolve(parts.deployTime['issuers'])).toBeDefined();
    expect(parts.validated.issuers[0]).toMatchObject({ preset: 'auth0', issuer: 'https://deploy-time.invalid/' });
  });

  it("verifies a Cognito emulator's pool against its loopback issuer, with the pool's checks", () => {
    // Prepare
    const stack = testStack();
    const userPool = cognito.UserPool.fromUserPoolId(stack, 'Local', 'local_3c2TeeQO');
    const client = cognito.UserPoolClient.fromUserPoolClientId(stack, 'LocalClient', '106p1cjefd4etqf5c9hrsm7a0');
    // Act
    const config = validated(
      TrustedIssuer.cognito({ userPool, appClients: [client], emulatorIssuer: 'http://localhost:9229/local_3c2TeeQO' }),
      {
        jwks: { allowInsecureLoopbackHttp: true },
      },
    );
    // Assert
    expect(config).toMatchObject({
      kind: 'cognito',
      emulator: true,
      issuer: 'http://localhost:9229/local_3c2TeeQO',
      clientIds: ['106p1cjefd4etqf5c9hrsm7a0'],
      tokenUse: 'access',
    });
  });

  it('refuses an emulator issuer off loopback at synth time', () => {
    // Prepare
    const stack = testStack();
    const userPool = cognito.UserPool.fromUserPoolId(stack, 'Local', 'local_3c2TeeQO');
    // Act
    const attempt = () =>
      validated(TrustedIssuer.cognito({ userPool, allowAnyAppClient: true, emulatorIssuer: 'https://cognito.example/local_3c2TeeQO' }));
    // Assert
    expect(attempt).toThrow('is not on a loopback address');
  });
});
