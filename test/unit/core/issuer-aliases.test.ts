/**
 * The `iss` forms one issuer's tokens may carry — a Cognito pool's two hosts, Google's with and
 * without scheme — and the canonical one the revocation table keys rows on.
 */
import { describe, expect, it } from 'vitest';
import { canonicalIssuer, cognitoIssuerAliases, oidcIssuerAliases } from '../../../lambdas/core/issuer-aliases';
import { revocationKey } from '../../../lambdas/core/revocation-table';

const POOL = 'eu-west-1_AbCdEf123';
const REGIONAL = `https://cognito-idp.eu-west-1.amazonaws.com/${POOL}`;
const GLOBAL = `https://issuer-cognito-idp.eu-west-1.amazonaws.com/${POOL}`;

describe('issuer-aliases', () => {
  it('lists the regional form first, then the global form', () => {
    // Act / Assert
    expect(cognitoIssuerAliases(POOL)).toEqual([REGIONAL, GLOBAL]);
  });

  it.each([
    { name: 'the global form', iss: GLOBAL, canonical: REGIONAL },
    { name: 'the regional form', iss: REGIONAL, canonical: REGIONAL },
    { name: 'an OIDC issuer', iss: 'https://login.example.com/', canonical: 'https://login.example.com/' },
    { name: 'a look-alike with a path', iss: `${GLOBAL}/x`, canonical: `${GLOBAL}/x` },
    { name: 'a look-alike over http', iss: GLOBAL.replace('https', 'http'), canonical: GLOBAL.replace('https', 'http') },
    { name: "Google's scheme-less form", iss: 'accounts.google.com', canonical: 'https://accounts.google.com' },
    { name: "Google's https form", iss: 'https://accounts.google.com', canonical: 'https://accounts.google.com' },
    { name: 'a scheme-less look-alike of Google', iss: 'accounts.google.com.evil.example', canonical: 'accounts.google.com.evil.example' },
  ])('makes $name canonical', ({ iss, canonical }) => {
    // Act / Assert
    expect(canonicalIssuer(iss)).toBe(canonical);
  });

  it.each(['jti', 'session', 'sub'] as const)('keys a %s revocation alike under both forms, short or hashed', (kind) => {
    // Act / Assert
    expect(revocationKey(kind, GLOBAL, 'id-1')).toBe(revocationKey(kind, REGIONAL, 'id-1'));
    expect(revocationKey(kind, GLOBAL, 'y'.repeat(1000))).toBe(revocationKey(kind, REGIONAL, 'y'.repeat(1000)));
    expect(revocationKey(kind, REGIONAL, 'y'.repeat(1000))).toMatch(new RegExp(`^${kind}#sha256:[0-9a-f]{64}$`));
  });

  it.each([
    {
      name: "Google's, with and without scheme (Google documents both)",
      issuer: 'https://accounts.google.com',
      aliases: ['https://accounts.google.com', 'accounts.google.com'],
    },
    { name: 'any other issuer, exactly', issuer: 'https://accounts.google.com/', aliases: ['https://accounts.google.com/'] },
    { name: 'an http look-alike of Google, exactly', issuer: 'http://accounts.google.com', aliases: ['http://accounts.google.com'] },
  ])('lists the iss forms of $name', ({ issuer, aliases }) => {
    // Act / Assert
    expect(oidcIssuerAliases(issuer)).toEqual(aliases);
  });
});
