/**
 * Parses the execute-api ARN that API Gateway hands the authorizer (`methodArn` on REST and HTTP
 * API 1.0, `routeArn` on HTTP API 2.0) and builds ARNs for other routes of the same API and stage.
 *
 * Shape: `arn:<partition>:execute-api:<region>:<account>:<apiId>/<stage>/<METHOD>/<path…>`.
 * The path is the request's actual path (not the route template), and it may itself contain `:`.
 */
import { METHOD_ARN_MAX_BYTES, POLICY_RESOURCE_MAX_LENGTH } from '../core/gateway-limits';

/** The parts of an execute-api ARN the policy needs. */
export interface ExecuteApiArn {
  /** `arn:…:<apiId>/<stage>`: every resource of this API and stage starts with this. */
  readonly stageArn: string;
  readonly apiId: string;
  readonly stage: string;
  /** `METHOD/path` without a leading slash on the path, as IAM sees it. */
  readonly resource: string;
  /** Upper-case HTTP method, or `*`. */
  readonly method: string;
  /** The request path with its leading slash. */
  readonly path: string;
}

// API Gateway stage names: letters, digits, `-` and `_` (up to 128), or HTTP APIs' `$default`.
// Every Allow statement is built under the stage ARN, so a stage carrying an IAM wildcard
// (`*`, `?`) would widen the policy to every stage of the API; such an ARN is refused.
const STAGE_NAME = /^(?:[A-Za-z0-9_-]{1,128}|\$default)$/;

// The account and API id are taken as they come, whatever their spelling: the ARN is written by
// API Gateway (or the emulator standing in for it: serverless-offline's `random-account-id` and
// `random-api-id`, SAM's `123456789012` and `1234567890`), never by the caller, and a policy on
// another account's or API's ARN grants nothing here. What they may not hold is what would change
// the ARN's meaning: an IAM wildcard (`*`, `?`) that would widen the policy to other APIs, a
// separator, whitespace — or nothing at all.
const ARN_PREFIX = /^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|aws-eusc):execute-api:([a-z0-9-]+):([^\s:/*?]+):/;
const API_ID = /^[^\s:*?]+$/;

/**
 * Parses an execute-api ARN, or returns `undefined` when it is not one — including an ARN longer
 * than API Gateway ever sends (a request whose ARN would be longer gets 414 from API Gateway), and
 * one whose `arn:…:<apiId>/<stage>/*` would not fit in a policy `Resource`: every statement is
 * written under that prefix, and no real API's comes near (gateway-limits.ts), so only a
 * hand-made event or an emulator's oversized ids could get there.
 */
export function parseExecuteApiArn(arn: unknown): ExecuteApiArn | undefined {
  if (typeof arn !== 'string' || arn.length > METHOD_ARN_MAX_BYTES || Buffer.byteLength(arn) > METHOD_ARN_MAX_BYTES) return undefined;
  const prefix = ARN_PREFIX.exec(arn);
  if (!prefix) return undefined;
  // Cut at the first three slashes after the prefix: split-and-join was the larger part of parsing,
  // on every request (BENCHMARKS.md, "What was optimised").
  const apiStart = prefix[0].length;
  const apiEnd = arn.indexOf('/', apiStart);
  const stageEnd = apiEnd === -1 ? -1 : arn.indexOf('/', apiEnd + 1);
  if (stageEnd === -1 || stageEnd + '/*'.length > POLICY_RESOURCE_MAX_LENGTH) return undefined;
  const methodEnd = arn.indexOf('/', stageEnd + 1);
  const apiId = arn.slice(apiStart, apiEnd);
  const stage = arn.slice(apiEnd + 1, stageEnd);
  const method = methodEnd === -1 ? arn.slice(stageEnd + 1) : arn.slice(stageEnd + 1, methodEnd);
  if (!apiId || !stage || !method || !API_ID.test(apiId) || !STAGE_NAME.test(stage)) return undefined;
  const path = methodEnd === -1 ? '/' : arn.slice(methodEnd);
  return {
    stageArn: arn.slice(0, stageEnd),
    apiId,
    stage,
    method,
    path,
    resource: `${method}${path}`,
  };
}

/** The ARN of `resourceGlob` (`METHOD/path-glob`) on the same API and stage. */
export function resourceArn(arn: ExecuteApiArn, resourceGlob: string): string {
  return `${arn.stageArn}/${resourceGlob}`;
}

/** An ARN covering every route of the API and stage. */
export function everyRouteArn(arn: ExecuteApiArn): string {
  return `${arn.stageArn}/*`;
}
