/**
 * Route patterns and grants for unit tests, from the patterns as a user writes them.
 */
import { Grants } from '../../lambdas/authorizer/grants';
import { parseRoutePattern, parseRouteTemplate, type RoutePattern, type RouteTemplate } from '../../lambdas/core/route-pattern';

/** Parses patterns; throws on a bad one (a test fixture mistake). */
export function patterns(...sources: string[]): RoutePattern[] {
  return sources.map((source) => {
    const parsed = parseRoutePattern(source);
    if (!parsed.ok) throw new Error(parsed.problem);
    return parsed.value;
  });
}

/** Grants of exactly these patterns. */
export function grantsOf(...sources: string[]): Grants {
  return new Grants(patterns(...sources));
}

/** Parses a route template; throws on a bad one. */
export function template(source: string): RouteTemplate {
  const parsed = parseRouteTemplate(source);
  if (!parsed) throw new Error(`"${source}" is not a route template`);
  return parsed;
}
