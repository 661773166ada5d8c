/**
 * Revocation through the local stack's admin endpoint (`POST /revocations`, the real revoke
 * handler behind the real authorizer), seen from a client over HTTP.
 *
 * Both caches run at the production defaults (30 s each). The revocation feed makes a revoked token
 * refused within about a second anyway: the authorizer reads the feed head at most once a second
 * (its clock is injected and moved here), and the local stack follows the feed to flush its API
 * Gateway cache emulation one poll interval after it saw the entry (real time, as in AWS).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_DEFAULTS } from '../../bin/local/local-stack';
import { call, jtiOf, startTestStack, type TestStack } from '../helpers/local-stack';

let local: TestStack;
let admin: string;

beforeAll(async () => {
  local = await startTestStack();
  admin = local.mint({ sub: 'ops', scope: 'tollbooth:admin' });
});

afterAll(async () => {
  await local.close();
});

const WINDOW_SECONDS = LOCAL_DEFAULTS.authorizerCacheTtlSeconds + LOCAL_DEFAULTS.notRevokedCacheSeconds;

const ordersStatus = async (token: string): Promise<number> => (await call(local.stack, 'GET', '/orders', { token })).status;

/**
 * `GET /orders` with the token every 250 ms until it is no longer 200, for up to 5 s of real time;
 * the last status. The authorizer's injected clock is moved by the real time that passed, never
 * less: the cache flush runs on real time, and an authorizer clock running slower than it (a busy
 * machine) would answer the flush's re-invocation before its next feed read, which no instance in
 * AWS can do.
 */
async function statusOnceRefused(test: TestStack, token: string): Promise<number> {
  const started = Date.now();
  let movedTo = started;
  let status = 200;
  while (status === 200 && Date.now() - started < 5000) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const now = Date.now();
    test.clock.advanceSeconds((now - movedTo) / 1000);
    movedTo = now;
    status = (await call(test.stack, 'GET', '/orders', { token })).status;
  }
  return status;
}

describe('revocation on the local stack, every cache left on', () => {
  it('runs both caches at the production defaults and promises about a second', () => {
    expect([local.stack.authorizerCacheTtlSeconds, local.stack.notRevokedCacheSeconds, local.stack.revocationBoundSeconds]).toEqual([
      30, 30, 2,
    ]);
  });

  it('refuses a token revoked while both caches hold it once the feed was followed, long before either cache expires', async () => {
    // Prepare: the token is in use, so both caches hold "allowed" / "not revoked"
    const token = local.mint({ sub: 'alice', scope: 'orders:read' });
    expect(await ordersStatus(token)).toBe(200);
    // Act
    const revoked = await call(local.stack, 'POST', '/revocations', { token: admin, form: { token } });
    // Assert: the caches keep 30 s; the feed refuses it within the poll's 5 s
    expect(revoked).toMatchObject({ status: 200, body: { revoked: [{ type: 'token', jti: jtiOf(token) }] } });
    expect(await statusOnceRefused(local, token)).toBe(403);
  });

  it('refuses a token used and revoked in the first instants after start, as the cache flusher reads the feed before the API serves', async () => {
    // Prepare: a stack of its own, used at once (its flusher's first read must come before any write)
    const fresh = await startTestStack();
    const freshAdmin = fresh.mint({ sub: 'ops', scope: 'tollbooth:admin' });
    const token = fresh.mint({ sub: 'alice', scope: 'orders:read' });
    const first = (await call(fresh.stack, 'GET', '/orders', { token })).status;
    // Act
    await call(fresh.stack, 'POST', '/revocations', { token: freshAdmin, form: { token } });
    // Assert: as above; the cache alone would keep the allow 30 s
    const status = await statusOnceRefused(fresh, token);
    await fresh.close();
    expect([first, status]).toEqual([200, 403]);
  });

  it('refuses a token revoked before its first use at once', async () => {
    // Prepare
    const token = local.mint({ sub: 'alice', scope: 'orders:read' });
    // Act
    await call(local.stack, 'POST', '/revocations', { token: admin, json: { jti: jtiOf(token) } });
    // Assert
    expect(await ordersStatus(token)).toBe(403);
  });
});

