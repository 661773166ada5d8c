/**
 * Route access: granted or not, and what the answer allows beyond the grants' exact globs — by the
 * cache key of the event's kind, the route template the event names and API Gateway's limits.
 */
import { describe, expect, it } from 'vitest';
import type { AuthRequest, EventKind } from '../../../lambdas/authorizer/event';
import { parseExecuteApiArn, type ExecuteApiArn } from '../../../lambdas/authorizer/execute-api-arn';
import { routeAccess } from '../../../lambdas/authorizer/route-access';
import type { AuthorizerConfig, ResultsCacheKey } from '../../../lambdas/core/config/authorizer-config';
import { executeApiArn } from '../../helpers/events';
import { grantsOf } from '../../helpers/routes';

function requestOf(kind: EventKind, method: string, path: string, routeKey?: string): { request: AuthRequest; arn: ExecuteApiArn } {
  const arn = parseExecuteApiArn(executeApiArn(method, path));
  if (!arn) throw new Error('fixture ARN did not parse');
  return { request: { kind, arn, route: `${method} ${path}`, routeKey, headerValues: [], queryValues: [] }, arn };
}

function config(key: ResultsCacheKey, mode: 'iam' | 'simple' = 'iam'): Pick<AuthorizerConfig, 'resultsCache' | 'httpApiResponseMode'> {
  return { resultsCache: { httpApi: key, restRequest: key, restToken: key === 'route' ? 'token' : key }, httpApiResponseMode: mode };
}

