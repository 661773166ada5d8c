/**
 * The shapes Entra ID writes iss in, per cloud, token version and product (B2C), and the issuer
 * each TrustedIssuer.entra option set builds — read directly, without the rest of the parser.
 */
import { describe, expect, it } from 'vitest';
import { entraIssuer, entraIssuerProblems, isB2cIssuer } from '../../../../lambdas/core/config/entra-issuer';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const SETTINGS = { jwksUriGiven: true, audiences: null };

describe('entra-issuer', () => {
  it.each([
    { version: 2, cloud: 'global', issuer: `https://login.microsoftonline.com/${TENANT}/v2.0` },
    { version: 1, cloud: 'global', issuer: `https://sts.windows.net/${TENANT}/` },
    { version: 2, cloud: 'usGovernment', issuer: `https://login.microsoftonline.us/${TENANT}/v2.0` },
    { version: 1, cloud: 'usGovernment', issuer: `https://sts.windows.net/${TENANT}/` },
    { version: 2, cloud: 'china', issuer: `https://login.partner.microsoftonline.cn/${TENANT}/v2.0` },
    { version: 1, cloud: 'china', issuer: `https://sts.chinacloudapi.cn/${TENANT}/` },
  ] as const)('writes the v$version issuer of the $cloud cloud as its tokens carry it, and accepts it', ({ version, cloud, issuer }) => {
    // Act / Assert
    expect(entraIssuer(TENANT, version, cloud)).toBe(issuer);
    expect(entraIssuerProblems(issuer, SETTINGS)).toEqual([]);
  });

  it.each([
    { name: 'not a URL', issuer: 'login.microsoftonline.com', problems: [] },
    { name: 'a custom domain', issuer: `https://login.contoso.com/${TENANT}/v2.0`, problems: [] },
    {
      name: 'a B2C tfp issuer without its policy',
      issuer: `https://contoso.b2clogin.com/tfp/${TENANT}/v2.0/`,
      problems: [{ field: 'issuer', message: expect.stringContaining('Azure AD B2C writes iss as') }],
    },
    {
      name: 'a B2C issuer with a domain for a tenant',
      issuer: 'https://contoso.b2clogin.com/contoso.onmicrosoft.com/v2.0/',
      problems: [{ field: 'issuer', message: expect.stringContaining('"contoso.onmicrosoft.com" is not a tenant id') }],
    },
  ])('judges $name', ({ issuer, problems }) => {
    // Act / Assert
    expect(entraIssuerProblems(issuer, SETTINGS)).toEqual(problems);
  });

  it.each([
    { issuer: `https://contoso.b2clogin.com/${TENANT}/v2.0/`, b2c: true },
    { issuer: `https://CONTOSO.B2CLOGIN.COM/${TENANT}/v2.0/`, b2c: true },
    { issuer: `https://login.microsoftonline.com/${TENANT}/v2.0`, b2c: false },
    { issuer: 'not a url', b2c: false },
  ])('tells a B2C issuer by its host: $issuer', ({ issuer, b2c }) => {
    // Act / Assert
    expect(isB2cIssuer(issuer)).toBe(b2c);
  });
});
