/**
 * The claim rules Tollbooth applies on top of aws-jwt-verify: every failure is a DenyError with a
 * reason, never a coercion. Issuers are parsed from configuration, so each carries its preset's
 * claim mapping exactly as the authorizer gets it.
 */
import type { JwtHeader, JwtPayload } from 'aws-jwt-verify/jwt-model';
import { describe, expect, it } from 'vitest';
import { maxIatAgeSeconds, readClaims, type ClaimRules } from '../../../lambdas/core/claims';
import { parseConfig, type IssuerConfig, type OidcIssuerConfig, type VerificationConfig } from '../../../lambdas/core/config/config';
import { DenyError, type DenyReason } from '../../../lambdas/core/reasons';

const NOW = 1_800_000_000;
const ISSUER = 'https://issuer.example';

/** One issuer as parseConfig makes it from `entry`. */
function issuerOf(entry: Record<string, unknown>): IssuerConfig {
  const config = parseConfig({ issuers: [entry], routes: { a: ['GET /a'] }, revocation: { enabled: false } });
  const [issuer] = config.issuers;
  if (!issuer) throw new Error('no issuer');
  return issuer;
}

const OIDC = issuerOf({ type: 'oidc', issuer: ISSUER, audience: ['api'], jwksUri: `${ISSUER}/keys` }) as OidcIssuerConfig;
const COGNITO = issuerOf({ type: 'cognito', userPoolId: 'eu-west-1_AbCdEf123', clientId: null, groupsAsScopes: true });

const VERIFICATION: VerificationConfig = { algorithms: ['RS256'], clockSkewSeconds: 30, maxTokenAgeSeconds: null };
const RULES: ClaimRules = { verification: VERIFICATION, requireJti: false, revocationHorizonSeconds: null };
/** Revocation on, with the default one-day horizon. */
const REVOKING: ClaimRules = { verification: VERIFICATION, requireJti: true, revocationHorizonSeconds: 86_400 };
const HEADER: JwtHeader = { alg: 'RS256', kid: 'k1', typ: 'JWT' };

function payload(overrides: Record<string, unknown> = {}): JwtPayload {
  return { iss: ISSUER, sub: 'alice', exp: NOW + 600, iat: NOW - 10, jti: 'token-1', ...overrides } as JwtPayload;
}

function reasonOf(act: () => unknown): DenyReason | 'no error' | 'not a DenyError' {
  try {
    act();
    return 'no error';
  } catch (error) {
    return error instanceof DenyError ? error.reason : 'not a DenyError';
  }
}

