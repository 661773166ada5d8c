/**
 * Decides whether a token's grants reach the invoked request, and what the answer must allow so
 * that API Gateway, replaying it from its cache, allows no more than the grants do and — where the
 * cache is keyed by route — no less.
 *
 * Every policy allows the grants' exact globs (grants.ts). Beyond them, for the invoked request:
 *
 * | the invoked request is granted …                                   | the policy also allows        |
 * |--------------------------------------------------------------------|-------------------------------|
 * | by an exact glob the policy lists                                  | nothing more                  |
 * | by a pattern covering its route, the cache keyed by route (or off) | the route template's glob     |
 * | otherwise                                                          | exactly the invoked resource  |
 *
 * and under a route-keyed cache the covered template globs are listed on every answer for the
 * route, a deny included, since the cache replays it for the route's other requests. The invoked
 * resource can only be allowed exactly when it holds no IAM wildcard (`*`, `?`) and fits in
 * API Gateway's 512-character `Resource`; when nothing sound can allow a granted request, it is
 * refused (`insufficient_scope`), never over-granted.
 *
 * Simple responses carry no policy: a cached `isAuthorized: true` is a yes for the whole route, so
 * under a route-keyed cache it is only given when one grant covers the whole template.
 */
import type { AuthorizerConfig } from '../core/config/authorizer-config';
import { POLICY_RESOURCE_MAX_LENGTH } from '../core/gateway-limits';
import { iamResourceMatches } from '../core/iam-glob';
import type { AuthRequest } from './event';
import type { ExecuteApiArn } from './execute-api-arn';
import type { Grants } from './grants';
import { cacheKeyOf, routeTemplateOf } from './route-template';

/** Whether the request is granted, and the resource globs its policy allows besides the grants' exact ones. */
export interface RouteAccess {
  readonly granted: boolean;
  /** `METHOD/path` globs on the invoked API and stage; empty for simple responses. */
  readonly extraAllows: readonly string[];
}

const NONE: readonly string[] = Object.freeze([]);

/** Judges the request, whose parsed ARN is `arn`, against the grants. */
export function routeAccess(
  request: AuthRequest,
  arn: ExecuteApiArn,
  grants: Grants,
  config: Pick<AuthorizerConfig, 'resultsCache' | 'httpApiResponseMode'>,
): RouteAccess {
  const grant = grants.grantOf(arn.method, arn.path);
  const cacheKey = cacheKeyOf(request, config.resultsCache);
  // With the cache keyed by the token alone, a template would be replayed for any route: never used.
  const template = cacheKey === 'token' ? undefined : routeTemplateOf(request);

  if (request.kind === 'http-v2' && config.httpApiResponseMode === 'simple') {
    const wholeRoute = cacheKey !== 'route' || (template !== undefined && grants.coversTemplate(template));
    return { granted: grant !== undefined && wholeRoute, extraAllows: NONE };
  }

  const templateAllows = template === undefined ? NONE : fitting(arn, grants.templateGlobs(template));
  if (grant === undefined) return { granted: false, extraAllows: templateAllows };
  if (grant === 'exact' && (grants.listsEveryExactGlobOn(arn) || listAllows(grants, arn)))
    return { granted: true, extraAllows: templateAllows };
  const methodPrefix = `${arn.method}/`;
  if (templateAllows.some((glob) => glob.startsWith(methodPrefix))) return { granted: true, extraAllows: templateAllows };
  if (!IAM_WILDCARDS.test(arn.resource) && fits(arn, arn.resource))
    return { granted: true, extraAllows: [...templateAllows, arn.resource] };
  return { granted: false, extraAllows: templateAllows };
}

const IAM_WILDCARDS = /[*?]/;

function fits(arn: ExecuteApiArn, glob: string): boolean {
  return arn.stageArn.length + 1 + glob.length <= POLICY_RESOURCE_MAX_LENGTH;
}

function fitting(arn: ExecuteApiArn, globs: readonly string[]): readonly string[] {
  return globs.every((glob) => fits(arn, glob)) ? globs : globs.filter((glob) => fits(arn, glob));
}

/** IAM's answer for the invoked ARN on the Allow list (only needed when a glob was too long for it). */
function listAllows(grants: Grants, arn: ExecuteApiArn): boolean {
  const invoked = `${arn.stageArn}/${arn.resource}`;
  return grants.resourceArnsOn(arn).some((resource) => iamResourceMatches(resource, invoked));
}
