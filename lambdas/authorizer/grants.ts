/**
 * Turns a token's scopes into what it may call ({@link Grants}), and answers the questions every
 * request asks of that: is the invoked request granted, which IAM globs may the policy allow on
 * this API and stage, and which route templates does one grant cover whole.
 *
 * The decision is Tollbooth's own (route-matching.ts: `{name}` is one segment). The policy is
 * IAM's, evaluated by API Gateway also for later requests from its cache, so it only ever allows
 * globs that mean no more than a grant: the grants' exact globs (route-pattern.ts), and — where
 * the cache is keyed by route — a route template's glob when one grant covers the whole template.
 *
 * Grants are memoised per distinct scope set: a deployment has few scope combinations and many
 * tokens, so after the first token with a given set, deciding and building a policy cost lookups,
 * however many routes are configured. Everything derived from a set (its index, its resource
 * lists, its template verdicts) lives on its {@link Grants} object, and so lives exactly as long as
 * the memo keeps it.
 */
import { MAX_MEMOISED_SCOPE_SETS } from '../core/config/defaults';
import { globCovers } from '../core/iam-glob';
import { LruCache } from '../core/lru-cache';
import { matchesPath, pathCovers } from '../core/route-matching';
import { CONCRETE_METHODS, templatePathGlob, type RoutePattern, type RouteTemplate } from '../core/route-pattern';
import { POLICY_RESOURCE_MAX_LENGTH } from '../core/gateway-limits';
import { resourceArn, type ExecuteApiArn } from './execute-api-arn';
import { compactGrants } from './grant-compaction';
import type { TokenRecord } from './token-record';

/** Scope name → the route patterns it grants. */
export type ScopeRoutes = ReadonlyMap<string, readonly RoutePattern[]>;

/** How a request is granted: by a pattern whose IAM glob the policy lists (`exact`), or only by `{name}` patterns. */
export type Grant = 'exact' | 'parameter';

/** Up to this many patterns, a plain scan is cheaper than building and consulting an index. */
const SCAN_MAX = 8;

/** A function serves one API with a few stages; past this many, the resource lists start over. */
const MAX_STAGES_PER_GRANTS = 16;

/** Route templates whose verdicts one scope set remembers: an API's routes. */
const MAX_TEMPLATES_PER_GRANTS = 256;

/** The Allow resources of one stage, and whether any exact glob had to be left out for length. */
interface StageResources {
  readonly arns: readonly string[];
  readonly complete: boolean;
}

/** What a scope set grants: its patterns, and the compacted exact globs every policy allows. */
export class Grants {
  /** The exact globs (`METHOD/path`), compacted and sorted: the Allow list of every policy. */
  readonly globs: readonly string[];
  private index: PatternIndex | undefined;
  private resourcesByStage: Map<string, StageResources> | undefined;
  private templates: LruCache<string, readonly string[]> | undefined;

  /** `patterns` are only read. */
  constructor(readonly patterns: readonly RoutePattern[]) {
    this.globs = compactGrants(patterns.flatMap((pattern) => (pattern.exactGlob === undefined ? [] : [pattern.exactGlob])));
  }

  /**
   * How the request `method /path` (`path` with its leading slash) is granted, or `undefined`.
   * `exact` as soon as a pattern the Allow list expresses matches; `parameter` when only `{name}`
   * patterns do.
   *
   * A scope set can grant hundreds of routes (an admin scope over a large API), and scanning them
   * all on every request grew the decision with the size of the API. Longer lists are indexed on
   * first use: see {@link PatternIndex}.
   */
  grantOf(method: string, path: string): Grant | undefined {
    const relative = path.slice(1);
    let candidates: readonly RoutePattern[];
    if (this.patterns.length <= SCAN_MAX) {
      candidates = this.patterns;
    } else {
      this.index ??= new PatternIndex(this.patterns);
      candidates = this.index.candidates(relative);
    }
    let grant: Grant | undefined;
    for (const pattern of candidates) {
      if ((pattern.method !== '*' && pattern.method !== method) || !matchesPath(pattern.path, relative)) continue;
      if (pattern.exactGlob !== undefined) return 'exact';
      grant = 'parameter';
    }
    return grant;
  }

  /** True when the request `method /path` is granted at all. */
  allows(method: string, path: string): boolean {
    return this.grantOf(method, path) !== undefined;
  }

