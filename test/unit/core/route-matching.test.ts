/**
 * Matching paths against patterns (`{name}` one segment, `{name+}` the rest, `*` any run), and
 * comparing patterns with route templates — each checked against regular expressions written
 * from the documented semantics, over every short path.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchesPath, pathCovers, pathsMeet } from '../../../lambdas/core/route-matching';
import { patterns, template } from '../../helpers/routes';

const pathOf = (source: string) => patterns(source)[0]?.path ?? [];

/** The documented meaning as a regular expression over the path after its leading slash. */
function regexOf(pathSource: string, starIsWildcard: boolean): RegExp {
  const body = pathSource
    .slice(1)
    .split('/')
    .map((segment) => {
      if (/^\{[^}]+\+\}$/.test(segment)) return '.+';
      if (/^\{[^}]+\}$/.test(segment)) return '[^/]+';
      const escaped = segment.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
      return starIsWildcard ? escaped.replaceAll('*', '.*') : escaped.replaceAll('*', '\\*');
    })
    .join('/');
  return new RegExp(`^${body}$`, 's');
}

const SEGMENT_VALUES = ['a', 'b', 'ab', 'ba'];
/** One to three segments, and the odd empty segments. */
const REST_VALUES = [
  ...SEGMENT_VALUES,
  ...SEGMENT_VALUES.flatMap((first) => SEGMENT_VALUES.map((second) => `${first}/${second}`)),
  ...SEGMENT_VALUES.flatMap((first) => SEGMENT_VALUES.flatMap((second) => SEGMENT_VALUES.map((third) => `${first}/${second}/${third}`))),
  '/',
  'a/',
  '/a',
];

/** Every path a route routes, for parameter values rich enough to tell these patterns apart. */
function instancesOf(path: string): string[] {
  let paths = [''];
  for (const [index, segment] of path.slice(1).split('/').entries()) {
    const values = /^\{[^}]+\+\}$/.test(segment)
      ? REST_VALUES
      : /^\{/.test(segment)
        ? SEGMENT_VALUES
        : ['', 'a', 'b/a'].map((filler) => segment.replaceAll('*', filler));
    paths = paths.flatMap((prefix) => values.map((value) => (index === 0 ? value : `${prefix}/${value}`)));
  }
  return paths;
}

/** Every path over {a, b, /} up to five characters. */
const SHORT_PATHS: readonly string[] = (() => {
  const all = [''];
  let level = [''];
  for (let length = 1; length <= 5; length++) {
    level = level.flatMap((prefix) => ['a', 'b', '/'].map((char) => prefix + char));
    all.push(...level);
  }
  return all;
})();

const segmentArb = fc.constantFrom('a', 'b', 'ab', '{id}', '*', 'a*');
const patternPathArb = fc
  .tuple(fc.array(segmentArb, { minLength: 0, maxLength: 3 }), fc.boolean())
  .map(([segments, greedy]) => `/${[...segments, ...(greedy ? ['{proxy+}'] : [])].join('/')}`);
const templatePathArb = fc
  .tuple(fc.array(fc.constantFrom('a', 'b', 'ab', '{x}'), { minLength: 0, maxLength: 3 }), fc.boolean())
  .map(([segments, greedy]) => `/${[...segments, ...(greedy ? ['{rest+}'] : [])].join('/')}`);

describe('route-matching', () => {
  describe('matchesPath', () => {
    it.each([
      { pattern: 'GET /orders/{id}', path: 'orders/1', matches: true },
      { pattern: 'GET /orders/{id}', path: 'orders/1/secrets', matches: false },
      { pattern: 'GET /orders/{id}', path: 'orders/', matches: false },
      { pattern: 'GET /orders/{id}/items', path: 'orders/1/items', matches: true },
      { pattern: 'GET /orders/{id}/items', path: 'orders/1/2/items', matches: false },
      { pattern: 'GET /orders/*', path: 'orders/1/secrets', matches: true },
      { pattern: 'ANY /admin/{proxy+}', path: 'admin/a/b', matches: true },
      { pattern: 'ANY /admin/{proxy+}', path: 'admin/', matches: false },
      { pattern: 'GET /files/*.json', path: 'files/a/b.json', matches: true },
      { pattern: 'GET /', path: '', matches: true },
      { pattern: 'GET /', path: 'x', matches: false },
    ])('"$pattern" against "/$path" is $matches', ({ pattern, path, matches }) => {
      expect(matchesPath(pathOf(pattern), path)).toBe(matches);
    });

    it('answers a hostile many-star pattern against a long path in bounded time', () => {
      // Act: backtracking would take forever; the automaton is linear in the path.
      const result = matchesPath(pathOf(`GET /${'*a'.repeat(20)}*b`), 'a'.repeat(5000));
      // Assert
      expect(result).toBe(false);
    });

    it('agrees with the documented semantics on every short path', () => {
      fc.assert(
        fc.property(patternPathArb, (path) => {
          const atoms = pathOf(`GET ${path}`);
          const regex = regexOf(path, true);
          for (const candidate of SHORT_PATHS)
            expect(matchesPath(atoms, candidate), `${path} on /${candidate}`).toBe(regex.test(candidate));
        }),
        { numRuns: 150 },
      );
    });
  });

  describe('pathCovers and pathsMeet', () => {
    it.each([
      { pattern: 'GET /orders/{id}', route: 'GET /orders/{x}', covers: true, meets: true },
      { pattern: 'GET /orders/*', route: 'GET /orders/{x}', covers: true, meets: true },
      { pattern: 'GET /orders/42', route: 'GET /orders/{x}', covers: false, meets: true },
      { pattern: 'GET /orders/{id}', route: 'GET /orders/{proxy+}', covers: false, meets: true },
      { pattern: 'GET /orders/{id}/x', route: 'GET /orders/{x}', covers: false, meets: false },
      { pattern: 'GET /*', route: '$default', covers: true, meets: true },
      { pattern: 'GET /{proxy+}', route: '$default', covers: false, meets: true },
    ])('"$pattern" on the route "$route": covers $covers, meets $meets', ({ pattern, route, covers, meets }) => {
      const routePath = template(route).path;
      expect(pathCovers(pathOf(pattern), routePath)).toBe(covers);
      expect(pathsMeet(pathOf(pattern), routePath)).toBe(meets);
    });

    it('agree with the documented semantics on every short path of the route', () => {
      fc.assert(
        fc.property(patternPathArb, templatePathArb, (patternPath, templatePath) => {
          // Prepare
          const atoms = pathOf(`GET ${patternPath}`);
          const routePath = template(`GET ${templatePath}`).path;
          const patternRegex = regexOf(patternPath, true);
          const routeRegex = regexOf(templatePath, false);
          const routed = instancesOf(templatePath);
          for (const candidate of routed) expect(routeRegex.test(candidate), `instance /${candidate} of ${templatePath}`).toBe(true);
          // Act
          const covers = pathCovers(atoms, routePath);
          const meets = pathsMeet(atoms, routePath);
          // Assert: no counterexample to a cover, one for every refusal; a shared path for every meeting.
          if (covers) for (const candidate of routed) expect(patternRegex.test(candidate), `/${candidate}`).toBe(true);
          else expect(routed.some((candidate) => !patternRegex.test(candidate))).toBe(true);
          const witnesses = [...routed, ...instancesOf(patternPath)];
          expect(meets).toBe(witnesses.some((candidate) => patternRegex.test(candidate) && routeRegex.test(candidate)));
        }),
        { numRuns: 200 },
      );
    });
  });
});
