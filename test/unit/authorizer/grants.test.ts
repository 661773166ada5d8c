/**
 * Grants: what a scope set grants, how a request is matched against it (indexed or not, the same
 * answer), the policy's resource lists per stage, and the memo per scope set.
 */
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { parseExecuteApiArn, type ExecuteApiArn } from '../../../lambdas/authorizer/execute-api-arn';
import { GrantResolver, Grants, type ScopeRoutes } from '../../../lambdas/authorizer/grants';
import { TokenRecord } from '../../../lambdas/authorizer/token-record';
import { globMatches, parseRoutePattern, type RoutePattern } from '../../../lambdas/core/route-pattern';
import { verifiedClaims } from '../../helpers/claims';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

function routes(...sources: string[]): RoutePattern[] {
  return sources.map((source) => {
    const parsed = parseRoutePattern(source);
    if (!parsed.ok) throw new Error(parsed.problem);
    return parsed.value;
  });
}

describe('grants', () => {
  describe('Grants.allows', () => {
    it.each([
      { resource: 'GET/orders', allowed: true },
      { resource: 'GET/orders/42', allowed: true },
      { resource: 'POST/orders', allowed: false },
      { resource: 'GET/ordersx', allowed: false },
    ])('answers $allowed for $resource', ({ resource, allowed }) => {
      // Act
      const result = new Grants(['GET/orders', 'GET/orders/*']).allows(resource);
      // Assert
      expect(result).toBe(allowed);
    });

    it('allows nothing without grants', () => {
      // Act / Assert
      expect(new Grants([]).allows('GET/orders')).toBe(false);
    });

    it('answers exactly as a scan of every glob when the list is long enough to be indexed', () => {
      // Prepare: stars in the method, the first segment, deeper segments, or nowhere
      const segment = fc.constantFrom('a', 'b', 'ab', '*', 'a*', '*b', '');
      const glob = fc
        .tuple(fc.constantFrom(...METHODS, '*'), fc.array(segment, { minLength: 1, maxLength: 4 }))
        .map(([method, path]) => `${method}/${path.join('/')}`);
      const request = fc
        .tuple(fc.constantFrom(...METHODS), fc.array(fc.constantFrom('a', 'b', 'ab', 'ba', ''), { minLength: 1, maxLength: 5 }))
        .map(([method, path]) => `${method}/${path.join('/')}`);
      // Act / Assert
      fc.assert(
        fc.property(
          fc.array(glob, { minLength: 9, maxLength: 40 }),
          fc.array(request, { minLength: 1, maxLength: 20 }),
          (globs, requests) => {
            const grants = new Grants(globs);
            for (const resource of requests) expect(grants.allows(resource)).toBe(globs.some((g) => globMatches(g, resource)));
          },
        ),
        { numRuns: 500 },
      );
    });
  });

  describe('Grants.resourceArnsOn', () => {
    const STAGE = 'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5';

    function arnOn(stage: string): ExecuteApiArn {
      const arn = parseExecuteApiArn(`${STAGE}/${stage}/GET/orders/1`);
      if (!arn) throw new Error('fixture ARN did not parse');
      return arn;
    }

    it('lists every glob as an ARN of the stage, built once per stage and frozen', () => {
      // Prepare
      const grants = new Grants(['GET/orders', 'GET/orders/*']);
      // Act
      const first = grants.resourceArnsOn(arnOn('prod'));
      const again = grants.resourceArnsOn(arnOn('prod'));
      const test = grants.resourceArnsOn(arnOn('test'));
      // Assert
      expect(first).toEqual([`${STAGE}/prod/GET/orders`, `${STAGE}/prod/GET/orders/*`]);
      expect(again).toBe(first);
      expect(Object.isFrozen(first)).toBe(true);
      expect(test).toEqual([`${STAGE}/test/GET/orders`, `${STAGE}/test/GET/orders/*`]);
    });

    it('starts its lists over past 16 stages, with the same answers', () => {
      // Prepare
      const grants = new Grants(['GET/orders']);
      const first = grants.resourceArnsOn(arnOn('s0'));
      for (let stage = 1; stage <= 16; stage++) grants.resourceArnsOn(arnOn(`s${stage}`));
      // Act
      const again = grants.resourceArnsOn(arnOn('s0'));
      // Assert
      expect(again).not.toBe(first);
      expect(again).toEqual(first);
    });
  });

  describe('GrantResolver', () => {
    const scopeRoutes: ScopeRoutes = new Map([
      ['orders:read', routes('GET /orders', 'GET /orders/*')],
      ['orders:write', routes('POST /orders', 'PUT /orders/{id}')],
      ['orders:item', routes('GET /orders/{id}')],
    ]);

    it('grants the union of the routes of every known scope, compacted', () => {
      // Prepare
      const resolver = new GrantResolver(scopeRoutes);
      // Act
      const grants = resolver.resolve(['orders:read', 'orders:write', 'orders:item']);
      // Assert
      expect(grants.globs).toEqual(['GET/orders', 'GET/orders/*', 'POST/orders', 'PUT/orders/*']);
    });

    it('ignores scopes that are not configured', () => {
      // Prepare
      const resolver = new GrantResolver(scopeRoutes);
      // Act
      const withUnknown = resolver.resolve(['openid', 'orders:read', 'profile']);
      const unknownOnly = resolver.resolve(['openid', 'profile']);
      // Assert
      expect(withUnknown.globs).toEqual(['GET/orders', 'GET/orders/*']);
      expect(unknownOnly.globs).toEqual([]);
    });

    it('memoises per scope set, whatever the order, duplicates or unknown scopes', () => {
      // Prepare
      const resolver = new GrantResolver(scopeRoutes);
      const first = resolver.resolve(['orders:write', 'orders:read']);
      // Act
      const reordered = resolver.resolve(['orders:read', 'orders:write', 'orders:read', 'email']);
      // Assert
      expect(reordered).toBe(first);
    });

    it('resolves a different scope set separately', () => {
      // Prepare
      const resolver = new GrantResolver(scopeRoutes);
      const reader = resolver.resolve(['orders:read']);
      // Act
      const writer = resolver.resolve(['orders:write']);
      // Assert
      expect(writer).not.toBe(reader);
      expect(writer.globs).toEqual(['POST/orders', 'PUT/orders/*']);
    });

    it('gives a token the grants of its scopes, working out its scope-set key once per token', () => {
      // Prepare
      const resolver = new GrantResolver(scopeRoutes);
      const keyOf = vi.spyOn(resolver, 'scopeSetKey');
      const token = new TokenRecord(verifiedClaims({ scopes: ['orders:write', 'email', 'orders:read'] }));
      // Act
      const first = resolver.grantsOf(token);
      const again = resolver.grantsOf(token);
      // Assert
      expect(again).toBe(first);
      expect(keyOf).toHaveBeenCalledTimes(1);
      expect(first).toBe(resolver.resolve(['orders:read', 'orders:write']));
    });

    it('recomputes a scope set evicted from its bounded memo, with the same answer', () => {
      // Prepare
      const resolver = new GrantResolver(scopeRoutes, 1);
      const first = resolver.resolve(['orders:read']);
      resolver.resolve(['orders:write']);
      // Act
      const again = resolver.resolve(['orders:read']);
      // Assert
      expect(again).not.toBe(first);
      expect(again.globs).toEqual(first.globs);
    });
  });
});
