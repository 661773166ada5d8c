/**
 * parseConfig's issuer settings: explicit audiences, HTTPS-only JWKS (plain HTTP only on loopback
 * and only when asked for), and Cognito user pools.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig, type CognitoIssuerConfig, type OidcIssuerConfig } from '../../../../lambdas/core/config/config';
import { problemsOf } from '../../../helpers/config';

const BASE = { routes: { 'orders:read': ['GET /orders'] }, revocation: { enabled: false } };
const OIDC = { type: 'oidc', issuer: 'https://issuer.example', audience: ['api'] };
const COGNITO = { type: 'cognito', userPoolId: 'eu-west-1_AbCdEf123', clientId: ['client-1'] };

function withIssuers(issuers: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...BASE, issuers, ...extra };
}

describe('parse-issuers', () => {
  describe('audience', () => {
    it('refuses an OIDC issuer without an audience, saying how to opt out', () => {
      // Act
      const problems = problemsOf(withIssuers([{ type: 'oidc', issuer: 'https://issuer.example' }]));
      // Assert
      expect(problems).toEqual([
        'issuers[0].audience: is required: list the accepted "aud" values, or set it to null to accept any audience (not recommended)',
      ]);
    });

    it.each([
      { name: 'an explicit null as any audience', audience: null, audiences: null },
      { name: 'a single string as a list of one', audience: 'api', audiences: ['api'] },
      { name: 'a list', audience: ['api', 'api2'], audiences: ['api', 'api2'] },
    ])('accepts $name', ({ audience, audiences }) => {
      // Act
      const config = parseConfig(withIssuers([{ ...OIDC, audience }]));
      // Assert
      expect((config.issuers[0] as OidcIssuerConfig).audiences).toEqual(audiences);
    });

    it.each([{ audience: [42] }, { audience: [''] }, { audience: 7 }, { audience: {} }])('refuses audience $audience', ({ audience }) => {
      // Act
      const problems = problemsOf(withIssuers([{ ...OIDC, audience }]));
      // Assert
      expect(problems).toEqual(['issuers[0].audience: must be a string or a list of non-empty strings']);
    });
  });

  describe('empty accept lists', () => {
    it.each([
      {
        name: 'an OIDC audience',
        issuer: { ...OIDC, audience: [] },
        problem: 'issuers[0].audience: is an empty list, which would deny every token: list the accepted "aud" values',
      },
      {
        name: 'Cognito client ids',
        issuer: { ...COGNITO, clientId: [] },
        problem: 'issuers[0].clientId: is an empty list, which would deny every token: list the accepted app client ids',
      },
    ])('refuses $name given as an empty list, which would deny every token', ({ issuer, problem }) => {
      // Act
      const problems = problemsOf(withIssuers([issuer]));
      // Assert
      expect(problems).toEqual([problem]);
    });
  });

  describe('issuer and JWKS URI', () => {
    it.each([
      { name: 'https', jwksUri: 'https://keys.example/jwks.json', allow: false },
      { name: 'http on 127.0.0.1 when allowed', jwksUri: 'http://127.0.0.1:8080/jwks.json', allow: true },
      { name: 'http on another 127/8 address when allowed', jwksUri: 'http://127.1.2.3/jwks.json', allow: true },
      { name: 'http on localhost when allowed', jwksUri: 'http://localhost:8080/jwks.json', allow: true },
      { name: 'http on [::1] when allowed', jwksUri: 'http://[::1]:8080/jwks.json', allow: true },
    ])('accepts a JWKS URI over $name', ({ jwksUri, allow }) => {
      // Act
      const problems = problemsOf(withIssuers([{ ...OIDC, jwksUri }], { jwks: { allowInsecureLoopbackHttp: allow } }));
      // Assert
      expect(problems).toEqual([]);
    });

    it.each([
      {
        name: 'http on loopback without the opt-in',
        jwksUri: 'http://127.0.0.1:8080/jwks.json',
        allow: false,
        problem: 'is plain HTTP: set jwks.allowInsecureLoopbackHttp to true',
      },
      { name: 'http on localhost without the opt-in', jwksUri: 'http://localhost/jwks.json', allow: false, problem: 'is plain HTTP' },
      {
        name: 'http on a public host, even with the opt-in',
        jwksUri: 'http://keys.example/jwks.json',
        allow: true,
        problem: 'must be https://',
      },
      {
        name: 'http on a private address, even with the opt-in',
        jwksUri: 'http://10.0.0.1/jwks.json',
        allow: true,
        problem: 'must be https://',
      },
      {
        name: 'http on a host that starts like loopback',
        jwksUri: 'http://127.0.0.1.nip.io/jwks.json',
        allow: true,
        problem: 'must be https://',
      },
      { name: 'ftp', jwksUri: 'ftp://keys.example/jwks.json', allow: true, problem: 'must be https://' },
      { name: 'something that is not a URL', jwksUri: 'keys.example/jwks.json', allow: true, problem: 'is not a URL' },
    ])('refuses a JWKS URI over $name', ({ jwksUri, allow, problem }) => {
      // Act
      const problems = problemsOf(withIssuers([{ ...OIDC, jwksUri }], { jwks: { allowInsecureLoopbackHttp: allow } }));
      // Assert
      expect(problems).toEqual([expect.stringContaining(`issuers[0].jwksUri: "${jwksUri}" ${problem}`)]);
    });

    it('locates the keys through the discovery document of the issuer, so a loopback http issuer needs the opt-in too', () => {
      // Prepare
      const issuer = { ...OIDC, issuer: 'http://127.0.0.1:9000/issuer/' };
      // Act
      const refused = problemsOf(withIssuers([issuer]));
      const accepted = parseConfig(withIssuers([issuer], { jwks: { allowInsecureLoopbackHttp: true } }));
      // Assert
      expect(refused).toEqual([
        'issuers[0].issuer: "http://127.0.0.1:9000/issuer/" must be an https:// URL (http:// only on loopback, with jwks.allowInsecureLoopbackHttp)',
      ]);
      expect(accepted.issuers[0]?.keys).toEqual({
        source: 'discovery',
        uri: 'http://127.0.0.1:9000/issuer/.well-known/openid-configuration',
      });
    });

    it.each([
      {
        issuer: 'http://issuer.example',
        problem: 'must be an https:// URL (http:// only on loopback, with jwks.allowInsecureLoopbackHttp)',
      },
      { issuer: 'issuer.example', problem: 'must be an https:// URL (http:// only on loopback, with jwks.allowInsecureLoopbackHttp)' },
      {
        issuer: 'http://localhost:9000',
        problem: 'must be an https:// URL (http:// only on loopback, with jwks.allowInsecureLoopbackHttp)',
      },
    ])('refuses the issuer $issuer', ({ issuer, problem }) => {
      // Act
      const problems = problemsOf(withIssuers([{ ...OIDC, issuer, jwksUri: 'https://keys.example/jwks.json' }]));
      // Assert
      expect(problems).toEqual([`issuers[0].issuer: "${issuer}" ${problem}`]);
    });

    it('refuses an issuer without an issuer value', () => {
      // Act
      const problems = problemsOf(withIssuers([{ type: 'oidc', audience: null }]));
      // Assert
      expect(problems).toEqual(['issuers[0].issuer: is required (the exact "iss" value of the tokens)']);
    });

    it('refuses an issuer configured twice', () => {
      // Act
      const problems = problemsOf(withIssuers([OIDC, { ...OIDC, audience: ['other'] }]));
      // Assert
      expect(problems).toEqual(['issuers[1]: issuer "https://issuer.example" is configured more than once']);
    });

    it.each([
      { name: 'no issuers', issuers: [], problem: 'issuers: must be a non-empty list of trusted issuers' },
      { name: 'an issuer that is not an object', issuers: ['https://issuer.example'], problem: 'issuers[0]: must be an object' },
      {
        name: 'an unknown issuer type',
        issuers: [{ ...OIDC, type: 'saml' }],
        problem: 'issuers[0].type: must be one of "oidc", "cognito", got "saml"',
      },
      {
        name: 'an empty grantableScopes',
        issuers: [{ ...OIDC, grantableScopes: [] }],
        problem: 'issuers[0].grantableScopes: is an empty list, which would grant nothing',
      },
      {
        name: 'a grantable scope that is not a scope token',
        issuers: [{ ...COGNITO, grantableScopes: ['orders:read', 'two words'] }],
        problem: 'issuers[0].grantableScopes: "two words" is not an RFC 6749 scope token',
      },
      {
        name: 'a grantableScopes that is not a list of strings',
        issuers: [{ ...OIDC, grantableScopes: [1] }],
        problem: 'issuers[0].grantableScopes: must be a string or a list of non-empty strings',
      },
      { name: 'an unknown OIDC issuer key', issuers: [{ ...OIDC, clientId: 'x' }], problem: 'issuers[0].clientId: unknown setting' },
      { name: 'an unknown Cognito issuer key', issuers: [{ ...COGNITO, audience: 'x' }], problem: 'issuers[0].audience: unknown setting' },
    ])('refuses $name', ({ issuers, problem }) => {
      // Act
      const problems = problemsOf(withIssuers(issuers));
      // Assert
      expect(problems).toEqual([expect.stringContaining(problem)]);
    });
  });

  describe('grantableScopes', () => {
    it.each([
      { name: 'absent', setting: {}, grantable: null },
      { name: 'null', setting: { grantableScopes: null }, grantable: null },
      { name: 'one scope as a string', setting: { grantableScopes: 'orders:read' }, grantable: new Set(['orders:read']) },
      { name: 'a list', setting: { grantableScopes: ['orders:read', 'profile'] }, grantable: new Set(['orders:read', 'profile']) },
    ])('reads $name', ({ setting, grantable }) => {
      // Act
      const config = parseConfig(
        withIssuers([
          { ...OIDC, ...setting },
          { ...COGNITO, ...setting },
        ]),
      );
      // Assert
      expect(config.issuers.map((issuer) => issuer.grantableScopes)).toEqual([grantable, grantable]);
    });
  });

  describe('Cognito user pools', () => {
    it('derives the issuer and JWKS URI from the user pool id', () => {
      // Act
      const config = parseConfig(withIssuers([COGNITO]));
      // Assert
      expect(config.issuers[0]).toEqual<CognitoIssuerConfig>({
        kind: 'cognito',
        userPoolId: 'eu-west-1_AbCdEf123',
        issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123',
        keys: { source: 'jwks', uri: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123/.well-known/jwks.json' },
        clientIds: ['client-1'],
        tokenUse: 'access',
        requiredGroups: [],
        emulator: false,
        preset: 'cognito',
        claims: {
          scopes: [['scope']],
          groups: [['cognito:groups']],
          groupsAsScopes: false,
          clientId: [['client_id']],
          tokenId: ['jti'],
          sessionId: ['origin_jti'],
        },
        grantableScopes: null,
      });
    });

    it.each(['us-gov-west-1_AbC123', 'ap-southeast-2_x'])('accepts the user pool id %s', (userPoolId) => {
      // Act
      const problems = problemsOf(withIssuers([{ ...COGNITO, userPoolId }]));
      // Assert
      expect(problems).toEqual([]);
    });

    it.each([
      'eu-west-1',
      'AbCdEf123',
      'eu-west-1_',
      'eu-west-1_Ab-Cd',
      'EU-WEST-1_AbCdEf123',
      'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123',
    ])('refuses the user pool id %s', (userPoolId) => {
      // Act
      const problems = problemsOf(withIssuers([{ ...COGNITO, userPoolId }]));
      // Assert
      expect(problems).toEqual([`issuers[0].userPoolId: "${userPoolId}" is not a Cognito user pool id (e.g. "eu-west-1_AbCdEf123")`]);
    });

    it('refuses a Cognito issuer without a user pool id', () => {
      // Act
      const problems = problemsOf(withIssuers([{ type: 'cognito', clientId: null }]));
      // Assert
      expect(problems).toEqual(['issuers[0].userPoolId: is required (e.g. "eu-west-1_AbCdEf123")']);
    });

    it('requires the client id to be given or explicitly null', () => {
      // Act
      const missing = problemsOf(withIssuers([{ type: 'cognito', userPoolId: 'eu-west-1_AbCdEf123' }]));
      const anyClient = parseConfig(withIssuers([{ ...COGNITO, clientId: null }]));
      // Assert
      expect(missing).toEqual([expect.stringContaining('issuers[0].clientId: is required')]);
      expect((anyClient.issuers[0] as CognitoIssuerConfig).clientIds).toBeNull();
    });

    it('reads token use, required groups and groups as scopes', () => {
      // Act
      const config = parseConfig(withIssuers([{ ...COGNITO, tokenUse: 'id', requiredGroups: 'admins', groupsAsScopes: true }]));
      // Assert
      expect(config.issuers[0]).toMatchObject({
        tokenUse: 'id',
        requiredGroups: ['admins'],
        claims: { groupsAsScopes: true, clientId: [['aud']] },
      });
    });

    it('refuses an unknown token use', () => {
      // Act
      const problems = problemsOf(withIssuers([{ ...COGNITO, tokenUse: 'refresh' }]));
      // Assert
      expect(problems).toEqual(['issuers[0].tokenUse: must be one of "access", "id", got "refresh"']);
    });
  });
});