describe('claims', () => {
  it('reads the verified facts of a token', () => {
    // Prepare
    const claims = payload({ scope: 'orders:read orders:write', client_id: 'app-1', origin_jti: 'session-1' });
    // Act
    const verified = readClaims(OIDC, HEADER, claims, RULES, NOW);
    // Assert
    expect(verified).toEqual({
      issuer: ISSUER,
      sub: 'alice',
      exp: NOW + 600,
      iat: NOW - 10,
      jti: 'token-1',
      originJti: 'session-1',
      clientId: 'app-1',
      scopes: ['orders:read', 'orders:write'],
    });
  });

  it.each([
    { name: 'without exp', claims: { exp: undefined }, rules: RULES, reason: 'missing_claim' },
    { name: 'without sub', claims: { sub: undefined }, rules: RULES, reason: 'missing_claim' },
    { name: 'with an empty sub', claims: { sub: '' }, rules: RULES, reason: 'missing_claim' },
    {
      name: 'without jti while revocation is on',
      claims: { jti: undefined },
      rules: { ...RULES, requireJti: true },
      reason: 'missing_claim',
    },
    {
      name: 'with an empty jti while revocation is on',
      claims: { jti: '' },
      rules: { ...RULES, requireJti: true },
      reason: 'invalid_claim',
    },
    { name: 'with iat beyond the clock skew in the future', claims: { iat: NOW + 31 }, rules: RULES, reason: 'not_yet_valid' },
    { name: 'with a non-numeric iat', claims: { iat: '1800000000' }, rules: RULES, reason: 'invalid_claim' },
    {
      name: 'without iat while a maximum age is set',
      claims: { iat: undefined },
      rules: { ...RULES, verification: { ...VERIFICATION, maxTokenAgeSeconds: 3600 } },
      reason: 'missing_claim',
    },
    {
      name: 'older than the maximum age plus skew',
      claims: { iat: NOW - 3600 - 31 },
      rules: { ...RULES, verification: { ...VERIFICATION, maxTokenAgeSeconds: 3600 } },
      reason: 'token_too_old',
    },
    { name: 'with a numeric scope', claims: { scope: 42 }, rules: RULES, reason: 'invalid_claim' },
    { name: 'with a scope array holding a number', claims: { scope: ['orders:read', 1] }, rules: RULES, reason: 'invalid_claim' },
    { name: 'with a numeric scp', claims: { scp: 42 }, rules: RULES, reason: 'invalid_claim' },
    { name: 'with an scp array holding a number', claims: { scp: ['orders:read', 1] }, rules: RULES, reason: 'invalid_claim' },
    { name: 'with an scp object', claims: { scp: { orders: 'read' } }, rules: RULES, reason: 'invalid_claim' },
    { name: 'with a numeric client_id', claims: { client_id: 7 }, rules: RULES, reason: 'invalid_claim' },
    { name: 'with an empty origin_jti', claims: { origin_jti: '' }, rules: RULES, reason: 'invalid_claim' },
  ])('denies a token $name with reason $reason', ({ claims, rules, reason }) => {
    // Act
    const result = reasonOf(() => readClaims(OIDC, HEADER, payload(claims), rules, NOW));
    // Assert
    expect(result).toBe(reason);
  });

  it.each([
    { name: 'iat within the clock skew in the future', claims: { iat: NOW + 30 } },
    { name: 'no jti while revocation is off', claims: { jti: undefined } },
    { name: 'no iat while no maximum age is set', claims: { iat: undefined } },
  ])('accepts a token with $name', ({ claims }) => {
    // Act
    const result = reasonOf(() => readClaims(OIDC, HEADER, payload(claims), RULES, NOW));
    // Assert
    expect(result).toBe('no error');
  });

  it('accepts a token exactly at the maximum age plus skew', () => {
    // Prepare
    const rules = { ...RULES, verification: { ...VERIFICATION, maxTokenAgeSeconds: 3600 } };
    // Act
    const result = reasonOf(() => readClaims(OIDC, HEADER, payload({ iat: NOW - 3600 - 30 }), rules, NOW));
    // Assert
    expect(result).toBe('no error');
  });

  describe('the revocation horizon', () => {
    const DAY = 86_400;

    it.each([
      { name: 'issued 7 days ago, past the horizon', claims: { iat: NOW - 7 * DAY, exp: NOW + DAY }, rules: REVOKING },
      { name: 'one second past the horizon plus skew', claims: { iat: NOW - DAY - 31 }, rules: REVOKING },
      {
        name: 'past the horizon though inside a longer maximum age',
        claims: { iat: NOW - 2 * DAY },
        rules: { ...REVOKING, verification: { ...VERIFICATION, maxTokenAgeSeconds: 7 * DAY } },
      },
      {
        name: 'inside the horizon but past a shorter maximum age',
        claims: { iat: NOW - 3600 - 31 },
        rules: { ...REVOKING, verification: { ...VERIFICATION, maxTokenAgeSeconds: 3600 } },
      },
    ])('denies a token $name with reason token_too_old', ({ claims, rules }) => {
      // Act
      const result = reasonOf(() => readClaims(OIDC, HEADER, payload(claims), rules, NOW));
      // Assert
      expect(result).toBe('token_too_old');
    });

    it.each([
      { name: 'exactly at the horizon plus skew', claims: { iat: NOW - DAY - 30 }, rules: REVOKING },
      { name: 'issued an hour ago', claims: { iat: NOW - 3600 }, rules: REVOKING },
      {
        name: 'without iat (subject revocations cover it while the row lives)',
        claims: { iat: undefined },
        rules: REVOKING,
      },
      { name: 'issued 7 days ago while revocation is off', claims: { iat: NOW - 7 * DAY }, rules: RULES },
      {
        name: 'issued 7 days ago under a 30-day horizon',
        claims: { iat: NOW - 7 * DAY },
        rules: { ...REVOKING, revocationHorizonSeconds: 30 * DAY },
      },
    ])('accepts a token $name', ({ claims, rules }) => {
      // Act
      const result = reasonOf(() => readClaims(OIDC, HEADER, payload(claims), rules, NOW));
      // Assert
      expect(result).toBe('no error');
    });

    it('names the setting that refused the token', () => {
      // Act
      const act = () => readClaims(OIDC, HEADER, payload({ iat: NOW - 2 * DAY }), REVOKING, NOW);
      // Assert
      expect(act).toThrow('token is older than 86400 s (revocation.maxTokenLifetimeSeconds)');
    });

    it.each([
      { maxAge: null, horizon: null, bound: null },
      { maxAge: 3600, horizon: null, bound: 3600 },
      { maxAge: null, horizon: 86_400, bound: 86_400 },
      { maxAge: 3600, horizon: 86_400, bound: 3600 },
      { maxAge: 7 * 86_400, horizon: 86_400, bound: 86_400 },
    ])('bounds iat at $bound s with maxTokenAgeSeconds $maxAge and horizon $horizon', ({ maxAge, horizon, bound }) => {
      // Act
      const result = maxIatAgeSeconds({
        verification: { ...VERIFICATION, maxTokenAgeSeconds: maxAge },
        requireJti: horizon !== null,
        revocationHorizonSeconds: horizon,
      });
      // Assert
      expect(result).toBe(bound);
    });
  });

  describe('RFC 9068 access token type', () => {
    const strict: OidcIssuerConfig = { ...OIDC, requireAccessTokenType: true };

    it.each(['at+jwt', 'application/at+jwt', 'AT+JWT', 'Application/AT+JWT'])('accepts typ "%s" when required', (typ) => {
      // Act
      const result = reasonOf(() => readClaims(strict, { ...HEADER, typ }, payload(), RULES, NOW));
      // Assert
      expect(result).toBe('no error');
    });

    it.each([{ typ: 'JWT' }, { typ: 'id+jwt' }, { typ: undefined }, { typ: 5 }])(
      'denies typ $typ with reason wrong_token_type when required',
      ({ typ }) => {
        // Prepare
        const header = { ...HEADER, typ } as JwtHeader;
        // Act
        const result = reasonOf(() => readClaims(strict, header, payload(), RULES, NOW));
        // Assert
        expect(result).toBe('wrong_token_type');
      },
    );

    it('ignores typ when not required', () => {
      // Act
      const result = reasonOf(() => readClaims(OIDC, { ...HEADER, typ: 'JWT' }, payload(), RULES, NOW));
      // Assert
      expect(result).toBe('no error');
    });
  });

  describe('scopes', () => {
    it.each([
      { name: 'a space-delimited scope', claims: { scope: 'a b c' }, scopes: ['a', 'b', 'c'] },
      { name: 'an empty scope as no scope', claims: { scope: '' }, scopes: [] },
      {
        name: 'every RFC 6749 scope-token character',
        claims: { scope: "!#$%&'()*+,-./:;<=>?@[]^_`{|}~ Az09" },
        scopes: ["!#$%&'()*+,-./:;<=>?@[]^_`{|}~", 'Az09'],
      },
      { name: 'a space-delimited scp string (Entra ID)', claims: { scp: 'a b' }, scopes: ['a', 'b'] },
      { name: 'an scp array (Okta)', claims: { scp: ['a', 'b'] }, scopes: ['a', 'b'] },
      { name: 'an empty scp array', claims: { scp: [] }, scopes: [] },
      { name: 'scope and scp together, de-duplicated', claims: { scope: 'a b', scp: ['b', 'c'] }, scopes: ['a', 'b', 'c'] },
      { name: 'groups while groupsAsScopes is off', claims: { scope: 'a', groups: ['admin'] }, scopes: ['a'] },
      { name: 'groups of the wrong type while groupsAsScopes is off', claims: { groups: 'admin' }, scopes: [] },
    ])('reads $name', ({ claims, scopes }) => {
      // Act
      const verified = readClaims(OIDC, HEADER, payload(claims), RULES, NOW);
      // Assert
      expect(verified.scopes).toEqual(scopes);
    });

    // Issue 10, item 3: a scope joined into the backend's space-delimited list must not become two.
    it.each([
      { name: 'two spaces between scopes', claims: { scope: 'a  b' } },
      { name: 'a leading space', claims: { scope: ' a' } },
      { name: 'a trailing space', claims: { scope: 'a ' } },
      { name: 'a tab between scopes', claims: { scope: 'a\tb' } },
      { name: 'a newline between scopes', claims: { scope: 'a\nb' } },
      { name: 'a carriage return in a scope', claims: { scope: 'a\rb' } },
      { name: 'NBSP in a scope', claims: { scope: 'a\u00a0tollbooth:admin' } },
      { name: 'U+3000 in a scope', claims: { scope: 'a\u3000tollbooth:admin' } },
      { name: 'a double quote in a scope', claims: { scope: 'a"b' } },
      { name: 'a backslash in a scope', claims: { scope: 'a\\b' } },
      { name: 'a non-ASCII letter in a scope', claims: { scope: 'commandé' } },
      { name: 'a NUL in a scope', claims: { scope: 'a\u0000b' } },
      { name: 'an scp array element with a space', claims: { scp: ['x tollbooth:admin'] } },
      { name: 'an scp array element with a tab', claims: { scp: ['x\ttollbooth:admin'] } },
      { name: 'an empty scp array element', claims: { scp: ['a', ''] } },
      { name: 'an scp string with two spaces', claims: { scp: 'a  b' } },
    ])('denies $name with reason invalid_claim', ({ claims }) => {
      // Act
      const result = reasonOf(() => readClaims(OIDC, HEADER, payload(claims), RULES, NOW));
      // Assert
      expect(result).toBe('invalid_claim');
    });

    it('adds groups as scopes when configured, from the issuer’s groups claim', () => {
      // Act
      const verified = readClaims(
        COGNITO,
        HEADER,
        payload({ iss: COGNITO.issuer, scope: 'a', 'cognito:groups': ['admin', 'a'] }),
        RULES,
        NOW,
      );
      // Assert
      expect(verified.scopes).toEqual(['a', 'admin']);
    });

    it.each([
      { name: 'a scope of its own', claims: { scope: 'orders:read' }, scopes: ['orders:read'] },
      { name: 'the admin scope it may not grant', claims: { scope: 'orders:read tollbooth:admin' }, scopes: ['orders:read'] },
      { name: 'only scopes it may not grant', claims: { scp: ['tollbooth:admin'] }, scopes: [] },
    ])('keeps only the scopes an issuer may grant: $name', ({ claims, scopes }) => {
      // Prepare
      const partner = issuerOf({
        type: 'oidc',
        issuer: ISSUER,
        audience: ['api'],
        jwksUri: `${ISSUER}/keys`,
        grantableScopes: ['orders:read'],
      });
      // Act
      const verified = readClaims(partner, HEADER, payload(claims), RULES, NOW);
      // Assert
      expect(verified.scopes).toEqual(scopes);
    });

    it('drops groups an issuer may not grant when groups are scopes', () => {
      // Prepare
      const pool = issuerOf({
        type: 'cognito',
        userPoolId: 'eu-west-1_AbCdEf123',
        clientId: null,
        groupsAsScopes: true,
        grantableScopes: ['a'],
      });
      // Act
      const verified = readClaims(pool, HEADER, payload({ scope: 'a', 'cognito:groups': ['admin'] }), RULES, NOW);
      // Assert
      expect(verified.scopes).toEqual(['a']);
    });

    it('still refuses a malformed scope claim from an issuer with grantable scopes', () => {
      // Prepare
      const partner = issuerOf({ type: 'oidc', issuer: ISSUER, audience: ['api'], jwksUri: `${ISSUER}/keys`, grantableScopes: ['a'] });
      // Act
      const result = reasonOf(() => readClaims(partner, HEADER, payload({ scp: ['x tollbooth:admin'] }), RULES, NOW));
      // Assert
      expect(result).toBe('invalid_claim');
    });

    it.each([{ groups: 'admin' }, { groups: ['admin', 3] }, { groups: null }, { groups: ['Domain Users'] }, { groups: ['a\u00a0b'] }])(
      'denies groups $groups with reason invalid_claim when they are scopes',
      ({ groups }) => {
        // Act
        const result = reasonOf(() => readClaims(COGNITO, HEADER, payload({ 'cognito:groups': groups }), RULES, NOW));
        // Assert
        expect(result).toBe('invalid_claim');
      },
    );
  });

  describe('claim paths', () => {
    const keycloak = issuerOf({ type: 'oidc', preset: 'keycloak', issuer: 'https://sso.example/realms/shop', audience: ['orders-api'] });
    const custom = issuerOf({
      type: 'oidc',
      issuer: ISSUER,
      audience: ['api'],
      scopeClaims: ['authz.permissions', ['https://acme.example/roles']],
      clientIdClaims: ['cid'],
      tokenIdClaim: 'uti',
      sessionIdClaim: ['https://acme.example/session'],
    });

    it('reads scopes from nested claims and claims whose names have dots', () => {
      // Act
      const verified = readClaims(
        custom,
        HEADER,
        payload({
          authz: { permissions: ['a'] },
          'https://acme.example/roles': 'b c',
          uti: 'u-1',
          cid: 'client-9',
          'https://acme.example/session': 's-1',
        }),
        RULES,
        NOW,
      );
      // Assert
      expect(verified).toMatchObject({ scopes: ['a', 'b', 'c'], jti: 'u-1', clientId: 'client-9', originJti: 's-1' });
    });

    it('reads Keycloak realm roles and the roles of the audience client, not of other clients', () => {
      // Act
      const verified = readClaims(
        keycloak,
        HEADER,
        payload({
          typ: 'Bearer',
          scope: 'openid orders.read',
          realm_access: { roles: ['customer'] },
          resource_access: { 'orders-api': { roles: ['orders.write'] }, account: { roles: ['manage-account'] } },
        }),
        RULES,
        NOW,
      );
      // Assert
      expect(verified.scopes).toEqual(['openid', 'orders.read', 'customer', 'orders.write']);
    });

    it.each([
      { name: 'a nested claim whose parent is not an object', claims: { realm_access: 'customer' } },
      { name: 'a nested claim whose parent is an array', claims: { realm_access: [{ roles: ['a'] }] } },
      { name: 'a nested claim whose parent is null', claims: { realm_access: null } },
      { name: 'nested roles that are neither a string nor an array of strings', claims: { realm_access: { roles: 7 } } },
    ])('denies $name with reason invalid_claim', ({ claims }) => {
      // Act
      const result = reasonOf(() => readClaims(keycloak, HEADER, payload({ typ: 'Bearer', ...claims }), RULES, NOW));
      // Assert
      expect(result).toBe('invalid_claim');
    });

    it.each([
      { name: 'an ID token', typ: 'ID' },
      { name: 'a logout token', typ: 'Logout' },
      { name: 'a refresh token', typ: 'Refresh' },
      { name: 'a token without typ', typ: undefined },
      { name: 'a typ of the wrong case', typ: 'bearer' },
    ])('denies $name of a Keycloak realm with reason wrong_token_type (Keycloak access tokens say typ "Bearer")', ({ typ }) => {
      // Act
      const result = reasonOf(() => readClaims(keycloak, HEADER, payload({ typ, realm_access: { roles: ['customer'] } }), RULES, NOW));
      // Assert
      expect(result).toBe('wrong_token_type');
    });

    it.each([
      {
        name: 'a v2.0 access token (azp)',
        issuer: 'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0',
        claims: { azp: 'c' },
        reason: 'no error',
      },
      {
        name: 'a v1.0 access token (appid)',
        issuer: 'https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/',
        claims: { appid: 'c' },
        reason: 'no error',
      },
      {
        name: 'an ID token (neither)',
        issuer: 'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0',
        claims: { nonce: 'n' },
        reason: 'wrong_token_type',
      },
      {
        name: 'an ID token with a non-string azp',
        issuer: 'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0',
        claims: { azp: 7 },
        reason: 'wrong_token_type',
      },
      {
        name: 'an Azure AD B2C token without azp',
        issuer: 'https://contoso.b2clogin.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0/',
        claims: { tfp: 'B2C_1_susi' },
        reason: 'no error',
      },
    ])('tells an Entra ID access token from an ID token: $name', ({ issuer, claims, reason }) => {
      // Prepare
      const entra = issuerOf({ type: 'oidc', preset: 'entra', issuer, audience: null, jwksUri: 'https://keys.example/keys' });
      // Act
      const result = reasonOf(() => readClaims(entra, HEADER, payload({ roles: ['Orders.Read'], ...claims }), RULES, NOW));
      // Assert
      expect(result).toBe(reason);
    });

    it('leaves typ alone for the other presets, whose tokens write no such claim', () => {
      // Act
      const verified = readClaims(custom, HEADER, payload({ typ: 'ID', uti: 'u-1' }), RULES, NOW);
      // Assert
      expect(verified.jti).toBe('u-1');
    });

    it('never reads a path through the object prototype', () => {
      // Prepare
      const prototypePaths = issuerOf({ type: 'oidc', issuer: ISSUER, audience: ['api'], scopeClaims: ['constructor.name', 'toString'] });
      // Act
      const verified = readClaims(prototypePaths, HEADER, payload({ scope: 'a' }), RULES, NOW);
      // Assert
      expect(verified.scopes).toEqual([]);
    });

    it('needs no token id from an issuer configured without one, even with revocation on', () => {
      // Prepare
      const noTokenId = issuerOf({ type: 'oidc', issuer: ISSUER, audience: ['api'], tokenIdClaim: null });
      // Act
      const verified = readClaims(noTokenId, HEADER, payload({ jti: 'ignored' }), { ...RULES, requireJti: true }, NOW);
      // Assert
      expect(verified.jti).toBeUndefined();
    });

    it('names the token id claim when it is missing with revocation on', () => {
      // Prepare
      const entra = issuerOf({
        type: 'oidc',
        preset: 'entra',
        issuer: 'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0',
        audience: ['6e74172b-be56-4843-9ff4-e66a39bb12e3'],
      });
      // Act
      const act = () => readClaims(entra, HEADER, payload({ jti: 'not-the-token-id' }), { ...RULES, requireJti: true }, NOW);
      // Assert
      expect(act).toThrow(new DenyError('missing_claim', 'uti (the token id) is required while revocation is enabled'));
    });
  });

  describe('client id', () => {
    it.each([
      { name: 'client_id first', claims: { client_id: 'c', azp: 'z', aud: 'a' }, clientId: 'c' },
      { name: 'azp when there is no client_id', claims: { azp: 'z', aud: 'a' }, clientId: 'z' },
      { name: 'nothing from aud, which names the API, not the client', claims: { aud: 'a' }, clientId: undefined },
    ])('takes $name', ({ claims, clientId }) => {
      // Act
      const verified = readClaims(OIDC, HEADER, payload(claims), RULES, NOW);
      // Assert
      expect(verified.clientId).toBe(clientId);
    });
  });
});
