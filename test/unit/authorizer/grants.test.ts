/**
 * Scope sets → compact IAM globs: fewer globs, never a different set of requests.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compactGrants, GrantResolver, grantsAllow, type ScopeRoutes } from '../../../lambdas/authorizer/grants';
import { globMatches, parseRoutePattern, type RoutePattern } from '../../../lambdas/core/route-pattern';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

/** What a set of `METHOD/path-glob` globs is meant to allow: `*` as a method stands for one method. */
function meantToAllow(globs: readonly string[], resource: string): boolean {
  const [method, path] = splitMethod(resource);
  return globs.some((glob) => {
    const [globMethod, pathGlob] = splitMethod(glob);
    return (globMethod === '*' || globMethod === method) && globMatches(pathGlob, path);
  });
}

function splitMethod(text: string): [string, string] {
  const slash = text.indexOf('/');
  return [text.slice(0, slash), text.slice(slash + 1)];
}

function routes(...sources: string[]): RoutePattern[] {
  return sources.map((source) => {
    const parsed = parseRoutePattern(source);
    if (!parsed.ok) throw new Error(parsed.problem);
    return parsed.value;
  });
}

describe('grants', () => {
  describe('compactGrants', () => {
    it('merges a path granted for every method into one * method glob', () => {
      // Prepare
      const globs = METHODS.map((method) => `${method}/*`);
      // Act
      const grants = compactGrants(globs);
      // Assert
      expect(grants).toEqual(['*/*']);
    });

    it('keeps one glob per method on a literal path, because a * method would also match deeper paths', () => {
      // Prepare: under IAM's rules "*/orders" also matches "GET/admin/orders"
      const globs = METHODS.map((method) => `${method}/orders`);
      // Act
      const grants = compactGrants(globs);
      // Assert
      expect(grantsAllow(grants, 'GET/admin/orders')).toBe(false);
      expect(grants).toEqual(METHODS.map((method) => `${method}/orders`).sort());
    });

    it('expands an ANY route on a literal path into one glob per method', () => {
      // Act
      const grants = compactGrants(['*/admin/*']);
      // Assert
      expect(grants).toEqual(METHODS.map((method) => `${method}/admin/*`).sort());
      expect(grantsAllow(grants, 'DELETE/admin/users/7')).toBe(true);
      expect(grantsAllow(grants, 'GET/public/admin/x')).toBe(false);
    });

    it('keeps methods apart when not every method is granted', () => {
      // Act
      const grants = compactGrants(['POST/orders', 'GET/orders']);
      // Assert
      expect(grants).toEqual(['GET/orders', 'POST/orders']);
    });

    it.each([
      { name: 'a literal path under a path wildcard', input: ['GET/orders/1', 'GET/orders/*'], expected: ['GET/orders/*'] },
      { name: 'a deeper wildcard under a shallower one', input: ['GET/orders/*/items', 'GET/orders/*'], expected: ['GET/orders/*'] },
      { name: 'every route under ANY /{proxy+}', input: ['GET/orders', 'DELETE/admin/*', '*/*'], expected: ['*/*'] },
      { name: 'a one-method route under an ANY route', input: ['*/*/orders', 'PUT/a/orders'], expected: ['*/*/orders'] },
      { name: 'duplicates', input: ['GET/orders', 'GET/orders'], expected: ['GET/orders'] },
    ])('drops $name', ({ input, expected }) => {
      // Act
      const grants = compactGrants(input);
      // Assert
      expect(grants).toEqual(expected);
    });

    it('keeps globs that only overlap', () => {
      // Act
      const grants = compactGrants(['GET/orders/*/items', 'GET/orders/1']);
      // Assert
      expect(grants).toEqual(['GET/orders/*/items', 'GET/orders/1']);
    });

    it('grants exactly the requests the route patterns mean, where a method is one whole segment', () => {
      // Prepare: globs as route patterns compile them, requests as API Gateway sends them
      const method = fc.constantFrom<string>('*', ...METHODS);
      const segment = fc.constantFrom('a', 'b', '*', 'a*');
      const glob = fc.tuple(method, fc.array(segment, { minLength: 1, maxLength: 3 })).map(([m, path]) => `${m}/${path.join('/')}`);
      const request = fc
        .tuple(fc.constantFrom(...METHODS), fc.array(fc.constantFrom('a', 'b', 'ab', ''), { minLength: 1, maxLength: 4 }))
        .map(([m, path]) => `${m}/${path.join('/')}`);
      // Act / Assert
      fc.assert(
        fc.property(fc.array(glob, { maxLength: 10 }), fc.array(request, { minLength: 1, maxLength: 10 }), (globs, requests) => {
          const grants = compactGrants(globs);
          for (const resource of requests) expect(grantsAllow(grants, resource)).toBe(meantToAllow(globs, resource));
        }),
        { numRuns: 500 },
      );
    });

    it('grants nothing more than the input when every method of a literal path is granted', () => {
      // Prepare
      const globs = METHODS.map((method) => `${method}/orders`);
      const requests = METHODS.flatMap((method) => [`${method}/orders`, `${method}/admin/orders`, `${method}/x/orders`]);
      // Act
      const grants = compactGrants(globs);
      // Assert
      for (const resource of requests) expect(grantsAllow(grants, resource)).toBe(grantsAllow(globs, resource));
    });
  });

  describe('compactGrants on long lists', () => {
    it('grants exactly what 10 to 60 input globs mean, and compacting again changes nothing', () => {
      // Prepare: long enough that globs share first segments (the index compares within those)
      const segment = fc.constantFrom('a', 'b', 'ab', '*', 'a*', 'x', '');
      const glob = fc
        .tuple(fc.constantFrom(...METHODS, '*'), fc.array(segment, { minLength: 1, maxLength: 4 }))
        .map(([method, path]) => `${method}/${path.join('/')}`);
      const request = fc
        .tuple(fc.constantFrom(...METHODS), fc.array(fc.constantFrom('a', 'b', 'ab', 'x', 'xa', ''), { minLength: 1, maxLength: 5 }))
        .map(([method, path]) => `${method}/${path.join('/')}`);
      // Act / Assert
      fc.assert(
        fc.property(
          fc.array(glob, { minLength: 10, maxLength: 60 }),
          fc.array(request, { minLength: 1, maxLength: 20 }),
          (globs, requests) => {
            const compacted = compactGrants(globs);
            for (const resource of requests) expect(grantsAllow(compacted, resource)).toBe(meantToAllow(globs, resource));
            expect(compactGrants(compacted)).toEqual(compacted);
          },
        ),
        { numRuns: 300 },
      );
    });
  });

  describe('grantsAllow', () => {
    it.each([
      { resource: 'GET/orders', allowed: true },
      { resource: 'GET/orders/42', allowed: true },
      { resource: 'POST/orders', allowed: false },
      { resource: 'GET/ordersx', allowed: false },
    ])('answers $allowed for $resource', ({ resource, allowed }) => {
      // Act
      const result = grantsAllow(['GET/orders', 'GET/orders/*'], resource);
      // Assert
      expect(result).toBe(allowed);
    });

    it('allows nothing without grants', () => {
      // Act / Assert
      expect(grantsAllow([], 'GET/orders')).toBe(false);
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
            for (const resource of requests) expect(grantsAllow(globs, resource)).toBe(globs.some((g) => globMatches(g, resource)));
          },
        ),
        { numRuns: 500 },
      );
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
      expect(grants).toEqual(['GET/orders', 'GET/orders/*', 'POST/orders', 'PUT/orders/*']);
    });

    it('ignores scopes that are not configured', () => {
      // Prepare
      const resolver = new GrantResolver(scopeRoutes);
      // Act
      const withUnknown = resolver.resolve(['openid', 'orders:read', 'profile']);
      const unknownOnly = resolver.resolve(['openid', 'profile']);
      // Assert
      expect(withUnknown).toEqual(['GET/orders', 'GET/orders/*']);
      expect(unknownOnly).toEqual([]);
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
      expect(writer).toEqual(['POST/orders', 'PUT/orders/*']);
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
      expect(again).toEqual(first);
    });
  });
});
