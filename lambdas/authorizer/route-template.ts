/**
 * The route template of a request, as far as the policy may rely on it.
 *
 * An authorizer cache keyed by route replays an answer only for requests of the same route, so a
 * policy may then allow the route's whole template (grants.ts). That is only sound for the route
 * API Gateway really keys the cache on, so the template is taken from the event only when it is
 * well-formed and consistent with the invoked ARN — same method (or `ANY`), and a path the
 * template matches — and only used for event kinds whose cache the configuration says is keyed by
 * route or off (route-access.ts). Otherwise there is no template, and the policy allows no more
 * than the invoked request.
 */
import type { ResultsCacheConfig } from '../core/config/authorizer-config';
import { matchesPath } from '../core/route-matching';
import { parseRouteTemplate, type RouteTemplate } from '../core/route-pattern';
import type { AuthRequest } from './event';

/** How API Gateway caches answers to this kind of event. */
export function cacheKeyOf(request: AuthRequest, resultsCache: ResultsCacheConfig): ResultsCacheConfig[keyof ResultsCacheConfig] {
  switch (request.kind) {
    case 'http-v2':
    case 'http-v1':
      return resultsCache.httpApi;
    case 'rest-request':
      return resultsCache.restRequest;
    case 'rest-token':
      return resultsCache.restToken;
  }
}

/** The route template the event names, if it is well-formed and consistent with the invoked ARN. */
export function routeTemplateOf(request: AuthRequest): RouteTemplate | undefined {
  const arn = request.arn;
  const template = parseRouteTemplate(request.routeKey);
  if (!arn || !template) return undefined;
  if (template.method !== '*' && template.method !== arn.method) return undefined;
  if (template.path !== undefined && !matchesPath(template.path, arn.path.slice(1))) return undefined;
  return template;
}
