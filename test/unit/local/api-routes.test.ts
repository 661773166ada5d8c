/**
 * HTTP API route selection: the most specific route wins, path variables are decoded, and
 * anything else is a 404.
 */
import { describe, expect, it } from 'vitest';
import { parseApiRoute, RouteTable } from '../../../bin/local/api-routes';

const table = new RouteTable(
  [
    'GET /orders',
    'GET /orders/{id}',
    'POST /orders',
    'GET /orders/mine',
    'ANY /admin/{proxy+}',
    'DELETE /admin/{proxy+}',
    'GET /health',
  ].map((key) => parseApiRoute(key, key)),
);

describe('RouteTable', () => {
  it.each([
    { request: 'GET /orders', route: 'GET /orders', parameters: {} },
    { request: 'GET /orders/42', route: 'GET /orders/{id}', parameters: { id: '42' } },
    { request: 'GET /orders/mine', route: 'GET /orders/mine', parameters: {} },
    { request: 'GET /orders/a%20b', route: 'GET /orders/{id}', parameters: { id: 'a b' } },
    { request: 'PATCH /admin/users/7', route: 'ANY /admin/{proxy+}', parameters: { proxy: 'users/7' } },
    { request: 'DELETE /admin/users/7', route: 'DELETE /admin/{proxy+}', parameters: { proxy: 'users/7' } },
  ])('routes $request to $route', ({ request, route, parameters }) => {
    // Prepare
    const [method, path] = request.split(' ') as [string, string];
    // Act
    const match = table.match(method, path);
    // Assert
    expect(match?.route.routeKey).toBe(route);
    expect(match?.pathParameters).toEqual(parameters);
  });

  it.each(['PUT /orders', 'GET /orders/1/items', 'GET /orders/', 'GET /admin', 'GET /nowhere', 'GET /Orders'])(
    'finds no route (a 404) for %s',
    (request) => {
      const [method, path] = request.split(' ') as [string, string];
      expect(table.match(method, path)).toBeUndefined();
    },
  );
});

describe('parseApiRoute', () => {
  it.each(['GET orders', 'FETCH /orders', 'GET /orders/*', 'ANY /{proxy+}/x', 'GET /orders/{id'])('refuses "%s"', (key) => {
    expect(() => parseApiRoute(key, null)).toThrow(key);
  });
});
