/**
 * The token verifier over the issuer kinds whose settings switch a library check off or route it
 * elsewhere: an OIDC issuer that accepts any audience (`audience: null`), an AWS Cognito pool that
 * accepts any app client (`clientId: null`) under both of its `iss` forms, and a Cognito emulator's
 * pool; and, for each, that a key rotated under the same kid takes effect once the cache refetches
 * the set (the verifiers forget the converted keys). Keys are served by a fetcher double.
 */
import type { Jwk } from 'aws-jwt-verify/jwk';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../../lambdas/core/config/config';
import { createTokenVerification, type TokenVerification } from '../../../../lambdas/core/verification/verification-stack';
import { FakeJwksFetcher } from '../../../helpers/fake-jwks-fetcher';
import { generateTestKey, type TestKey } from '../../../helpers/keys';
import { mintToken } from '../../../helpers/tokens';

const OIDC_ISSUER = 'https://idp.tollbooth.test';
const POOL_ID = 'eu-west-1_AbCdEf123';
const POOL_ISSUER = `https://cognito-idp.eu-west-1.amazonaws.com/${POOL_ID}`;
const POOL_GLOBAL_ISSUER = `https://issuer-cognito-idp.eu-west-1.amazonaws.com/${POOL_ID}`;
const EMULATED_POOL = 'local_3c2TeeQO';
const EMULATOR_ISSUER = `http://127.0.0.1:9229/${EMULATED_POOL}`;
const MAX_AGE_SECONDS = 3600;

let key: TestKey;
let rotated: TestKey;
let fetcher: FakeJwksFetcher;
let nowMs: number;
let verification: TokenVerification;

beforeAll(async () => {
  key = await generateTestKey('RS256', { kid: 'k1' });
  rotated = await generateTestKey('RS256', { kid: 'k1' });
});

beforeEach(() => {
  fetcher = new FakeJwksFetcher([key.publicJwk as Jwk]);
  nowMs = Date.now();
  const config = parseConfig({
    issuers: [
      { type: 'oidc', issuer: OIDC_ISSUER, audience: null, jwksUri: `${OIDC_ISSUER}/jwks.json` },
      { type: 'cognito', userPoolId: POOL_ID, clientId: null },
      { type: 'cognito', userPoolId: EMULATED_POOL, clientId: null, emulatorIssuer: EMULATOR_ISSUER },
    ],
    routes: { 'orders:read': ['GET /orders'] },
    revocation: { enabled: false },
    jwks: { maxAgeSeconds: MAX_AGE_SECONDS, allowInsecureLoopbackHttp: true },
  });
  verification = createTokenVerification(config, { jwksFetcher: fetcher, now: () => nowMs });
});

const cognitoAccessToken = (issuer: string, signer = key): Promise<string> =>
  mintToken({ key: signer, issuer, claims: { token_use: 'access', client_id: 'any-client', scope: 'orders:read' } });

const TOKENS = [
  {
    name: 'an OIDC token with any audience (audience: null)',
    mint: (signer?: TestKey) => mintToken({ key: signer ?? key, issuer: OIDC_ISSUER, audience: 'https://someone-else.test' }),
  },
  { name: 'a Cognito access token of any client (clientId: null)', mint: (signer?: TestKey) => cognitoAccessToken(POOL_ISSUER, signer) },
  {
    name: "a Cognito access token under the pool's global iss",
    mint: (signer?: TestKey) => cognitoAccessToken(POOL_GLOBAL_ISSUER, signer),
  },
  { name: "a Cognito emulator's access token of any client", mint: (signer?: TestKey) => cognitoAccessToken(EMULATOR_ISSUER, signer) },
];

describe('TokenVerifier', () => {
  it.each(TOKENS)('verifies $name', async ({ mint }) => {
    // Act
    const verified = await verification.verifier.verify(await mint());
    // Assert
    expect(verified.keysTrustedUntilMs).toBe(nowMs + MAX_AGE_SECONDS * 1000);
  });

  it.each(TOKENS)('verifies $name signed by a key rotated under the same kid, once the set is refetched', async ({ mint }) => {
    // Prepare
    await verification.verifier.verify(await mint());
    fetcher.keys = [rotated.publicJwk as Jwk];
    nowMs += (MAX_AGE_SECONDS + 1) * 1000;
    // Act
    const verified = verification.verifier.verify(await mint(rotated));
    // Assert
    await expect(verified).resolves.toMatchObject({ header: { kid: 'k1' } });
  });

  it('ignores a key change announced for a URI no issuer uses', async () => {
    // Act / Assert
    expect(() => verification.verifier.keysChanged('https://unknown.test/jwks.json', { keys: [] })).not.toThrow();
  });
});