  /**
   * The Allow statement's resources on the API and stage of `arn`, built once per stage: a repeated
   * scope set then costs one lookup however many routes it grants (rebuilding every ARN on every
   * request was the one per-request cost that grew with the API). Frozen, because every response
   * shares them and API Gateway only ever reads them. A glob whose ARN would pass API Gateway's
   * 512-character limit is left out (configuration refuses such patterns for real API ARNs;
   * an emulator's longer account or API id could still get there).
   */
  resourceArnsOn(arn: ExecuteApiArn): readonly string[] {
    return this.stageResources(arn).arns;
  }

  /** True when the Allow list of this stage holds every exact glob (none too long for API Gateway). */
  listsEveryExactGlobOn(arn: ExecuteApiArn): boolean {
    return this.stageResources(arn).complete;
  }

  /**
   * For a route template: `METHOD/template-glob` for each method of the template that one granted
   * pattern covers whole (unless an exact glob of the list already covers it). Under an authorizer
   * cache keyed by route, a policy allowing these is replayed only for requests of that route,
   * every one of which the covering pattern grants.
   */
  templateGlobs(template: RouteTemplate): readonly string[] {
    this.templates ??= new LruCache(MAX_TEMPLATES_PER_GRANTS);
    let globs = this.templates.get(template.source);
    if (!globs) {
      const pathGlob = templatePathGlob(template);
      const methods = template.method === '*' ? CONCRETE_METHODS : [template.method];
      // A template glob one of the listed exact globs already covers adds nothing to the policy.
      globs =
        pathGlob === undefined
          ? []
          : Object.freeze(
              methods
                .filter((method) => this.covers(method, template))
                .map((method) => `${method}/${pathGlob}`)
                .filter((glob) => !this.globs.some((listed) => globCovers(listed, glob))),
            );
      this.templates.set(template.source, globs);
    }
    return globs;
  }

  /** True when one granted pattern grants every request of the template, for every method it routes. */
  coversTemplate(template: RouteTemplate): boolean {
    const methods = template.method === '*' ? CONCRETE_METHODS : [template.method];
    return methods.every((method) => this.covers(method, template));
  }

  /** True when one granted pattern grants every `method` request of the template. */
  covers(method: string, template: RouteTemplate): boolean {
    return this.patterns.some(
      (pattern) => (pattern.method === '*' || pattern.method === method) && pathCovers(pattern.path, template.path),
    );
  }

  private stageResources(arn: ExecuteApiArn): StageResources {
    this.resourcesByStage ??= new Map();
    let resources = this.resourcesByStage.get(arn.stageArn);
    if (!resources) {
      if (this.resourcesByStage.size >= MAX_STAGES_PER_GRANTS) this.resourcesByStage.clear();
      const all = this.globs.map((glob) => resourceArn(arn, glob));
      const arns = Object.freeze(all.filter((resource) => resource.length <= POLICY_RESOURCE_MAX_LENGTH));
      resources = { arns, complete: arns.length === all.length };
      this.resourcesByStage.set(arn.stageArn, resources);
    }
    return resources;
  }
}

/**
 * Patterns indexed so a request only meets the patterns that can match it, with exactly the
 * answer of scanning them all: a pattern whose path starts with a literal first segment and a
 * `/` (`orders/…`), or is one literal segment (`orders`), can only match a path with that first
 * segment; any other pattern (a `*` or a parameter first) is a candidate for every request.
 */
class PatternIndex {
  private readonly byFirstSegment = new Map<string, RoutePattern[]>();
  private readonly anywhere: RoutePattern[] = [];

  constructor(patterns: readonly RoutePattern[]) {
    for (const pattern of patterns) {
      const first = pattern.path[0];
      const text = first?.kind === 'text' ? first.text : undefined;
      const slash = text?.indexOf('/') ?? -1;
      const literalFirstSegment =
        text === undefined ? undefined : slash !== -1 ? text.slice(0, slash) : pattern.path.length === 1 ? text : undefined;
      if (literalFirstSegment === undefined) this.anywhere.push(pattern);
      else this.byFirstSegment.set(literalFirstSegment, [...(this.byFirstSegment.get(literalFirstSegment) ?? []), pattern]);
    }
  }

  candidates(path: string): readonly RoutePattern[] {
    const slash = path.indexOf('/');
    const bucket = this.byFirstSegment.get(slash === -1 ? path : path.slice(0, slash));
    if (!bucket) return this.anywhere;
    return this.anywhere.length === 0 ? bucket : [...bucket, ...this.anywhere];
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
      const patterns = new Map<string, RoutePattern>();
      for (const scope of known) for (const pattern of this.scopeRoutes.get(scope) ?? []) patterns.set(pattern.source, pattern);
      grants = new Grants([...patterns.values()]);
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
