/**
 * Route patterns compile to one IAM glob each, and globs match with IAM's `*` semantics.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { globCovers, globMatches, parseRoutePattern } from '../../../lambdas/core/route-pattern';

describe('route-pattern', () => {
  describe('parseRoutePattern', () => {
    it.each([
      { source: 'GET /orders', method: 'GET', pathGlob: 'orders', resourceGlob: 'GET/orders' },
      { source: 'get /orders', method: 'GET', pathGlob: 'orders', resourceGlob: 'GET/orders' },
      { source: 'GET /orders/*', method: 'GET', pathGlob: 'orders/*', resourceGlob: 'GET/orders/*' },
      { source: 'PUT /orders/{id}', method: 'PUT', pathGlob: 'orders/*', resourceGlob: 'PUT/orders/*' },
      { source: 'DELETE /orders/{id}/items', method: 'DELETE', pathGlob: 'orders/*/items', resourceGlob: 'DELETE/orders/*/items' },
      { source: 'ANY /admin/{proxy+}', method: '*', pathGlob: 'admin/*', resourceGlob: '*/admin/*' },
      { source: 'ANY /{proxy+}', method: '*', pathGlob: '*', resourceGlob: '*/*' },
      { source: 'GET /files/*.json', method: 'GET', pathGlob: 'files/*.json', resourceGlob: 'GET/files/*.json' },
      { source: 'GET /', method: 'GET', pathGlob: '', resourceGlob: 'GET/' },
      { source: 'GET /orders/', method: 'GET', pathGlob: 'orders/', resourceGlob: 'GET/orders/' },
      {
        source: "GET /a-b_c.d~e!$&'()+,;=:@%20",
        method: 'GET',
        pathGlob: "a-b_c.d~e!$&'()+,;=:@%20",
        resourceGlob: "GET/a-b_c.d~e!$&'()+,;=:@%20",
      },
    ])('compiles "$source" to $resourceGlob', ({ source, method, pathGlob, resourceGlob }) => {
      // Act
      const result = parseRoutePattern(source);
      // Assert
      expect(result).toEqual({ ok: true, value: { source, method, pathGlob, resourceGlob } });
    });

    it('trims surrounding whitespace but keeps the source as written', () => {
      // Act
      const result = parseRoutePattern('  POST   /orders  ');
      // Assert
      expect(result).toEqual({
        ok: true,
        value: { source: '  POST   /orders  ', method: 'POST', pathGlob: 'orders', resourceGlob: 'POST/orders' },
      });
    });

    it.each([
      { name: 'an empty string', source: '', problem: 'is not of the form "METHOD /path"' },
      { name: 'a method without a path', source: 'GET', problem: 'is not of the form "METHOD /path"' },
      { name: 'a path without a leading slash', source: 'GET orders', problem: 'is not of the form "METHOD /path"' },
      { name: 'whitespace inside the path', source: 'GET /orders/ 1', problem: 'is not of the form "METHOD /path"' },
      { name: 'a path without a method', source: '/orders', problem: 'is not of the form "METHOD /path"' },
      { name: 'digits in the method', source: 'GET2 /orders', problem: 'is not of the form "METHOD /path"' },
      { name: 'an unknown method', source: 'FETCH /orders', problem: 'has unknown method "FETCH"' },
      { name: 'TRACE', source: 'TRACE /orders', problem: 'has unknown method "TRACE"' },
      { name: 'a greedy parameter before the last segment', source: 'ANY /{proxy+}/items', problem: 'must be the last segment' },
      { name: 'a leading empty segment', source: 'GET //orders', problem: 'has an empty path segment' },
      { name: 'an empty segment in the middle', source: 'GET /orders//items', problem: 'has an empty path segment' },
      { name: 'a query string', source: 'GET /orders?page=1', problem: 'characters API Gateway paths cannot contain' },
      { name: 'a fragment', source: 'GET /orders#top', problem: 'characters API Gateway paths cannot contain' },
      { name: 'a parameter mixed with text', source: 'GET /orders/{id}.json', problem: 'characters API Gateway paths cannot contain' },
      { name: 'an empty parameter', source: 'GET /orders/{}', problem: 'characters API Gateway paths cannot contain' },
      { name: 'a backslash', source: 'GET /orders\\1', problem: 'characters API Gateway paths cannot contain' },
    ])('rejects $name', ({ source, problem }) => {
      // Act
      const result = parseRoutePattern(source);
      // Assert
      expect(result.ok).toBe(false);
      expect(result.ok ? '' : result.problem).toContain(problem);
    });
  });

  describe('globMatches', () => {
    it.each([
      { glob: 'GET/orders', text: 'GET/orders', matches: true },
      { glob: 'GET/orders', text: 'GET/orders/1', matches: false },
      { glob: 'GET/orders', text: 'POST/orders', matches: false },
      { glob: 'GET/Orders', text: 'GET/orders', matches: false },
      { glob: 'GET/orders/*', text: 'GET/orders/1', matches: true },
      { glob: 'GET/orders/*', text: 'GET/orders/1/items', matches: true },
      { glob: 'GET/orders/*', text: 'GET/orders/', matches: true },
      { glob: 'GET/orders/*', text: 'GET/orders', matches: false },
      { glob: 'GET/orders/*/items', text: 'GET/orders/1/2/items', matches: true },
      { glob: 'GET/orders/*/items', text: 'GET/orders/1/items/x', matches: false },
      { glob: '*/admin/*', text: 'DELETE/admin/users', matches: true },
      { glob: 'GET/a*b*c', text: 'GET/aXbYc', matches: true },
      { glob: 'GET/a*b*c', text: 'GET/aXcYb', matches: false },
      { glob: '*ab', text: 'aab', matches: true },
      { glob: 'a*a', text: 'a', matches: false },
      { glob: '**', text: 'anything', matches: true },
      { glob: '*', text: '', matches: true },
      { glob: '', text: '', matches: true },
      { glob: '', text: 'x', matches: false },
      { glob: 'GET/?', text: 'GET/x', matches: false },
    ])('"$glob" against "$text" is $matches', ({ glob, text, matches }) => {
      // Act
      const result = globMatches(glob, text);
      // Assert
      expect(result).toBe(matches);
    });

    it('answers a hostile many-star glob against a long path without exponential backtracking', () => {
      // Prepare
      const glob = `${'*a'.repeat(40)}*b`;
      const text = 'a'.repeat(20_000);
      // Act
      const result = globMatches(glob, text);
      // Assert
      expect(result).toBe(false);
    });

    it('agrees with a regular expression where * is .* and everything else is literal', () => {
      // Prepare
      const glob = fc.string({ unit: fc.constantFrom('a', 'b', '/', '*', '.'), maxLength: 8 });
      const text = fc.string({ unit: fc.constantFrom('a', 'b', '/', '*', '.'), maxLength: 10 });
      // Act / Assert
      fc.assert(
        fc.property(glob, text, (g, t) => {
          const regex = new RegExp(
            `^${g
              .split('*')
              .map((part) => part.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
              .join('.*')}$`,
            's',
          );
          expect(globMatches(g, t)).toBe(regex.test(t));
        }),
      );
    });
  });

  describe('globCovers', () => {
    it.each([
      { wide: 'GET/orders/*', narrow: 'GET/orders/*', covers: true },
      { wide: '*/orders/*', narrow: 'GET/orders/*', covers: true },
      { wide: 'GET/orders/*', narrow: 'GET/orders/1', covers: true },
      { wide: 'GET/orders/*', narrow: 'GET/orders/*/items', covers: true },
      { wide: '*/*', narrow: 'DELETE/admin/*', covers: true },
      { wide: 'GET/orders/1', narrow: 'GET/orders/*', covers: false },
      { wide: 'GET/orders/*/items', narrow: 'GET/orders/*', covers: false },
      { wide: 'GET/orders/*', narrow: 'POST/orders/1', covers: false },
      { wide: 'GET/a*b', narrow: 'GET/a*', covers: false },
      { wide: 'GET/*b', narrow: 'GET/*b*', covers: false },
    ])('"$wide" covers "$narrow": $covers', ({ wide, narrow, covers }) => {
      // Act
      const result = globCovers(wide, narrow);
      // Assert
      expect(result).toBe(covers);
    });

    it('never claims to cover a glob that matches something the wider glob does not', () => {
      // Prepare: a narrow glob, and a text it matches built by filling each of its stars
      const glob = fc.string({ unit: fc.constantFrom('a', 'b', '/', '*'), maxLength: 6 });
      const fillers = fc.array(fc.string({ unit: fc.constantFrom('a', 'b', '/'), maxLength: 3 }), { minLength: 6, maxLength: 6 });
      // Act / Assert
      fc.assert(
        fc.property(glob, glob, fillers, (wide, narrow, fill) => {
          fc.pre(globCovers(wide, narrow));
          let index = 0;
          const text = narrow.replace(/\*/g, () => fill[index++] ?? '');
          expect(globMatches(wide, text)).toBe(true);
        }),
        { numRuns: 200 },
      );
    });
  });
});