describe('subject-wide revocation', () => {
  it('refuses every token of the subject issued before the revocation, and accepts a token issued after it', async () => {
    // Prepare
    const first = local.mint({ sub: 'bob', scope: 'orders:read' });
    const second = local.mint({ sub: 'bob', scope: 'orders:read orders:write' });
    const someoneElse = local.mint({ sub: 'carol', scope: 'orders:read' });
    expect([await ordersStatus(first), await ordersStatus(second), await ordersStatus(someoneElse)]).toEqual([200, 200, 200]);
    // Cut-offs have one-second granularity: a token issued in the revocation's second survives it.
    local.clock.advanceSeconds(1);
    // Act
    const revoked = await call(local.stack, 'POST', '/revocations', { token: admin, json: { sub: 'bob', reason: 'global sign-out' } });
    local.clock.advanceSeconds(WINDOW_SECONDS);
    const afterwards = local.mint({ sub: 'bob', scope: 'orders:read' });
    // Assert
    expect(revoked).toMatchObject({ status: 200, body: { revoked: [{ type: 'subject', sub: 'bob' }] } });
    expect([
      await ordersStatus(first),
      await ordersStatus(second),
      await ordersStatus(someoneElse),
      await ordersStatus(afterwards),
    ]).toEqual([403, 403, 200, 200]);
  });
});

describe('the admin endpoint', () => {
  it('refuses a token without the admin scope with 403, and writes nothing', async () => {
    // Prepare
    const victim = local.mint({ sub: 'dave', scope: 'orders:read' });
    const attacker = local.mint({ sub: 'mallory', scope: 'orders:read orders:write' });
    // Act
    const response = await call(local.stack, 'POST', '/revocations', { token: attacker, form: { token: victim } });
    local.clock.advanceSeconds(WINDOW_SECONDS);
    // Assert
    expect(response).toMatchObject({ status: 403, body: { message: 'Forbidden' } });
    expect(await ordersStatus(victim)).toBe(200);
  });

  it('answers 401 without a token', async () => {
    // Act
    const response = await call(local.stack, 'POST', '/revocations', { form: { token: 'a.b.c' } });
    // Assert
    expect(response.status).toBe(401);
  });

  it('is idempotent: revoking the same token twice answers 200 both times', async () => {
    // Prepare
    const token = local.mint({ sub: 'erin', scope: 'orders:read' });
    // Act
    const first = await call(local.stack, 'POST', '/revocations', { token: admin, form: { token, token_type_hint: 'access_token' } });
    const second = await call(local.stack, 'POST', '/revocations', { token: admin, form: { token } });
    // Assert
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(second.body).toEqual(first.body);
  });

  it.each([
    { name: 'a JSON body with a typo', request: { json: { jtl: 'x' } }, status: 400, error: 'invalid_request' },
    {
      name: 'a refresh token',
      request: { form: { token: 'a.b.c', token_type_hint: 'refresh_token' } },
      status: 400,
      error: 'unsupported_token_type',
    },
    {
      name: 'an untrusted issuer',
      request: { json: { sub: 'bob', iss: 'https://elsewhere.test' } },
      status: 400,
      error: 'invalid_request',
    },
  ])('answers $status $error to $name', async ({ request, status, error }) => {
    // Act
    const response = await call(local.stack, 'POST', '/revocations', { token: admin, ...request });
    // Assert
    expect(response).toMatchObject({ status, body: { error } });
  });

  it('writes nothing for an expired token (nothing to revoke) and says why', async () => {
    // Prepare
    const expired = local.mint({ sub: 'frank', scope: 'orders:read', expiresIn: -3600 });
    // Act
    const response = await call(local.stack, 'POST', '/revocations', { token: admin, form: { token: expired } });
    // Assert
    expect(response).toMatchObject({ status: 200, body: { revoked: [], reason: 'expired' } });
  });
});
