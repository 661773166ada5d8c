/**
 * Grants: what a scope set grants, how a request is matched against it (indexed or not, the same
 * answer), the policy's resource lists per stage, route templates covered whole, and the memo per
 * scope set.
 */
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { parseExecuteApiArn, type ExecuteApiArn } from '../../../lambdas/authorizer/execute-api-arn';
import { GrantResolver, Grants, type ScopeRoutes } from '../../../lambdas/authorizer/grants';
import { TokenRecord } from '../../../lambdas/authorizer/token-record';
import { matchesPath } from '../../../lambdas/core/route-matching';
import { verifiedClaims } from '../../helpers/claims';
import { grantsOf, patterns as routes, template } from '../../helpers/routes';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

describe('grants', () => {
  describe('Grants.grantOf', () => {
    it.each([
      { method: 'GET', path: '/orders', grant: 'exact' },
      { method: 'GET', path: '/orders/42', grant: 'parameter' },
      { method: 'GET', path: '/orders/42/secrets', grant: undefined },
      { method: 'GET', path: '/reports/2026/01', grant: 'exact' },
      { method: 'POST', path: '/orders', grant: undefined },
      { method: 'GET', path: '/ordersx', grant: undefined },
      { method: 'DELETE', path: '/admin/users/7', grant: 'exact' },
      { method: 'DELETE', path: '/admin/', grant: undefined },
    ])('answers $grant for $method $path', ({ method, path, grant }) => {
      // Prepare
      const grants = grantsOf('GET /orders', 'GET /orders/{id}', 'GET /reports/*', 'ANY /admin/{proxy+}');
      // Act, Assert
      expect(grants.grantOf(method, path)).toBe(grant);
      expect(grants.allows(method, path)).toBe(grant !== undefined);
    });

    it('answers exact when an exact pattern grants what a {name} pattern also grants', () => {
      expect(grantsOf('GET /orders/{id}', 'GET /orders/*').grantOf('GET', '/orders/1')).toBe('exact');
    });

    it('allows nothing without grants', () => {
      expect(grantsOf().allows('GET', '/orders')).toBe(false);
    });

    it('lists only the exact globs, compacted', () => {
      expect(grantsOf('GET /orders', 'GET /orders/{id}', 'GET /orders/*', 'ANY /admin/{proxy+}').globs).toEqual(
        [...METHODS.map((method) => `${method}/admin/?*`), 'GET/orders', 'GET/orders/*'].sort(),
      );
    });

    it('answers exactly as a scan of every pattern when the list is long enough to be indexed', () => {
      // Prepare: literal first segments, stars and parameters anywhere
      const segment = fc.constantFrom('a', 'b', 'ab', '*', 'a*', '{id}');
      const pattern = fc
        .tuple(fc.constantFrom(...METHODS, 'ANY'), fc.array(segment, { minLength: 0, maxLength: 3 }), fc.boolean())
        .map(([method, path, greedy]) => `${method} /${[...path, ...(greedy ? ['{proxy+}'] : [])].join('/')}`);
      const request = fc
        .tuple(fc.constantFrom(...METHODS), fc.array(fc.constantFrom('a', 'b', 'ab', 'ba', ''), { minLength: 1, maxLength: 5 }))
        .map(([method, path]) => ({ method, path: `/${path.join('/')}` }));
      // Act / Assert
      fc.assert(
        fc.property(
          fc.uniqueArray(pattern, { minLength: 9, maxLength: 40 }),
          fc.array(request, { minLength: 1, maxLength: 20 }),
          (sources, requests) => {
            const parsed = routes(...sources);
            const grants = new Grants(parsed);
            for (const { method, path } of requests) {
              const expected = parsed.some((p) => (p.method === '*' || p.method === method) && matchesPath(p.path, path.slice(1)));
              expect(grants.allows(method, path)).toBe(expected);
            }
          },
        ),
        { numRuns: 300 },
      );
    });
  });

  describe('Grants.templateGlobs and coversTemplate', () => {
    it.each([
      { patterns: ['GET /orders/{id}'], route: 'GET /orders/{id}', globs: ['GET/orders/*'], covers: true },
      // Covered by an exact glob the policy lists anyway: nothing to add.
      { patterns: ['GET /orders/*'], route: 'GET /orders/{id}', globs: [], covers: true },
      { patterns: ['GET /orders/42'], route: 'GET /orders/{id}', globs: [], covers: false },
      { patterns: ['GET /orders/{id}'], route: 'GET /orders/{proxy+}', globs: [], covers: false },
      { patterns: ['GET /orders/{id}'], route: 'ANY /orders/{id}', globs: ['GET/orders/*'], covers: false },
      { patterns: ['ANY /orders/{id}'], route: 'ANY /orders/{id}', globs: METHODS.map((m) => `${m}/orders/*`), covers: true },
      { patterns: ['GET /{a}/{b+}'], route: '$default', globs: [], covers: false },
      { patterns: ['GET /*'], route: '$default', globs: [], covers: false },
      { patterns: ['ANY /*'], route: '$default', globs: [], covers: true },
      { patterns: ['ANY /{p+}', 'ANY /{a}', 'ANY /'], route: '$default', globs: [], covers: false },
    ])('with $patterns, the route $route gives $globs', ({ patterns, route, globs, covers }) => {
      // Prepare
      const grants = grantsOf(...patterns);
      // Act, Assert
      expect(grants.templateGlobs(template(route))).toEqual(globs);
      expect(grants.coversTemplate(template(route))).toBe(covers);
    });

    it('remembers a template’s globs', () => {
      const grants = grantsOf('GET /orders/{id}');
      expect(grants.templateGlobs(template('GET /orders/{id}'))).toBe(grants.templateGlobs(template('GET /orders/{id}')));
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
      const grants = grantsOf('GET /orders', 'GET /orders/*');
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
      const grants = grantsOf('GET /orders');
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
      expect(grants.globs).toEqual(['GET/orders', 'GET/orders/*', 'POST/orders']);
      expect(grants.patterns.map((pattern) => pattern.source).sort()).toEqual([
        'GET /orders',
        'GET /orders/*',
        'GET /orders/{id}',
        'POST /orders',
        'PUT /orders/{id}',
      ]);
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
      expect(writer.globs).toEqual(['POST/orders']);
      expect(writer.allows('PUT', '/orders/1')).toBe(true);
      expect(writer.allows('PUT', '/orders/1/items')).toBe(false);
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
