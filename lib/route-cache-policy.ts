/**
 * How the construct's result caches and the scope → route map must fit together, decided at
 * synth time.
 *
 * API Gateway replays a cached answer for every request with the same identity sources. The
 * function writes policies that are sound for the cache key it is told about (`resultsCache`,
 * lambdas/core/config/parse-results-cache.ts), so the construct tells it what it configured. Two
 * combinations cannot work and are refused, and one only half works and is flagged:
 *
 * - **A cache keyed by the token alone** (a REST `TOKEN` authorizer always; HTTP and REST
 *   `REQUEST` authorizers with `cacheByRoute: false`) **with a `{name}` segment in the scopes**:
 *   IAM cannot say "one segment", so the policy may only allow the invoked path, and a cached
 *   answer would refuse the token's other ids until it expires. Such a cache is off by default,
 *   and an explicit TTL is refused.
 * - **Simple responses cached by route with a scope that grants part of a route**: a cached
 *   `isAuthorized: true` opens the whole route (`GET /orders/{id}` for a scope granting
 *   `GET /orders/42`). Refused for each such route the authorizer is put on.
 * - **IAM policies cached by route with a `{name}` pattern granting part of a route**
 *   (`GET /orders/{id}` on a route `GET /orders/{proxy+}`): sound, but the route's other granted
 *   paths are refused from the cache until it expires. A warning on the route.
 */
import type { ResultsCacheConfig, ResultsCacheKey } from '../lambdas/core/config/authorizer-config';
import { Grants } from '../lambdas/authorizer/grants';
import { pathsMeet } from '../lambdas/core/route-matching';
import { CONCRETE_METHODS, parseRoutePattern, parseRouteTemplate, type RoutePattern } from '../lambdas/core/route-pattern';

/** The first pattern with a `{name}` segment (one IAM cannot express), or `undefined`. */
export function firstSegmentParameter(scopeRoutes: Readonly<Record<string, readonly string[]>>): string | undefined {
  for (const patterns of Object.values(scopeRoutes)) {
    for (const source of patterns) {
      const parsed = parseRoutePattern(source);
      if (parsed.ok && parsed.value.exactGlob === undefined) return source;
    }
  }
  return undefined;
}

/** What the function is told about API Gateway's caches, from their TTLs and keys. */
export function resultsCacheOf(settings: {
  readonly httpTtlSeconds: number;
  readonly restRequestTtlSeconds: number;
  readonly restTokenTtlSeconds: number;
  readonly cacheByRoute: boolean;
}): ResultsCacheConfig {
  const keyOf = (ttlSeconds: number): ResultsCacheKey => (ttlSeconds === 0 ? 'off' : settings.cacheByRoute ? 'route' : 'token');
  return {
    httpApi: keyOf(settings.httpTtlSeconds),
    restRequest: keyOf(settings.restRequestTtlSeconds),
    restToken: settings.restTokenTtlSeconds === 0 ? 'off' : 'token',
  };
}

/** What is wrong with putting the authorizer on an HTTP API route, given how its answers are cached. */
export interface RouteFindings {
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
}

/**
 * Checks one HTTP API route (`routeKey` as API Gateway names it) against every scope, for an
 * authorizer whose answers are cached by route.
 */
export function routeFindings(
  routeKey: string,
  scopeRoutes: Readonly<Record<string, readonly string[]>>,
  responseMode: 'iam' | 'simple',
): RouteFindings {
  const template = parseRouteTemplate(routeKey);
  if (!template) return { errors: [], warnings: [] };
  const errors: string[] = [];
  const warnings: string[] = [];
  const methods = template.method === '*' ? CONCRETE_METHODS : [template.method];
  for (const [scope, sources] of Object.entries(scopeRoutes)) {
    const patterns = sources.flatMap((source): RoutePattern[] => {
      const parsed = parseRoutePattern(source);
      return parsed.ok ? [parsed.value] : [];
    });
    const grants = new Grants(patterns);
    const meetingFor = (method: string): RoutePattern[] =>
      patterns.filter((pattern) => (pattern.method === '*' || pattern.method === method) && pathsMeet(pattern.path, template.path));
    const meeting = [...new Set(methods.flatMap(meetingFor))];
    if (meeting.length === 0 || grants.coversTemplate(template)) continue;
    const named = meeting.map((pattern) => `"${pattern.source}"`).join(', ');
    // With policies, each method of the route stands alone: a method covered whole is allowed by its template glob.
    const partlyGranted = methods.filter((method) => meetingFor(method).length > 0 && !grants.covers(method, template));
    if (responseMode === 'simple') {
      errors.push(
        `route "${routeKey}": scope "${scope}" grants only part of it (${named}), and a cached simple response ("isAuthorized: true") opens the whole route — grant the whole route, set resultsCacheTtl to 0, or answer with IAM policies (httpApiResponseMode: 'iam')`,
      );
    } else if (partlyGranted.some((method) => meetingFor(method).some((pattern) => pattern.exactGlob === undefined))) {
      warnings.push(
        `route "${routeKey}": scope "${scope}" grants only part of it with a {name} segment (${named}); from API Gateway's cache the route's other granted paths are refused until the cached answer expires — match the route to the pattern, or set resultsCacheTtl to 0`,
      );
    }
  }
  return { errors, warnings };
}
