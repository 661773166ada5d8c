/**
 * Compaction: fewer globs, never a different set of requests.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compactGrants } from '../../../lambdas/authorizer/grant-compaction';
import { globMatches } from '../../../lambdas/core/iam-glob';

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

/** Whether an IAM policy allowing exactly these globs (`*` in the method written out) allows the resource. */
function allows(globs: readonly string[], resource: string): boolean {
  return globs.some((glob) => globMatches(glob, resource));
}

describe('grant-compaction', () => {
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
      expect(allows(grants, 'GET/admin/orders')).toBe(false);
      expect(grants).toEqual(METHODS.map((method) => `${method}/orders`).sort());
    });

    it('expands an ANY route on a literal path into one glob per method', () => {
      // Act
      const grants = compactGrants(['*/admin/*']);
      // Assert
      expect(grants).toEqual(METHODS.map((method) => `${method}/admin/*`).sort());
      expect(allows(grants, 'DELETE/admin/users/7')).toBe(true);
      expect(allows(grants, 'GET/public/admin/x')).toBe(false);
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
          for (const resource of requests) expect(allows(grants, resource)).toBe(meantToAllow(globs, resource));
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
      for (const resource of requests) expect(allows(grants, resource)).toBe(allows(globs, resource));
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
            for (const resource of requests) expect(allows(compacted, resource)).toBe(meantToAllow(globs, resource));
            expect(compactGrants(compacted)).toEqual(compacted);
          },
        ),
        { numRuns: 300 },
      );
    });
  });
});
