/**
 * parseConfig's provider settings: where keys are located (discovery unless a JWKS URI is given),
 * provider presets and the issuer shapes they make checkable, claim settings over a preset, and
 * the loopback-only issuer of a Cognito emulator. Every problem is named, at cold start and synth.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig, type CognitoIssuerConfig } from '../../../../lambdas/core/config/config';
import { problemsOf } from '../../../helpers/config';

const BASE = { routes: { 'orders:read': ['GET /orders'] }, revocation: { enabled: false } };
const OIDC = { type: 'oidc', issuer: 'https://issuer.example', audience: ['api'] };
const LOOPBACK = { jwks: { allowInsecureLoopbackHttp: true } };
/** An Entra ID API's client id: what its v2.0 tokens carry in aud. */
const ENTRA_API = '6e74172b-be56-4843-9ff4-e66a39bb12e3';
/** The issuer entry for a preset, with an audience its tokens can carry. */
const entryFor = (preset: string): Record<string, unknown> => ({
  ...OIDC,
  ...(preset === 'entra' ? { audience: [ENTRA_API] } : {}),
  preset,
});

function withIssuers(issuers: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...BASE, issuers, ...extra };
}

describe('parse-providers', () => {
  describe('where keys are located', () => {
    it.each([
      {
        name: 'discovery when no jwksUri is given',
        issuer: OIDC,
        keys: { source: 'discovery', uri: 'https://issuer.example/.well-known/openid-configuration' },
      },
      {
        name: 'discovery under an issuer with a path and a trailing slash',
        issuer: { ...OIDC, preset: 'auth0', issuer: 'https://acme.eu.auth0.com/' },
        keys: { source: 'discovery', uri: 'https://acme.eu.auth0.com/.well-known/openid-configuration' },
      },
      {
        name: 'discovery when asked for explicitly',
        issuer: { ...OIDC, discovery: true },
        keys: { source: 'discovery', uri: 'https://issuer.example/.well-known/openid-configuration' },
      },
      {
        name: 'the JWKS URI when one is given',
        issuer: { ...OIDC, jwksUri: 'https://issuer.example/keys' },
        keys: { source: 'jwks', uri: 'https://issuer.example/keys' },
      },
      {
        name: 'the JWKS URI when discovery is switched off',
        issuer: { ...OIDC, jwksUri: 'https://issuer.example/keys', discovery: false },
        keys: { source: 'jwks', uri: 'https://issuer.example/keys' },
      },
    ])('uses $name', ({ issuer, keys }) => {
      // Act
      const config = parseConfig(withIssuers([issuer]));
      // Assert
      expect(config.issuers[0]?.keys).toEqual(keys);
    });

    it.each([
      {
        name: 'discovery switched off without a JWKS URI',
        issuer: { ...OIDC, discovery: false },
        problem: 'issuers[0].discovery: is false and no jwksUri is given, so the keys cannot be located: set jwksUri',
      },
      {
        name: 'discovery asked for next to a JWKS URI',
        issuer: { ...OIDC, discovery: true, jwksUri: 'https://issuer.example/keys' },
        problem: 'issuers[0].discovery: cannot be true with jwksUri: give the JWKS URI, or let discovery find it, not both',
      },
      {
        name: 'a jwksUri that names a discovery document',
        issuer: { ...OIDC, jwksUri: 'https://issuer.example/.well-known/openid-configuration' },
        problem:
          'issuers[0].jwksUri: "https://issuer.example/.well-known/openid-configuration" names a discovery document, not a JWKS: leave jwksUri out and Tollbooth reads the document\'s jwks_uri',
      },
      {
        name: 'a jwksUri that names an RFC 8414 metadata document',
        issuer: { ...OIDC, jwksUri: 'https://issuer.example/.well-known/oauth-authorization-server' },
        problem: expect.stringContaining('names a discovery document, not a JWKS'),
      },
      {
        name: 'an issuer with a query, which has no discovery document',
        issuer: { ...OIDC, issuer: 'https://issuer.example/?tenant=a' },
        problem:
          'issuers[0].issuer: "https://issuer.example/?tenant=a" has a query or fragment, so its discovery document cannot be located (OpenID Connect Discovery 1.0 §4): set jwksUri',
      },
      {
        name: 'discovery that is not a boolean',
        issuer: { ...OIDC, discovery: 'yes' },
        problem: 'issuers[0].discovery: must be true or false',
      },
    ])('refuses $name', ({ issuer, problem }) => {
      // Act
      const problems = problemsOf(withIssuers([issuer]));
      // Assert
      expect(problems).toEqual([problem]);
    });

    it('refuses discovery on a Cognito pool, whose keys are where the pool id says', () => {
      // Act
      const problems = problemsOf(withIssuers([{ type: 'cognito', userPoolId: 'eu-west-1_AbCdEf123', clientId: null, discovery: true }]));
      // Assert
      expect(problems).toEqual([expect.stringMatching(/^issuers\[0\]\.discovery: unknown setting/)]);
    });
  });

  describe('presets', () => {
    it.each([
      { preset: 'entra', issuer: 'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0' },
      { preset: 'entra', issuer: 'https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/' },
      { preset: 'entra', issuer: 'https://contoso.ciamlogin.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0' },
      { preset: 'okta', issuer: 'https://acme.okta.com/oauth2/default' },
      { preset: 'okta', issuer: 'https://login.acme.example/oauth2/aus1a2b3c4D5e6F7g8h9' },
      { preset: 'entra', issuer: 'https://login.microsoftonline.us/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0' },
      { preset: 'entra', issuer: 'https://login.partner.microsoftonline.cn/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0' },
      { preset: 'entra', issuer: 'https://sts.chinacloudapi.cn/72f988bf-86f1-41af-91ab-2d7cd011db47/' },
      { preset: 'entra', issuer: 'https://contoso.b2clogin.com/tfp/72f988bf-86f1-41af-91ab-2d7cd011db47/B2C_1_susi/v2.0/' },
      { preset: 'auth0', issuer: 'https://acme.eu.auth0.com/' },
      { preset: 'auth0', issuer: 'https://login.acme.example/' },
      { preset: 'keycloak', issuer: 'https://sso.example.com/realms/shop' },
      { preset: 'keycloak', issuer: 'https://sso.example.com/auth/realms/shop' },
    ])('accepts the $preset issuer $issuer', ({ preset, issuer }) => {
      // Act
      const problems = problemsOf(withIssuers([{ ...entryFor(preset), issuer }]));
      // Assert
      expect(problems).toEqual([]);
    });

    it.each([
      {
        preset: 'auth0',
        issuer: 'https://acme.eu.auth0.com',
        problem: 'Auth0 writes iss with a trailing slash: "https://acme.eu.auth0.com/" (preset "auth0")',
      },
      {
        preset: 'okta',
        issuer: 'https://acme.okta.com/oauth2/default/',
        problem: 'Okta writes iss without a trailing slash: "https://acme.okta.com/oauth2/default" (preset "okta")',
      },
      {
        preset: 'keycloak',
        issuer: 'https://sso.example.com/realms/shop/',
        problem:
          'Keycloak writes iss as <base>/realms/<realm> (no trailing slash), not "https://sso.example.com/realms/shop/" (preset "keycloak")',
      },
      {
        preset: 'keycloak',
        issuer: 'https://sso.example.com/shop',
        problem: 'Keycloak writes iss as <base>/realms/<realm> (no trailing slash), not "https://sso.example.com/shop" (preset "keycloak")',
      },
      {
        preset: 'entra',
        issuer: 'https://login.microsoftonline.com/common/v2.0',
        problem: expect.stringContaining('"common" is not a tenant: Entra ID writes iss with the tenant id'),
      },
      {
        preset: 'entra',
        issuer: 'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/',
        problem: expect.stringContaining('Entra ID writes iss as https://login.microsoftonline.com/<tenant id>/v2.0 (v2.0 tokens)'),
      },
      {
        preset: 'entra',
        issuer: 'https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47',
        problem: expect.stringContaining('or https://sts.windows.net/<tenant id>/ (v1.0)'),
      },
      {
        preset: 'entra',
        issuer: 'https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0',
        problem: expect.stringContaining('"contoso.onmicrosoft.com" is not a tenant id: Entra ID writes iss with the tenant\'s id (a GUID'),
      },
      {
        preset: 'entra',
        issuer: 'https://sts.windows.net/72F988BF-86F1-41AF-91AB-2D7CD011DB47/',
        problem: 'Entra ID writes the tenant id in lower case: "72f988bf-86f1-41af-91ab-2d7cd011db47" (preset "entra")',
      },
      {
        preset: 'entra',
        issuer: 'https://sts.chinacloudapi.cn/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0',
        problem: expect.stringContaining(
          'Entra ID writes iss as https://login.partner.microsoftonline.cn/<tenant id>/v2.0 (v2.0 tokens) or https://sts.chinacloudapi.cn/<tenant id>/ (v1.0)',
        ),
      },
      {
        preset: 'entra',
        issuer: 'https://contoso.b2clogin.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0',
        problem: expect.stringContaining(
          'Azure AD B2C writes iss as https://<name>.b2clogin.com/<tenant id>/v2.0/ (with the trailing slash)',
        ),
        jwksUri: 'https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1_susi/discovery/v2.0/keys',
      },
      {
        preset: 'okta',
        issuer: 'https://acme.okta.com',
        problem: expect.stringContaining(
          '"https://acme.okta.com" is Okta\'s org authorization server, whose access tokens are for Okta\'s own APIs',
        ),
      },
      {
        preset: 'okta',
        issuer: 'https://acme-admin.okta.com/oauth2/default',
        problem: '"acme-admin.okta.com" is Okta\'s admin console, not an issuer: use the Okta domain "acme.okta.com" (preset "okta")',
      },
      {
        preset: 'okta',
        issuer: 'https://acme.okta.com/oauth2/v1/keys',
        problem:
          'Okta writes iss as https://<domain>/oauth2/<authorization server id>, not "https://acme.okta.com/oauth2/v1/keys" (preset "okta")',
      },
    ])('refuses the $preset issuer $issuer, which its tokens never carry', ({ preset, issuer, problem, ...rest }) => {
      // Act
      const problems = problemsOf(withIssuers([{ ...entryFor(preset), issuer, ...rest }]));
      // Assert
      expect(problems).toEqual([typeof problem === 'string' ? `issuers[0].issuer: ${problem}` : problem]);
    });

    it('refuses an unknown preset, and the cognito preset on an OIDC issuer', () => {
      // Act
      const unknown = problemsOf(withIssuers([{ ...OIDC, preset: 'ping' }]));
      const cognito = problemsOf(withIssuers([{ ...OIDC, preset: 'cognito' }]));
      // Assert
      expect(unknown).toEqual(['issuers[0].preset: must be one of "oidc", "entra", "okta", "auth0", "keycloak", got "ping"']);
      expect(cognito).toEqual(['issuers[0].preset: must be one of "oidc", "entra", "okta", "auth0", "keycloak", got "cognito"']);
    });

    it('refuses to require typ at+jwt from Entra ID, whose headers always say JWT', () => {
      // Act
      const problems = problemsOf(
        withIssuers([
          {
            ...entryFor('entra'),
            issuer: 'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0',
            requireAccessTokenType: true,
          },
        ]),
      );
      // Assert
      expect(problems).toEqual([
        'issuers[0].requireAccessTokenType: would refuse every token: Entra ID writes typ "JWT" in every token header, never "at+jwt" (preset "entra")',
      ]);
    });

    it('requires the keys of an Azure AD B2C issuer, which publishes them per user flow, not under the issuer', () => {
      // Act
      const problems = problemsOf(
        withIssuers([{ ...entryFor('entra'), issuer: 'https://contoso.b2clogin.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0/' }]),
      );
      // Assert
      expect(problems).toEqual([
        'issuers[0].jwksUri: is required for Azure AD B2C: its keys are published per user flow, e.g. "https://<name>.b2clogin.com/<name>.onmicrosoft.com/<policy>/discovery/v2.0/keys" (preset "entra")',
      ]);
    });

    it.each([
      { issuer: 'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0', audience: 'api://orders' },
      { issuer: 'https://login.microsoftonline.us/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0', audience: 'https://orders.contoso.com' },
      { issuer: 'https://contoso.ciamlogin.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0', audience: 'api://orders' },
    ])(
      'refuses the App ID URI $audience as the audience of the v2.0 issuer $issuer: v2.0 tokens carry the client id',
      ({ issuer, audience }) => {
        // Act
        const problems = problemsOf(withIssuers([{ ...OIDC, preset: 'entra', issuer, audience: [ENTRA_API, audience] }]));
        // Assert
        expect(problems).toEqual([
          `issuers[0].audience: "${audience}" is never the aud of a v2.0 token: Entra ID v2.0 tokens always name the API by its client id (a GUID, "Application (client) ID"); the App ID URI appears only in v1.0 tokens (preset "entra")`,
        ]);
      },
    );

    it.each([
      {
        name: 'the App ID URI of a v1.0 issuer',
        issuer: 'https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/',
        audience: 'api://orders',
      },
      {
        name: 'any audience of an oidc-preset issuer',
        issuer: 'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0',
        audience: 'api://orders',
        preset: 'oidc',
      },
    ])('accepts $name', ({ issuer, audience, preset }) => {
      // Act
      const problems = problemsOf(withIssuers([{ ...OIDC, preset: preset ?? 'entra', issuer, audience: [audience] }]));
      // Assert
      expect(problems).toEqual([]);
    });

    it.each([
      { name: 'Entra ID', issuer: 'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0', tokenId: ['uti'] },
      {
        name: 'Azure AD B2C (no uti, no jti)',
        issuer: 'https://contoso.b2clogin.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0/',
        tokenId: null,
      },
    ])('revokes $name tokens by the token id they carry', ({ issuer, tokenId }) => {
      // Act
      const config = parseConfig(withIssuers([{ ...entryFor('entra'), issuer, jwksUri: 'https://keys.example/keys' }]));
      // Assert
      expect(config.issuers[0]?.claims.tokenId).toEqual(tokenId);
    });

    it('maps the Keycloak roles of each audience client', () => {
      // Act
      const config = parseConfig(
        withIssuers([{ ...OIDC, preset: 'keycloak', issuer: 'https://sso.example/realms/shop', audience: ['orders.api', 'billing'] }]),
      );
      // Assert
      expect(config.issuers[0]?.claims.scopes).toEqual([
        ['scope'],
        ['realm_access', 'roles'],
        ['resource_access', 'orders.api', 'roles'],
        ['resource_access', 'billing', 'roles'],
      ]);
    });
  });

  describe('claim settings', () => {
    it('replaces what the preset maps, part by part', () => {
      // Act
      const config = parseConfig(
        withIssuers([
          {
            ...OIDC,
            preset: 'okta',
            issuer: 'https://acme.okta.com/oauth2/default',
            scopeClaims: ['scp', 'authz.permissions', ['https://acme.example/perms']],
            groupClaims: ['groups'],
            groupsAsScopes: true,
            tokenIdClaim: null,
            sessionIdClaim: 'sid',
          },
        ]),
      );
      // Assert
      expect(config.issuers[0]?.claims).toEqual({
        scopes: [['scp'], ['authz', 'permissions'], ['https://acme.example/perms']],
        groups: [['groups']],
        groupsAsScopes: true,
        clientId: [['cid']],
        tokenId: null,
        sessionId: ['sid'],
      });
    });

    it.each([
      {
        name: 'a claim list given as a string',
        setting: { scopeClaims: 'scp' },
        problem: 'issuers[0].scopeClaims: must be a list of claim paths',
      },
      {
        name: 'an empty claim name',
        setting: { scopeClaims: [''] },
        problem: 'issuers[0].scopeClaims: "" has an empty or non-string member name',
      },
      {
        name: 'an empty member in a dotted path',
        setting: { groupClaims: ['realm_access..roles'] },
        problem: 'issuers[0].groupClaims: "realm_access..roles" has an empty or non-string member name',
      },
      { name: 'a path that is a number', setting: { clientIdClaims: [7] }, problem: 'issuers[0].clientIdClaims: must be a claim name' },
      { name: 'an empty list of member names', setting: { tokenIdClaim: [] }, problem: 'issuers[0].tokenIdClaim: must be a claim name' },
      { name: 'a token id claim that is a number', setting: { tokenIdClaim: 1 }, problem: 'issuers[0].tokenIdClaim: must be a claim name' },
      {
        name: 'groupsAsScopes that is not a boolean',
        setting: { groupsAsScopes: 'yes' },
        problem: 'issuers[0].groupsAsScopes: must be true or false',
      },
      {
        name: 'the former groupsClaim setting',
        setting: { groupsClaim: 'roles' },
        problem: 'issuers[0].groupsClaim: replaced by groupClaims, a list of claim paths (e.g. ["groups"] or ["realm_access.roles"])',
      },
    ])('refuses $name', ({ setting, problem }) => {
      // Act
      const problems = problemsOf(withIssuers([{ ...OIDC, ...setting }]));
      // Assert
      expect(problems).toEqual([expect.stringContaining(problem)]);
    });
  });

  describe('Cognito emulators', () => {
    const EMULATED = { type: 'cognito', userPoolId: 'local_3c2TeeQO', clientId: ['106p1cjefd4etqf5c9hrsm7a0'] };

    it.each([
      'http://localhost:9229/local_3c2TeeQO',
      'http://127.0.0.1:9229/local_3c2TeeQO',
      'http://[::1]:9229/local_3c2TeeQO',
      'https://localhost:4566/local_3c2TeeQO',
    ])('accepts the loopback emulator issuer %s, with its JWKS below it', (emulatorIssuer) => {
      // Act
      const config = parseConfig(withIssuers([{ ...EMULATED, emulatorIssuer }], LOOPBACK));
      // Assert
      expect(config.issuers[0]).toMatchObject<Partial<CognitoIssuerConfig>>({
        issuer: emulatorIssuer,
        emulator: true,
        keys: { source: 'jwks', uri: `${emulatorIssuer}/.well-known/jwks.json` },
        clientIds: ['106p1cjefd4etqf5c9hrsm7a0'],
        tokenUse: 'access',
      });
    });

    it('accepts a LocalStack pool id, which has the AWS form', () => {
      // Act
      const problems = problemsOf(
        withIssuers(
          [{ ...EMULATED, userPoolId: 'us-east-1_b2b1c7c9a2', emulatorIssuer: 'http://localhost:4566/us-east-1_b2b1c7c9a2' }],
          LOOPBACK,
        ),
      );
      // Assert
      expect(problems).toEqual([]);
    });

    it.each([
      {
        name: 'an emulator issuer off loopback',
        emulatorIssuer: 'http://cognito.example:9229/local_3c2TeeQO',
        problem:
          'issuers[0].emulatorIssuer: "http://cognito.example:9229/local_3c2TeeQO" is not on a loopback address (localhost, 127.0.0.1, [::1]): the override is for local emulators only',
      },
      {
        name: 'a host name that only resolves to loopback',
        emulatorIssuer: 'http://localhost.localstack.cloud:4566/local_3c2TeeQO',
        problem: expect.stringContaining('is not on a loopback address'),
      },
      {
        name: 'an emulator issuer not ending with the pool id',
        emulatorIssuer: 'http://localhost:9229/local_other',
        problem:
          'issuers[0].emulatorIssuer: "http://localhost:9229/local_other" must end with the pool id, as emulators issue tokens: e.g. "http://localhost:9229/local_3c2TeeQO"',
      },
      {
        name: 'an emulator issuer with a trailing slash',
        emulatorIssuer: 'http://localhost:9229/local_3c2TeeQO/',
        problem: expect.stringContaining('must end with the pool id'),
      },
      {
        name: 'an emulator issuer that is not a URL',
        emulatorIssuer: 'localhost 9229',
        problem: 'issuers[0].emulatorIssuer: "localhost 9229" is not a URL',
      },
      {
        name: 'an emulator issuer over ftp',
        emulatorIssuer: 'ftp://localhost/local_3c2TeeQO',
        problem: expect.stringContaining('is not on a loopback address'),
      },
    ])('refuses $name', ({ emulatorIssuer, problem }) => {
      // Act
      const problems = problemsOf(withIssuers([{ ...EMULATED, emulatorIssuer }], LOOPBACK));
      // Assert
      expect(problems).toEqual([problem]);
    });

    it('needs the loopback opt-in for a plain-HTTP emulator, as for any plain-HTTP JWKS', () => {
      // Act
      const problems = problemsOf(withIssuers([{ ...EMULATED, emulatorIssuer: 'http://localhost:9229/local_3c2TeeQO' }]));
      // Assert
      expect(problems).toEqual([
        'issuers[0].emulatorIssuer: "http://localhost:9229/local_3c2TeeQO" is plain HTTP: set jwks.allowInsecureLoopbackHttp to true (local development only)',
      ]);
    });

    it('refuses an emulator pool id without an emulator issuer, as aws-jwt-verify would', () => {
      // Act
      const problems = problemsOf(withIssuers([EMULATED], LOOPBACK));
      // Assert
      expect(problems).toEqual(['issuers[0].userPoolId: "local_3c2TeeQO" is not a Cognito user pool id (e.g. "eu-west-1_AbCdEf123")']);
    });

    it('refuses a malformed pool id with an emulator issuer', () => {
      // Act
      const problems = problemsOf(
        withIssuers([{ ...EMULATED, userPoolId: 'local', emulatorIssuer: 'http://localhost:9229/local' }], LOOPBACK),
      );
      // Assert
      expect(problems).toEqual(['issuers[0].userPoolId: "local" is not a user pool id (<prefix>_<id>, e.g. "local_3c2TeeQO")']);
    });
  });
});
