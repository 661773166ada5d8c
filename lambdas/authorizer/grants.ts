/**
 * Turns a token's scopes into the set of execute-api resources it may call, as compact IAM globs.
 *
 * The result is memoised per distinct scope set: a deployment has few scope combinations and many
 * tokens, so after the first token with a given set, building a policy costs one map lookup,
 * however many routes are configured.
 */
import { LruCache } from '../shared/lru-cache';
import { globCovers, globMatches, ROUTE_METHODS, type RoutePattern } from './routes';

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
  const kept: string[] = [];
  for (const glob of merged) {
    if (!kept.some((wider) => globCovers(wider, glob))) kept.push(glob);
  }
  return kept.sort();
}

function starCount(glob: string): number {
  let count = 0;
  for (const char of glob) if (char === '*') count++;
  return count;
}

/** True when the grants allow the request `METHOD/path` (as in an execute-api ARN). */
export function grantsAllow(grants: Grants, resource: string): boolean {
  return grants.some((glob) => globMatches(glob, resource));
}

/** Resolves scope sets to grants, memoised with a bounded cache. */
export class GrantResolver {
  private readonly memo: LruCache<string, Grants>;

  constructor(
    private readonly scopeRoutes: ScopeRoutes,
    maxScopeSets = 1000,
  ) {
    this.memo = new LruCache(maxScopeSets);
  }

  /** The grants of this scope set. Scopes not in the configuration grant nothing. */
  resolve(scopes: readonly string[]): Grants {
    const known = [...new Set(scopes.filter((scope) => this.scopeRoutes.has(scope)))].sort();
    const key = known.join(' ');
    const memoised = this.memo.get(key);
    if (memoised) return memoised;
    const grants = compactGrants(known.flatMap((scope) => (this.scopeRoutes.get(scope) ?? []).map((route) => route.resourceGlob)));
    this.memo.set(key, grants);
    return grants;
  }
}
