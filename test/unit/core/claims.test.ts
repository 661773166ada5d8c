/**
 * The claim rules Tollbooth applies on top of aws-jwt-verify: every failure is a DenyError with a
 * reason, never a coercion.
 */
import type { JwtHeader, JwtPayload } from 'aws-jwt-verify/jwt-model';
import { describe, expect, it } from 'vitest';
import { readClaims, type ClaimRules } from '../../../lambdas/core/claims';
import type { CognitoIssuerConfig, OidcIssuerConfig, VerificationConfig } from '../../../lambdas/core/config/config';
import { DenyError, type DenyReason } from '../../../lambdas/core/reasons';

const NOW = 1_800_000_000;
const ISSUER = 'https://issuer.example';

const OIDC: OidcIssuerConfig = {
  kind: 'oidc',
  issuer: ISSUER,
  jwksUri: `${ISSUER}/.well-known/jwks.json`,
  audiences: ['api'],
  requireAccessTokenType: false,
  groupsClaim: 'groups',
  groupsAsScopes: false,
};

const COGNITO: CognitoIssuerConfig = {
  kind: 'cognito',
  userPoolId: 'eu-west-1_AbCdEf123',
  issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123',
  jwksUri: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123/.well-known/jwks.json',
  clientIds: null,
  tokenUse: 'access',
  requiredGroups: [],
  groupsClaim: 'cognito:groups',
  groupsAsScopes: true,
};

const VERIFICATION: VerificationConfig = { algorithms: ['RS256'], clockSkewSeconds: 30, maxTokenAgeSeconds: null };
const RULES: ClaimRules = { verification: VERIFICATION, requireJti: false };
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
    { name: 'with a scope array', claims: { scope: ['orders:read'] }, rules: RULES, reason: 'invalid_claim' },
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
      { name: 'a space-delimited scope', claims: { scope: 'a b  c' }, scopes: ['a', 'b', 'c'] },
      { name: 'an empty scope', claims: { scope: '' }, scopes: [] },
      { name: 'a space-delimited scp string (Entra ID)', claims: { scp: 'a b' }, scopes: ['a', 'b'] },
      { name: 'an scp array (Okta)', claims: { scp: ['a', 'b'] }, scopes: ['a', 'b'] },
      { name: 'scope and scp together, de-duplicated', claims: { scope: 'a b', scp: ['b', 'c'] }, scopes: ['a', 'b', 'c'] },
      { name: 'groups while groupsAsScopes is off', claims: { scope: 'a', groups: ['admin'] }, scopes: ['a'] },
      { name: 'groups of the wrong type while groupsAsScopes is off', claims: { groups: 'admin' }, scopes: [] },
    ])('reads $name', ({ claims, scopes }) => {
      // Act
      const verified = readClaims(OIDC, HEADER, payload(claims), RULES, NOW);
      // Assert
      expect(verified.scopes).toEqual(scopes);
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

    it.each([{ groups: 'admin' }, { groups: ['admin', 3] }, { groups: null }])(
      'denies groups $groups with reason invalid_claim when they are scopes',
      ({ groups }) => {
        // Act
        const result = reasonOf(() => readClaims(COGNITO, HEADER, payload({ 'cognito:groups': groups }), RULES, NOW));
        // Assert
        expect(result).toBe('invalid_claim');
      },
    );
  });

  describe('client id', () => {
    it.each([
      { name: 'client_id first', claims: { client_id: 'c', azp: 'z', aud: 'a' }, clientId: 'c' },
      { name: 'azp when there is no client_id', claims: { azp: 'z', aud: 'a' }, clientId: 'z' },
      { name: 'a single string aud last', claims: { aud: 'a' }, clientId: 'a' },
      { name: 'nothing from an aud list', claims: { aud: ['a', 'b'] }, clientId: undefined },
    ])('takes $name', ({ claims, clientId }) => {
      // Act
      const verified = readClaims(OIDC, HEADER, payload(claims), RULES, NOW);
      // Assert
      expect(verified.clientId).toBe(clientId);
    });
  });
});
