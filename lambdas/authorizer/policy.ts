/**
 * Builds the IAM policy document API Gateway evaluates for REST APIs and HTTP APIs in IAM-policy
 * mode. Only this module knows the document's shape.
 *
 * API Gateway caches the document by identity source (the token) and re-evaluates it for every
 * route the same token calls during the cache TTL. So the Allow statement lists *every* route the
 * token's scopes grant on this API and stage, not just the one invoked; anything else falls to
 * IAM's implicit deny. When the invoked route is not granted, an explicit Deny for exactly that
 * route makes the answer a 403 for it without touching the other grants.
 */
import type { PolicyDocument, Statement } from 'aws-lambda';
import { everyRouteArn, resourceArn, type ExecuteApiArn } from './arn';
import type { Grants } from './grants';

const POLICY_VERSION = '2012-10-17';
const INVOKE = 'execute-api:Invoke';

/** Allow every granted route; additionally deny the invoked route when it is not among them. */
export function grantPolicy(arn: ExecuteApiArn, grants: Grants, invokedRouteGranted: boolean): PolicyDocument {
  const statements: Statement[] = [];
  if (grants.length > 0) {
    statements.push({ Effect: 'Allow', Action: INVOKE, Resource: grants.map((glob) => resourceArn(arn, glob)) });
  }
  if (!invokedRouteGranted) {
    statements.push({ Effect: 'Deny', Action: INVOKE, Resource: [resourceArn(arn, arn.resource)] });
  }
  return { Version: POLICY_VERSION, Statement: statements };
}

/** Deny every route of the API and stage: the answer for a caller who is not authenticated. */
export function denyAllPolicy(arn: ExecuteApiArn | undefined): PolicyDocument {
  return {
    Version: POLICY_VERSION,
    Statement: [{ Effect: 'Deny', Action: INVOKE, Resource: [arn ? everyRouteArn(arn) : '*'] }],
  };
}
