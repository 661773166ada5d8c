/**
 * Compacts the globs a scope set grants: drops globs another glob already covers and merges a path
 * granted for every method, without ever changing which requests the list grants.
 *
 * The Allow statement of every policy lists these globs, so a shorter list is a smaller policy
 * document on every response; and compaction runs once per scope set (grants are memoised), so it
 * may take care to be exact.
 */
import { globCovers } from '../core/iam-glob';
import { CONCRETE_METHODS } from '../core/route-pattern';

/**
 * Removes globs another glob already covers, and merges a path granted for every method into one
 * `*` method glob where that is exact. The result grants exactly the same requests as the input
 * means (a `*` method standing for any one method).
 *
 * IAM's `*` also matches `/`, so a method wildcard in front of a literal path leaks into the path:
 * the method glob `*` in front of the path `orders` would also grant `GET/admin/orders`. A method
 * wildcard is exact only when the path glob itself starts with `*`; otherwise every method gets
 * its own glob, and an `ANY /orders` route is expanded the same way.
 */
export function compactGrants(resourceGlobs: Iterable<string>): string[] {
  const methodsByPath = new Map<string, Set<string>>();
  for (const glob of resourceGlobs) {
    const slash = glob.indexOf('/');
    const method = glob.slice(0, slash);
    const path = glob.slice(slash + 1);
    const methods = methodsByPath.get(path) ?? new Set<string>();
    methods.add(method);
    methodsByPath.set(path, methods);
  }
  const merged: string[] = [];
  for (const [path, methods] of methodsByPath) {
    const everyMethod = methods.has('*') || CONCRETE_METHODS.every((method) => methods.has(method));
    if (everyMethod && path.startsWith('*')) {
      merged.push(`*/${path}`);
    } else if (everyMethod) {
      for (const method of CONCRETE_METHODS) merged.push(`${method}/${path}`);
    } else {
      for (const method of methods) merged.push(`${method}/${path}`);
    }
  }
  // Widest first, so each glob is only checked against ones that could cover it.
  merged.sort((a, b) => starCount(b) - starCount(a) || a.localeCompare(b));
  // Each glob is checked only against the kept globs that can cover it (see firstSegmentPrefix):
  // checking all of them made a large scope set's first resolution grow with the square of its
  // routes (BENCHMARKS.md, "What was optimised").
  const kept: string[] = [];
  const keptByPrefix = new Map<string, string[]>();
  const keptAnywhere: string[] = [];
  for (const glob of merged) {
    const prefix = firstSegmentPrefix(glob);
    const sameFirstSegment = prefix === undefined ? undefined : keptByPrefix.get(prefix);
    if (sameFirstSegment?.some((wider) => globCovers(wider, glob)) || keptAnywhere.some((wider) => globCovers(wider, glob))) continue;
    kept.push(glob);
    // A glob without `*` covers only itself (and there are no duplicates): it never covers another.
    if (!glob.includes('*')) continue;
    if (prefix === undefined) keptAnywhere.push(glob);
    else if (sameFirstSegment) sameFirstSegment.push(glob);
    else keptByPrefix.set(prefix, [glob]);
  }
  return kept.sort();
}

/**
 * `METHOD/first-segment` when the glob's text up to its second `/` is literal, else `undefined`.
 * A glob with such a prefix can only match (or cover) text that starts with the same prefix and
 * `/`, because every character before its first `*` must match exactly: so such globs are
 * compared only with globs of the same prefix, and the others with everything.
 */
export function firstSegmentPrefix(glob: string): string | undefined {
  const secondSlash = glob.indexOf('/', glob.indexOf('/') + 1);
  if (secondSlash === -1) return undefined;
  const star = glob.indexOf('*');
  return star === -1 || star > secondSlash ? glob.slice(0, secondSlash) : undefined;
}

function starCount(glob: string): number {
  let count = 0;
  for (const char of glob) if (char === '*') count++;
  return count;
}
