/**
 * IAM's wildcard matching on the globs Tollbooth writes: `*` spans `/`; `?` is one character for
 * IAM and a literal when Tollbooth compares its own globs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { globCovers, globMatches, iamResourceMatches } from '../../../lambdas/core/iam-glob';

describe('iam-glob', () => {
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
  describe('iamResourceMatches', () => {
    it.each([
      { glob: 'GET/admin/?*', text: 'GET/admin/x', matches: true },
      { glob: 'GET/admin/?*', text: 'GET/admin/x/y', matches: true },
      { glob: 'GET/admin/?*', text: 'GET/admin/', matches: false },
      { glob: 'GET/?', text: 'GET/x', matches: true },
      { glob: 'GET/?', text: 'GET/xy', matches: false },
    ])('"$glob" against "$text" is $matches, with ? as one character', ({ glob, text, matches }) => {
      expect(iamResourceMatches(glob, text)).toBe(matches);
    });
  });
});
