/**
 * The local stack over real HTTP on loopback, with the real authorizer handler and real dynalite:
 * API Gateway HTTP API status codes for every kind of caller, the authorizer context where the
 * backend finds it, and the authorizer result cache re-evaluating its policy per route.
 *
 * | caller                                  | status | why                                          |
 * |-----------------------------------------|--------|----------------------------------------------|
 * | good token, granted route               | 200    | Allow                                        |
 * | no Authorization header, or an empty one | 401   | identity source missing: authorizer not run  |
 * | bad token (tampered, expired, Basic, …)  | 403   | HTTP API Lambda authorizers deny with 403    |
 * | good token, route not granted            | 403    | explicit Deny for the route                  |
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestStack, type TestStack } from '../helpers/local-stack';

let local: TestStack;

beforeAll(async () => {
  local = await startTestStack();
});

afterAll(async () => {
  await local.close();
});

describe('local HTTP API: API Gateway status codes', () => {
  it('answers 200 for a good token and hands the backend the authorizer context in requestContext.authorizer.lambda', async () => {
    // Prepare
    const token = local.mint({ sub: 'alice', scope: 'orders:read', jti: 'jti-alice-1' });
    // Act
    const response = await call(local.stack, 'GET', '/orders/42', { token });
    // Assert
    expect(response.status).toBe(200);
    expect(response.headers.get('apigw-requestid')).toBeTruthy();
    expect(response.body).toMatchObject({
      routeKey: 'GET /orders/{id}',
      pathParameters: { id: '42' },
      authorizer: { sub: 'alice', scope: 'orders:read', iss: local.stack.devIssuer.issuer, jti: 'jti-alice-1', principalId: 'alice' },
    });
  });

  it.each<{ name: string; headers: Record<string, string> }>([
    { name: 'no Authorization header', headers: {} },
    { name: 'an empty Authorization header', headers: { authorization: '' } },
  ])('answers 401 without invoking the authorizer for $name', async ({ headers }) => {
    // Prepare
    const invocationsBefore = local.stack.authorizerInvocations;
    // Act
    const response = await call(local.stack, 'GET', '/orders', { headers });
    // Assert
    expect(response).toMatchObject({ status: 401, body: { message: 'Unauthorized' } });
    expect(local.stack.authorizerInvocations).toBe(invocationsBefore);
  });

  it.each([
    { name: 'a tampered token', header: () => `Bearer ${local.mint({ scope: 'orders:read' }).slice(0, -4)}AAAA` },
    { name: 'an expired token', header: () => `Bearer ${local.mint({ scope: 'orders:read', expiresIn: -120 })}` },
    { name: 'another scheme', header: () => 'Basic YWxpY2U6c2VjcmV0' },
    { name: 'a token that is not a JWT', header: () => 'Bearer not-a-jwt' },
  ])('answers 403 for $name: HTTP API authorizers have no 401 of their own', async ({ header }) => {
    // Act
    const response = await call(local.stack, 'GET', '/orders', { headers: { authorization: header() } });
    // Assert
    expect(response).toMatchObject({ status: 403, body: { message: 'Forbidden' } });
  });

  it('answers 403 for a good token whose scopes do not grant the route', async () => {
    // Prepare
    const token = local.mint({ sub: 'carol', scope: 'orders:read' });
    // Act
    const response = await call(local.stack, 'POST', '/orders', { token });
    // Assert
    expect(response).toMatchObject({ status: 403, body: { message: 'Forbidden' } });
  });

  it('answers 404 for a route the API does not have, and serves /health without a token', async () => {
    // Act
    const missing = await call(local.stack, 'GET', '/nowhere');
    const health = await call(local.stack, 'GET', '/health');
    // Assert
    expect(missing).toMatchObject({ status: 404, body: { message: 'Not Found' } });
    expect(health).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('answers 403 when the Authorization header is sent twice (joined with a comma, as HTTP APIs do)', async () => {
    // Prepare
    const token = local.mint({ scope: 'orders:read' });
    // Act
    const response = await fetch(`${local.stack.apiUrl}/orders`, {
      headers: [
        ['authorization', `Bearer ${token}`],
        ['authorization', `Bearer ${token}`],
      ],
    });
    // Assert
    expect(response.status).toBe(403);
  });
});

describe('local HTTP API: the authorizer result cache', () => {
  it('replays the cached answer for the same token and route (another order id) without invoking the authorizer', async () => {
    // Prepare: the cache is keyed by the header and $context.routeKey, as the construct sets it up
    const token = local.mint({ sub: 'dave', scope: 'orders:read' });
    // Act
    const first = await call(local.stack, 'GET', '/orders/7', { token });
    const invocationsAfterFirst = local.stack.authorizerInvocations;
    const sameRoute = await call(local.stack, 'GET', '/orders/8', { token });
    const invocationsAfterSameRoute = local.stack.authorizerInvocations;
    const otherRoute = await call(local.stack, 'GET', '/orders', { token });
    const notGranted = await call(local.stack, 'POST', '/orders', { token });
    // Assert
    expect([first.status, sameRoute.status, otherRoute.status, notGranted.status]).toEqual([200, 200, 200, 403]);
    expect(invocationsAfterSameRoute).toBe(invocationsAfterFirst);
    expect(local.stack.authorizerInvocations).toBe(invocationsAfterFirst + 2);
  });

  it('invokes the authorizer again once the cache TTL has passed', async () => {
    // Prepare
    const token = local.mint({ sub: 'erin', scope: 'orders:read' });
    await call(local.stack, 'GET', '/orders', { token });
    const invocations = local.stack.authorizerInvocations;
    // Act
    local.clock.advanceSeconds(local.stack.authorizerCacheTtlSeconds);
    await call(local.stack, 'GET', '/orders', { token });
    // Assert
    expect(local.stack.authorizerInvocations).toBe(invocations + 1);
  });
});
