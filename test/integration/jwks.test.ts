/**
 * JWKS behaviour over real HTTP: key rotation without a redeploy, removed keys losing trust after
 * the maximum age, rate-limited refetches, bounded fetches, and the key policy on hostile sets.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import type { Jwks } from 'aws-jwt-verify/jwk';
import { verifyJwtSync } from 'aws-jwt-verify/jwt-verifier';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import { SignJWT } from 'jose';
import { createAuthorizer, type Authorizer } from '../../lambdas/authorizer/handler';
import { httpApiV2Event } from '../helpers/events';
import { AUDIENCE, startFixture, TestClock, type Fixture } from '../helpers/fixture';
import { generateTestKey } from '../helpers/keys';
import { LogCapture } from '../helpers/log-capture';
import { mintToken, signRaw } from '../helpers/tokens';
import {
  ED25519_IDENTITY_SIGNATURE,
  ED25519_SMALL_ORDER_ENCODINGS,
  ED448_ORDER_4_SIGNATURE,
  ED448_SMALL_ORDER_ENCODINGS,
  forgeRs256,
  okpJwk,
  prime,
  rsaJwk,
} from '../helpers/weak-keys';

let fixture: Fixture;
let clock: TestClock;
let logs: LogCapture;
let authorizer: Authorizer;

beforeAll(async () => {
  fixture = await startFixture();
});

afterAll(async () => {
  await fixture.close();
});

beforeEach(() => {
  fixture.jwks.keys = [fixture.keys.rsa.publicJwk, fixture.keys.ec.publicJwk, fixture.keys.ed.publicJwk];
  fixture.jwks.mode = 'ok';
  fixture.jwks.delayMs = 0;
  fixture.jwks.hits = 0;
  clock = new TestClock();
  logs = new LogCapture();
  authorizer = createAuthorizer(
    fixture.config({
      revocation: { enabled: false },
      jwks: { allowInsecureLoopbackHttp: true, maxAgeSeconds: 600, minRefetchIntervalSeconds: 10, timeoutMs: 300 },
    }),
    { logger: logs, now: clock.now },
  );
});

afterEach(() => {
  fixture.jwks.mode = 'ok';
});

async function decide(token: string): Promise<{ allowed: boolean; reason: unknown }> {
  const response = (await authorizer.handler(httpApiV2Event({ authorization: `Bearer ${token}` }))) as APIGatewayAuthorizerResult;
  return { allowed: response.policyDocument.Statement.some((s) => s.Effect === 'Allow'), reason: logs.lastDecision?.['reason'] };
}

const mintWith = (key = fixture.keys.rsa): Promise<string> =>
  mintToken({ key, issuer: fixture.issuer, audience: AUDIENCE, scope: 'orders:read' });

describe('key rotation', () => {
  it('trusts a key that appears in the JWKS after start, with one refetch', async () => {
    expect((await decide(await mintWith())).allowed).toBe(true);
    expect(fixture.jwks.hits).toBe(1);

    const rotated = await generateTestKey('RS256');
    fixture.jwks.keys = [...fixture.jwks.keys, rotated.publicJwk];
    clock.advanceSeconds(11); // past the refetch interval
    expect((await decide(await mintWith(rotated))).allowed).toBe(true);
    expect(fixture.jwks.hits).toBe(2);
  });

  it('stops trusting a removed key once the cached JWKS reaches its maximum age', async () => {
    const token = await mintWith();
    expect((await decide(token)).allowed).toBe(true);
    fixture.jwks.keys = [fixture.keys.ec.publicJwk];

    clock.advanceSeconds(599);
    // Past half the maximum age a use refreshes the set, so the removal is already seen here.
    expect(await decide(await mintWith())).toEqual({ allowed: false, reason: 'unknown_key' });
  });

  it('denies with jwks_unavailable once the maximum age passes while the endpoint is down', async () => {
    expect((await decide(await mintWith())).allowed).toBe(true);
    fixture.jwks.mode = 'error-500';

    clock.advanceSeconds(400); // refresh fails: the cached set is still within its maximum age
    expect((await decide(await mintWith())).allowed).toBe(true);

    clock.advanceSeconds(201); // past the maximum age: no evidence of what the issuer trusts
    expect(await decide(await mintWith())).toEqual({ allowed: false, reason: 'jwks_unavailable' });
  });

  it("stops accepting a token remembered from late in a key set's life once that set reaches its maximum age", async () => {
    expect((await decide(await mintWith())).allowed).toBe(true); // the set is fetched at t = 0
    fixture.jwks.mode = 'error-500';
    clock.advanceSeconds(400);
    const token = await mintWith();
    expect((await decide(token)).allowed).toBe(true); // verified with the t = 0 set, and remembered

    clock.advanceSeconds(201); // t = 601: the set is past its maximum age, whatever the token cache holds
    expect(await decide(token)).toEqual({ allowed: false, reason: 'jwks_unavailable' });
  });

  it('keeps verifying with cached keys while the endpoint is down, and does not hammer it', async () => {
    expect((await decide(await mintWith())).allowed).toBe(true);
    fixture.jwks.mode = 'error-500';
    const unknown = await generateTestKey('RS256');
    const results = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => decide(await mintWith(i % 2 === 0 ? fixture.keys.rsa : unknown))),
    );
    expect(results.filter((r) => r.allowed)).toHaveLength(25);
    expect(results.filter((r) => !r.allowed).every((r) => r.reason === 'jwks_unavailable' || r.reason === 'unknown_key')).toBe(true);
    expect(fixture.jwks.hits).toBeLessThanOrEqual(2); // the first fetch plus at most one refetch attempt
  });
});

describe('bounded fetches', () => {
  it.each([
    { mode: 'hang' as const, name: 'never answers' },
    { mode: 'garbage' as const, name: 'answers garbage' },
    { mode: 'huge' as const, name: 'answers a huge document' },
    { mode: 'error-500' as const, name: 'answers 500' },
  ])('denies with jwks_unavailable when the endpoint $name', async ({ mode }) => {
    fixture.jwks.mode = mode;
    const started = Date.now();
    expect(await decide(await mintWith())).toEqual({ allowed: false, reason: 'jwks_unavailable' });
    expect(Date.now() - started).toBeLessThan(5000); // the configured deadline is 300 ms
    expect(logs.lines.some((line) => line.message === 'jwks fetch failed')).toBe(true);
  });
});

describe('key policy', () => {
  it('refuses a token signed by a 1024-bit RSA key even though the JWKS publishes it', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    fixture.jwks.keys = [{ ...publicKey.export({ format: 'jwk' }), kid: 'weak', alg: 'RS256', use: 'sig' }];
    const now = Math.floor(Date.now() / 1000);
    const token = signRaw(
      { alg: 'RS256', kid: 'weak' },
      { iss: fixture.issuer, aud: AUDIENCE, sub: 'x', scope: 'orders:read', exp: now + 60, iat: now, jti: 'j' },
      privateKey,
    );
    expect(await decide(token)).toEqual({ allowed: false, reason: 'unknown_key' });
    expect(logs.lines.some((line) => line.message.includes('rejected by key policy'))).toBe(true);
  });

  it('refuses a forged token for a published e = 1 RSA key (no private key needed)', async () => {
    // With e = 1, "s^e mod n" is s itself, so a signature equal to the padded digest verifies.
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = publicKey.export({ format: 'jwk' });
    fixture.jwks.keys = [{ ...jwk, e: 'AQ', kid: 'e-equals-one', alg: 'RS256', use: 'sig' }];
    const header = Buffer.from(JSON.stringify({ alg: 'RS256', kid: 'e-equals-one' })).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const payload = Buffer.from(
      JSON.stringify({ iss: fixture.issuer, aud: AUDIENCE, sub: 'mallory', scope: 'orders:read', exp: now + 600, iat: now, jti: 'x' }),
    ).toString('base64url');
    const forged = `${header}.${payload}.${pkcs1v15Sha256Encoding(`${header}.${payload}`, 256).toString('base64url')}`;
    // Proof the forgery is real: aws-jwt-verify on its own accepts it (the dependency bug we work around).
    expect(verifyJwtSync(forged, { keys: fixture.jwks.keys } as Jwks, { issuer: fixture.issuer, audience: AUDIENCE })).toMatchObject({
      sub: 'mallory',
    });
    expect(await decide(forged)).toEqual({ allowed: false, reason: 'unknown_key' });
  });

  // Keys that let anyone forge (crypto research §1–2): the proof that each forgery is real is
  // aws-jwt-verify accepting it on its own; Tollbooth drops the key and logs why.
  it.each([
    {
      name: 'an RSA key whose modulus is a square (n = p²: φ(n) = p(p − 1) is public)',
      reason: 'perfect power',
      forge: (header: string, payload: string) => {
        const p = prime(1024);
        return { jwk: rsaJwk(p * p, 'forgeable'), alg: 'RS256', token: forgeRs256(`${header}.${payload}`, p * p, p * (p - 1n)) };
      },
    },
    {
      name: 'the Ed25519 identity point (R = identity, S = 0 verifies for any claims)',
      reason: 'small order',
      forge: (header: string, payload: string) => ({
        jwk: okpJwk('Ed25519', ED25519_SMALL_ORDER_ENCODINGS[0] ?? '', 'forgeable'),
        alg: 'EdDSA',
        token: `${header}.${payload}.${ED25519_IDENTITY_SIGNATURE.toString('base64url')}`,
      }),
    },
    {
      name: 'an Ed448 point of order 4 (114 zero bytes verify for any claims)',
      reason: 'small order',
      forge: (header: string, payload: string) => ({
        jwk: okpJwk('Ed448', ED448_SMALL_ORDER_ENCODINGS[2] ?? '', 'forgeable'),
        alg: 'EdDSA',
        token: `${header}.${payload}.${ED448_ORDER_4_SIGNATURE.toString('base64url')}`,
      }),
    },
  ])('refuses a forged token for $name', async ({ forge, reason }) => {
    // Prepare
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: fixture.issuer, aud: AUDIENCE, sub: 'mallory', scope: 'orders:read', exp: now + 600, iat: now, jti: 'x' };
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    const probe = forge('', '');
    const header = Buffer.from(JSON.stringify({ alg: probe.alg, kid: 'forgeable' })).toString('base64url');
    const { jwk, token } = forge(header, payload);
    fixture.jwks.keys = [jwk, fixture.keys.rsa.publicJwk];
    expect(verifyJwtSync(token, { keys: [jwk] } as unknown as Jwks, { issuer: fixture.issuer, audience: AUDIENCE })).toMatchObject({
      sub: 'mallory',
    });
    // Act
    const decision = await decide(token);
    // Assert
    expect(decision).toEqual({ allowed: false, reason: 'unknown_key' });
    const rejection = logs.lines.find((line) => line.message.includes('rejected by key policy'));
    expect(JSON.stringify(rejection)).toContain(reason);
    expect((await decide(await mintWith())).allowed).toBe(true);
  });

  it('refuses an EdDSA token when only RS256 is allowed, before fetching anything', async () => {
    const rsOnly = createAuthorizer(fixture.config({ revocation: { enabled: false }, algorithms: ['RS256'] }), { logger: logs });
    const response = (await rsOnly.handler(
      httpApiV2Event({ authorization: `Bearer ${await mintWith(fixture.keys.ed)}` }),
    )) as APIGatewayAuthorizerResult;
    expect(response.policyDocument.Statement[0]?.Effect).toBe('Deny');
    expect(logs.lastDecision?.['reason']).toBe('bad_algorithm');
    expect(fixture.jwks.hits).toBe(0);
  });

  it('never fetches a JWKS for a token from an untrusted issuer', async () => {
    const token = await new SignJWT({ sub: 'x', aud: AUDIENCE, scope: 'orders:read' })
      .setProtectedHeader({ alg: 'RS256', kid: fixture.keys.rsa.kid })
      .setIssuer('https://evil.example.com')
      .setExpirationTime('5m')
      .sign(fixture.keys.rsa.privateKey);
    expect(await decide(token)).toEqual({ allowed: false, reason: 'wrong_issuer' });
    expect(fixture.jwks.hits).toBe(0);
  });
});

/** EMSA-PKCS1-v1_5 encoding of SHA-256(message), as an RSA "signature" would decrypt to. */
function pkcs1v15Sha256Encoding(message: string, length: number): Buffer {
  const digestInfo = Buffer.concat([
    Buffer.from('3031300d060960864801650304020105000420', 'hex'),
    createHash('sha256').update(message).digest(),
  ]);
  const padding = Buffer.alloc(length - digestInfo.length - 3, 0xff);
  return Buffer.concat([Buffer.from([0x00, 0x01]), padding, Buffer.from([0x00]), digestInfo]);
}
