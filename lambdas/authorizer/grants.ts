/**
 * Turns a token's scopes into the set of execute-api resources it may call ({@link Grants}), and
 * answers the two questions every request asks of that set: does it allow the invoked route, and
 * which resources does the policy's Allow statement list on this API and stage.
 *
 * Grants are memoised per distinct scope set: a deployment has few scope combinations and many
 * tokens, so after the first token with a given set, deciding and building a policy cost lookups,
 * however many routes are configured. Everything derived from a set (its index, its resource
 * lists) lives on its {@link Grants} object, and so lives exactly as long as the memo keeps it.
 */
import { MAX_MEMOISED_SCOPE_SETS } from '../core/config/defaults';
import { LruCache } from '../core/lru-cache';
import { globMatches, type RoutePattern } from '../core/route-pattern';
import { resourceArn, type ExecuteApiArn } from './execute-api-arn';
import { compactGrants, firstSegmentPrefix } from './grant-compaction';
import type { TokenRecord } from './token-record';

/** Scope name → the route patterns it grants. */
export type ScopeRoutes = ReadonlyMap<string, readonly RoutePattern[]>;

/** Up to this many globs, a plain scan is cheaper than building and consulting an index. */
const SCAN_MAX = 8;

/** A function serves one API with a few stages; past this many, the resource lists start over. */
const MAX_STAGES_PER_GRANTS = 16;

/** What a scope set grants: `METHOD/path` globs, compacted and sorted, with what is derived from them. */
export class Grants {
  private index: GlobIndex | undefined;
  private resourcesByStage: Map<string, readonly string[]> | undefined;

  /** `globs` as {@link compactGrants} returns them; they are only read. */
  constructor(readonly globs: readonly string[]) {}

  /**
   * True when the grants allow the request `METHOD/path` (as in an execute-api ARN).
   *
   * A scope set can grant hundreds of routes (an admin scope over a large API), and scanning them
   * all on every request grew the decision with the size of the API. Longer lists are indexed on
   * first use: see {@link GlobIndex}.
   */
  allows(resource: string): boolean {
    const globs = this.globs;
    if (globs.length <= SCAN_MAX) return globs.some((glob) => globMatches(glob, resource));
    this.index ??= new GlobIndex(globs);
    return this.index.matches(resource);
  }

  /**
   * The Allow statement's resources on the API and stage of `arn`, built once per stage: a repeated
   * scope set then costs one lookup however many routes it grants (rebuilding every ARN on every
   * request was the one per-request cost that grew with the API). Frozen, because every response
   * shares them and API Gateway only ever reads them.
   */
  resourceArnsOn(arn: ExecuteApiArn): readonly string[] {
    this.resourcesByStage ??= new Map();
    let resources = this.resourcesByStage.get(arn.stageArn);
    if (!resources) {
      if (this.resourcesByStage.size >= MAX_STAGES_PER_GRANTS) this.resourcesByStage.clear();
      resources = Object.freeze(this.globs.map((glob) => resourceArn(arn, glob)));
      this.resourcesByStage.set(arn.stageArn, resources);
    }
    return resources;
  }
}

/**
 * Globs indexed so a request only meets the globs that can match it, with exactly the answer of
 * scanning them all:
 * - a glob without `*` matches only itself: a set lookup;
 * - a glob whose first `*` comes after its second `/` (`GET/orders/*`) can only match a resource
 *   with the same text up to that slash, i.e. the same `METHOD/first-segment`: one bucket each;
 * - any other glob (`*` in the method or the first segment) is scanned for every request.
 */
class GlobIndex {
  private readonly literal = new Set<string>();
  private readonly byFirstSegment = new Map<string, string[]>();
  private readonly anywhere: string[] = [];

  constructor(globs: readonly string[]) {
    for (const glob of globs) {
      const prefix = firstSegmentPrefix(glob);
      if (!glob.includes('*')) this.literal.add(glob);
      else if (prefix === undefined) this.anywhere.push(glob);
      else this.byFirstSegment.set(prefix, [...(this.byFirstSegment.get(prefix) ?? []), glob]);
    }
  }

  matches(resource: string): boolean {
    if (this.literal.has(resource)) return true;
    const secondSlash = resource.indexOf('/', resource.indexOf('/') + 1);
    const bucket = this.byFirstSegment.get(secondSlash === -1 ? resource : resource.slice(0, secondSlash));
    if (bucket?.some((glob) => globMatches(glob, resource))) return true;
    return this.anywhere.some((glob) => globMatches(glob, resource));
  }
}

/**
 * Resolves scope sets to grants, memoised with a bounded cache. Only the memo holds grants: a
 * token keeps its scope-set key, never its grants, so a scope set evicted from the memo cannot stay
 * alive (with its index and resource lists) through thousands of cached tokens.
 */
export class GrantResolver {
  private readonly memo: LruCache<string, Grants>;

  constructor(
    private readonly scopeRoutes: ScopeRoutes,
    maxScopeSets = MAX_MEMOISED_SCOPE_SETS,
  ) {
    this.memo = new LruCache(maxScopeSets);
  }

  /**
   * The key a scope list's grants are memoised under: its configured scopes, de-duplicated and
   * sorted, so tokens that differ only in order, repeats or scopes no route needs share grants.
   */
  scopeSetKey(scopes: readonly string[]): string {
    return [...new Set(scopes.filter((scope) => this.scopeRoutes.has(scope)))].sort().join(' ');
  }

  /** The grants of a scope-set key. */
  grantsFor(key: string): Grants {
    let grants = this.memo.get(key);
    if (!grants) {
      const known = key === '' ? [] : key.split(' ');
      grants = new Grants(compactGrants(known.flatMap((scope) => (this.scopeRoutes.get(scope) ?? []).map((route) => route.resourceGlob))));
      this.memo.set(key, grants);
    }
    return grants;
  }

  /** The grants of a verified token; its record keeps its scope-set key, so that is worked out once per token. */
  grantsOf(token: TokenRecord): Grants {
    return this.grantsFor(token.scopeSetKey(this));
  }

  /** The grants of a scope list. Scopes not in the configuration grant nothing. */
  resolve(scopes: readonly string[]): Grants {
    return this.grantsFor(this.scopeSetKey(scopes));
  }
}