describe('route-access', () => {
  const GRANTS = grantsOf('GET /orders', 'GET /orders/{id}', 'ANY /admin/{proxy+}');

  it.each([
    { name: 'an exact grant: nothing more', method: 'GET', path: '/orders', routeKey: 'GET /orders', key: 'route', extra: [] },
    {
      name: 'a {name} grant, route-keyed cache, route covered: its template',
      method: 'GET',
      path: '/orders/7',
      routeKey: 'GET /orders/{id}',
      key: 'route',
      extra: ['GET/orders/*'],
    },
    {
      name: 'a {name} grant, cache off, route covered: its template',
      method: 'GET',
      path: '/orders/7',
      routeKey: 'GET /orders/{id}',
      key: 'off',
      extra: ['GET/orders/*'],
    },
    {
      name: 'a {name} grant, token-keyed cache: exactly the invoked route',
      method: 'GET',
      path: '/orders/7',
      routeKey: 'GET /orders/{id}',
      key: 'token',
      extra: ['GET/orders/7'],
    },
    {
      name: 'a {name} grant on a wider route: exactly the invoked route',
      method: 'GET',
      path: '/orders/7',
      routeKey: 'GET /orders/{proxy+}',
      key: 'route',
      extra: ['GET/orders/7'],
    },
    {
      name: 'a {name} grant, template inconsistent with the ARN: exactly the invoked route',
      method: 'GET',
      path: '/orders/7',
      routeKey: 'GET /carts/{id}',
      key: 'route',
      extra: ['GET/orders/7'],
    },
    {
      name: 'a {name} grant, no template: exactly the invoked route',
      method: 'GET',
      path: '/orders/7',
      routeKey: undefined,
      key: 'route',
      extra: ['GET/orders/7'],
    },
  ] as const)('grants $name', ({ method, path, routeKey, key, extra }) => {
    // Prepare
    const { request, arn } = requestOf('http-v2', method, path, routeKey);
    // Act
    const access = routeAccess(request, arn, GRANTS, config(key));
    // Assert
    expect(access).toEqual({ granted: true, extraAllows: extra });
  });

  it('lists the covered template globs on a deny too (the route-keyed cache replays it for the route)', () => {
    // Prepare: on the ANY route, GET is granted whole, DELETE not at all
    const { request, arn } = requestOf('http-v2', 'DELETE', '/orders/7', 'ANY /orders/{id}');
    // Act
    const access = routeAccess(request, arn, GRANTS, config('route'));
    // Assert
    expect(access).toEqual({ granted: false, extraAllows: ['GET/orders/*'] });
  });

  it.each([
    { name: 'a path holding an IAM wildcard', path: '/orders/*' },
    { name: 'a path whose ARN passes 512 characters', path: `/orders/${'x'.repeat(500)}` },
  ])('refuses a request granted only by a {name} pattern that cannot be allowed exactly: $name', ({ path }) => {
    const { request, arn } = requestOf('rest-token', 'GET', path);
    expect(routeAccess(request, arn, GRANTS, config('token'))).toEqual({ granted: false, extraAllows: [] });
  });

  it('allows a long path through the template when the cache is keyed by route', () => {
    const { request, arn } = requestOf('rest-request', 'GET', `/orders/${'x'.repeat(500)}`, 'GET /orders/{id}');
    expect(routeAccess(request, arn, GRANTS, config('route'))).toEqual({ granted: true, extraAllows: ['GET/orders/*'] });
  });

  it('allows a long path an exact glob grants, with nothing more', () => {
    const { request, arn } = requestOf('rest-token', 'DELETE', `/admin/${'x'.repeat(700)}`);
    expect(routeAccess(request, arn, GRANTS, config('token'))).toEqual({ granted: true, extraAllows: [] });
  });

  describe("with an emulator's long API id, an exact glob too long for the stage's Allow list", () => {
    // The stage ARN is about 400 characters: the 205-character glob does not fit in a Resource.
    const LONG_GRANTS = grantsOf('GET /short', `GET /${'x'.repeat(200)}/*`, 'GET /orders/{id}');
    const longArn = (method: string, path: string): { request: AuthRequest; arn: ExecuteApiArn } => {
      const arn = parseExecuteApiArn(executeApiArn(method, path, { apiId: 'a'.repeat(350) }));
      if (!arn) throw new Error('fixture ARN did not parse');
      return {
        request: { kind: 'rest-token', arn, route: `${method} ${path}`, routeKey: undefined, headerValues: [], queryValues: [] },
        arn,
      };
    };

    it('grants a request another glob of the list allows, with nothing more', () => {
      // Prepare
      const { request, arn } = longArn('GET', '/short');
      // Act
      const access = routeAccess(request, arn, LONG_GRANTS, config('token'));
      // Assert
      expect(LONG_GRANTS.listsEveryExactGlobOn(arn)).toBe(false);
      expect(access).toEqual({ granted: true, extraAllows: [] });
    });

    it('refuses a request only the left-out glob grants: its own ARN is too long to name as well', () => {
      const { request, arn } = longArn('GET', `/${'x'.repeat(200)}/1`);
      expect(routeAccess(request, arn, LONG_GRANTS, config('token'))).toEqual({ granted: false, extraAllows: [] });
    });
  });

  it('never uses the template of a REST TOKEN event (its only identity source is the token)', () => {
    const { request, arn } = requestOf('rest-token', 'GET', '/orders/7', 'GET /orders/{id}');
    expect(routeAccess(request, arn, GRANTS, config('token')).extraAllows).toEqual(['GET/orders/7']);
  });

  describe('simple responses', () => {
    it.each([
      { name: 'cache off: the request alone', key: 'off', routeKey: 'GET /orders/{proxy+}', path: '/orders/7', granted: true },
      {
        name: 'token-keyed: the request alone (the construct refuses caching it)',
        key: 'token',
        routeKey: undefined,
        path: '/orders/7',
        granted: true,
      },
      { name: 'route-keyed, route covered whole', key: 'route', routeKey: 'GET /orders/{id}', path: '/orders/7', granted: true },
      { name: 'route-keyed, route granted in part', key: 'route', routeKey: 'GET /orders/{proxy+}', path: '/orders/7', granted: false },
      {
        name: 'route-keyed, ANY route granted for GET only',
        key: 'route',
        routeKey: 'ANY /orders/{id}',
        path: '/orders/7',
        granted: false,
      },
      { name: 'route-keyed, no route named', key: 'route', routeKey: undefined, path: '/orders/7', granted: false },
    ] as const)('$name: granted $granted', ({ key, routeKey, path, granted }) => {
      const { request, arn } = requestOf('http-v2', 'GET', path, routeKey);
      expect(routeAccess(request, arn, GRANTS, config(key, 'simple'))).toEqual({ granted, extraAllows: [] });
    });
  });
});
