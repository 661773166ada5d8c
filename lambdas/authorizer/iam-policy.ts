/**
 * Builds the IAM policy document API Gateway evaluates for REST APIs and HTTP APIs in IAM-policy
 * mode. Only this module knows the document's shape.
 *
 * API Gateway caches the document by identity source (the token, and the route where the cache
 * is keyed by it) and re-evaluates it for every request with the same identity sources during the
 * cache TTL. So the Allow statement lists every route the token's scopes grant on this API and
 * stage that IAM can name exactly, plus what route-access.ts adds for the invoked request (its
 * route's template, or exactly itself); anything else falls to IAM's implicit deny. When the
 * invoked route is not granted, an explicit Deny for exactly that route makes the answer a 403
 * for it without touching the other grants (see {@link grantPolicy} for paths that contain IAM
 * wildcard characters or are too long to name). No `Resource` passes API Gateway's 512 characters.
 */
import type { PolicyDocument, Statement } from 'aws-lambda';
import { POLICY_RESOURCE_MAX_LENGTH } from '../core/gateway-limits';
import { everyRouteArn, resourceArn, type ExecuteApiArn } from './execute-api-arn';
import type { Grants } from './grants';

const POLICY_VERSION = '2012-10-17';
const INVOKE = 'execute-api:Invoke';

/**
 * Allow what the grants allow on this API and stage — their exact globs, and `extraAllows` (the
 * route template's glob or the invoked resource, route-access.ts) — and deny the invoked route
 * when it is not granted.
 *
 * The explicit Deny names the invoked route as it was requested, and IAM reads `*` and `?` in a
 * resource as wildcards with no way to escape them. A request path carrying either (`POST /*`)
 * would turn that Deny into a pattern covering granted routes too (`POST/orders`), and API Gateway
 * would apply it to the token's later requests for the cache TTL. For such a path the Deny is left
 * out: the Allow statements do not match the invoked route, so IAM's implicit deny still answers
 * 403 for it. The same for a route whose ARN is longer than the 512 characters API Gateway accepts
 * in a `Resource`. With nothing allowed at all, denying every route of the stage is exact.
 */
export function grantPolicy(
  arn: ExecuteApiArn,
  grants: Grants,
  extraAllows: readonly string[],
  invokedRouteGranted: boolean,
): PolicyDocument {
  const statements: Statement[] = [];
  const listed = grants.resourceArnsOn(arn);
  const allowed = extraAllows.length === 0 ? listed : [...listed, ...extraAllows.map((glob) => resourceArn(arn, glob))];
  if (allowed.length > 0) {
    // The aws-lambda type wants a mutable array; nothing downstream mutates it.
    statements.push({ Effect: 'Allow', Action: INVOKE, Resource: allowed as string[] });
  }
  if (!invokedRouteGranted) {
    const invoked = resourceArn(arn, arn.resource);
    if (!IAM_WILDCARDS.test(arn.resource) && invoked.length <= POLICY_RESOURCE_MAX_LENGTH)
      statements.push({ Effect: 'Deny', Action: INVOKE, Resource: [invoked] });
    else if (allowed.length === 0) statements.push({ Effect: 'Deny', Action: INVOKE, Resource: [everyRouteArn(arn)] });
  }
  return { Version: POLICY_VERSION, Statement: statements };
}

const IAM_WILDCARDS = /[*?]/;

/** Deny every route of the API and stage: the answer for a caller who is not authenticated. */
export function denyAllPolicy(arn: ExecuteApiArn | undefined): PolicyDocument {
  return {
    Version: POLICY_VERSION,
    Statement: [{ Effect: 'Deny', Action: INVOKE, Resource: [arn ? everyRouteArn(arn) : '*'] }],
  };
}
