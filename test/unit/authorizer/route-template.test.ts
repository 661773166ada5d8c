/**
 * The route template an event names, taken only when consistent with the invoked ARN, and how
 * each kind of event's answers are cached.
 */
import { describe, expect, it } from 'vitest';
import type { AuthRequest, EventKind } from '../../../lambdas/authorizer/event';
import { parseExecuteApiArn } from '../../../lambdas/authorizer/execute-api-arn';
import { cacheKeyOf, routeTemplateOf } from '../../../lambdas/authorizer/route-template';
import { executeApiArn } from '../../helpers/events';

function request(method: string, path: string, routeKey: string | undefined, kind: EventKind = 'http-v2'): AuthRequest {
  return { kind, arn: parseExecuteApiArn(executeApiArn(method, path)), route: '', routeKey, headerValues: [], queryValues: [] };
}

describe('route-template', () => {
  it.each([
    { routeKey: 'GET /orders/{id}', method: 'GET', path: '/orders/7', source: 'GET /orders/{id}' },
    { routeKey: 'ANY /orders/{id}', method: 'DELETE', path: '/orders/7', source: 'ANY /orders/{id}' },
    { routeKey: '$default', method: 'PATCH', path: '/anything/at/all', source: '$default' },
    { routeKey: 'GET /orders/{id}', method: 'POST', path: '/orders/7', source: undefined },
    { routeKey: 'GET /orders/{id}', method: 'GET', path: '/orders/7/secrets', source: undefined },
    { routeKey: 'GET /orders', method: 'GET', path: '/orders/7', source: undefined },
    { routeKey: 'not a route', method: 'GET', path: '/orders', source: undefined },
    { routeKey: undefined, method: 'GET', path: '/orders', source: undefined },
  ])('takes "$routeKey" for $method $path: $source', ({ routeKey, method, path, source }) => {
    expect(routeTemplateOf(request(method, path, routeKey))?.source).toBe(source);
  });

  it('reads the cache key of each kind from the configuration', () => {
    const cache = { httpApi: 'route', restRequest: 'off', restToken: 'token' } as const;
    expect(cacheKeyOf(request('GET', '/', undefined, 'http-v2'), cache)).toBe('route');
    expect(cacheKeyOf(request('GET', '/', undefined, 'http-v1'), cache)).toBe('route');
    expect(cacheKeyOf(request('GET', '/', undefined, 'rest-request'), cache)).toBe('off');
    expect(cacheKeyOf(request('GET', '/', undefined, 'rest-token'), cache)).toBe('token');
  });
});
