/**
 * Turns a token's scopes into the set of execute-api resources it may call, as compact IAM globs.
 *
 * The result is memoised per distinct scope set: a deployment has few scope combinations and many
 * tokens, so after the first token with a given set, building a policy costs one map lookup,
 * however many routes are configured.
 */
import { MAX_MEMOISED_SCOPE_SETS } from '../core/config/defaults';
import { LruCache } from '../core/lru-cache';
import { globCovers, globMatches, ROUTE_METHODS, type RoutePattern } from '../core/route-pattern';

/** Scope name → the route patterns it grants. */
export type ScopeRoutes = ReadonlyMap<string, readonly RoutePattern[]>;

/** What a scope set grants: `METHOD/path` globs, compacted and sorted. */
export type Grants = readonly string[];

const CONCRETE_METHODS = ROUTE_METHODS.filter((method) => method !== 'ANY');

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
export function compactGrants(resourceGlobs: Iterable<string>): Grants {
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
  // checking all of them made a 1,000-route scope set take 14.5 ms to resolve the first time.
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
function firstSegmentPrefix(glob: string): string | undefined {
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

/** Up to this many globs, a plain scan is cheaper than building and consulting an index. */
const SCAN_MAX = 8;

const matchers = new WeakMap<Grants, (resource: string) => boolean>();

/**
 * True when the grants allow the request `METHOD/path` (as in an execute-api ARN).
 *
 * A scope set can grant hundreds of routes (an admin scope over a large API), and scanning them
 * all on every request grew the decision with the size of the API. Larger grant lists are
 * indexed once per list (lists are memoised per scope set, so the index lives as long as the
 * list): see {@link indexGrants}.
 */
export function grantsAllow(grants: Grants, resource: string): boolean {
  if (grants.length <= SCAN_MAX) return grants.some((glob) => globMatches(glob, resource));
  let matches = matchers.get(grants);
  if (!matches) {
    matches = indexGrants(grants);
    matchers.set(grants, matches);
  }
  return matches(resource);
}

/**
 * Indexes globs so a request only meets the globs that can match it, with exactly the answer of
 * scanning them all:
 * - a glob without `*` matches only itself: a set lookup;
 * - a glob whose first `*` comes after its second `/` (`GET/orders/*`) can only match a resource
 *   with the same text up to that slash, i.e. the same `METHOD/first-segment`: one bucket each;
 * - any other glob (`*` in the method or the first segment) is scanned for every request.
 */
function indexGrants(grants: Grants): (resource: string) => boolean {
  const literal = new Set<string>();
  const byFirstSegment = new Map<string, string[]>();
  const anywhere: string[] = [];
  for (const glob of grants) {
    const prefix = firstSegmentPrefix(glob);
    if (!glob.includes('*')) literal.add(glob);
    else if (prefix === undefined) anywhere.push(glob);
    else byFirstSegment.set(prefix, [...(byFirstSegment.get(prefix) ?? []), glob]);
  }
  return (resource) => {
    if (literal.has(resource)) return true;
    const secondSlash = resource.indexOf('/', resource.indexOf('/') + 1);
    const bucket = byFirstSegment.get(secondSlash === -1 ? resource : resource.slice(0, secondSlash));
    if (bucket?.some((glob) => globMatches(glob, resource))) return true;
    return anywhere.some((glob) => globMatches(glob, resource));
  };
}

/** Resolves scope sets to grants, memoised with a bounded cache. */
export class GrantResolver {
  private readonly memo: LruCache<string, Grants>;
  /**
   * The memo key of a scope list, by the list's identity: a repeated token brings back the same
   * (readonly) list from its cached claims, so filtering, sorting and joining it again is skipped.
   * Only the key is remembered here, never the grants: grants live in the bounded memo alone, so a
   * scope set evicted from it cannot stay alive (with its index and resource lists) through
   * thousands of cached tokens.
   */
  private readonly keyByScopeList = new WeakMap<readonly string[], string>();

  constructor(
    private readonly scopeRoutes: ScopeRoutes,
    maxScopeSets = MAX_MEMOISED_SCOPE_SETS,
  ) {
    this.memo = new LruCache(maxScopeSets);
  }

  /** The grants of this scope set. Scopes not in the configuration grant nothing. */
  resolve(scopes: readonly string[]): Grants {
    let key = this.keyByScopeList.get(scopes);
    if (key === undefined) {
      key = [...new Set(scopes.filter((scope) => this.scopeRoutes.has(scope)))].sort().join(' ');
      this.keyByScopeList.set(scopes, key);
    }
    let grants = this.memo.get(key);
    if (!grants) {
      const known = key === '' ? [] : key.split(' ');
      grants = compactGrants(known.flatMap((scope) => (this.scopeRoutes.get(scope) ?? []).map((route) => route.resourceGlob)));
      this.memo.set(key, grants);
    }
    return grants;
  }
}
