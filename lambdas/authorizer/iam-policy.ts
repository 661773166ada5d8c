/**
 * Builds the IAM policy document API Gateway evaluates for REST APIs and HTTP APIs in IAM-policy
 * mode. Only this module knows the document's shape.
 *
 * API Gateway caches the document by identity source (the token) and re-evaluates it for every
 * route the same token calls during the cache TTL. So the Allow statement lists *every* route the
 * token's scopes grant on this API and stage, not just the one invoked; anything else falls to
 * IAM's implicit deny. When the invoked route is not granted, an explicit Deny for exactly that
 * route makes the answer a 403 for it without touching the other grants (see {@link grantPolicy}
 * for paths that contain IAM wildcard characters).
 */
import type { PolicyDocument, Statement } from 'aws-lambda';
import { everyRouteArn, resourceArn, type ExecuteApiArn } from './execute-api-arn';
import type { Grants } from './grants';

const POLICY_VERSION = '2012-10-17';
const INVOKE = 'execute-api:Invoke';

/** A function serves one API with a few stages; more than this many and the memo starts over. */
const MAX_STAGES_PER_GRANTS = 16;

/**
 * The Allow statement's resource list per grants list and API stage. Grants are memoised per scope
 * set, so this makes the policy for a repeated scope set one lookup however many routes it grants
 * (rebuilding 1,000 ARNs per request was the one per-request cost that grew with the API). The
 * lists are frozen: every response shares them, and API Gateway only ever reads them.
 */
const resourceLists = new WeakMap<Grants, Map<string, readonly string[]>>();

function allowedResources(arn: ExecuteApiArn, grants: Grants): readonly string[] {
  let byStage = resourceLists.get(grants);
  if (!byStage) {
    byStage = new Map();
    resourceLists.set(grants, byStage);
  }
  let resources = byStage.get(arn.stageArn);
  if (!resources) {
    if (byStage.size >= MAX_STAGES_PER_GRANTS) byStage.clear();
    resources = Object.freeze(grants.map((glob) => resourceArn(arn, glob)));
    byStage.set(arn.stageArn, resources);
  }
  return resources;
}

/**
 * Allow every granted route; additionally deny the invoked route when it is not among them.
 *
 * The explicit Deny names the invoked route as it was requested, and IAM reads `*` and `?` in a
 * resource as wildcards with no way to escape them. A request path carrying either (`POST /*`)
 * would turn that Deny into a pattern covering granted routes too (`POST/orders`), and API Gateway
 * would apply it to the token's later requests for the cache TTL. For such a path the Deny is left
 * out: the Allow statements do not match the invoked route, so IAM's implicit deny still answers
 * 403 for it. With nothing granted at all, denying every route of the stage is exact.
 */
export function grantPolicy(arn: ExecuteApiArn, grants: Grants, invokedRouteGranted: boolean): PolicyDocument {
  const statements: Statement[] = [];
  if (grants.length > 0) {
    // The aws-lambda type wants a mutable array; nothing downstream mutates it.
    statements.push({ Effect: 'Allow', Action: INVOKE, Resource: allowedResources(arn, grants) as string[] });
  }
  if (!invokedRouteGranted) {
    if (!IAM_WILDCARDS.test(arn.resource)) statements.push({ Effect: 'Deny', Action: INVOKE, Resource: [resourceArn(arn, arn.resource)] });
    else if (grants.length === 0) statements.push({ Effect: 'Deny', Action: INVOKE, Resource: [everyRouteArn(arn)] });
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
