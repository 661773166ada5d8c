/**
 * Recognises which of API Gateway's four authorizer events arrived and normalises it into one
 * {@link AuthRequest}, so nothing after this module looks at an event shape again.
 *
 * | kind           | sent by                                   | token from                  | ARN          |
 * |----------------|-------------------------------------------|-----------------------------|--------------|
 * | `http-v2`      | HTTP API, payload format 2.0              | `headers` (lower-case)      | `routeArn`   |
 * | `http-v1`      | HTTP API, payload format 1.0              | `headers`/`multiValueHeaders` | `methodArn` |
 * | `rest-request` | REST API, REQUEST authorizer              | `headers`/`multiValueHeaders` | `methodArn` |
 * | `rest-token`   | REST API, TOKEN authorizer                | `authorizationToken`        | `methodArn`  |
 *
 * HTTP API 1.0 and REST REQUEST events look alike, and the kind decides the answer to a failed
 * authentication: REST needs the thrown `Unauthorized` (its 401), an HTTP API a policy (a throw is
 * its 500). So {@link detectEventKind} reads more than `version`; see there for the rule and for
 * the emulators whose events it covers.
 */
import type { APIGatewayRequestAuthorizerEvent, APIGatewayRequestAuthorizerEventV2, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { isRecord } from '../core/guards';
import { matchesPath } from '../core/route-matching';
import { parseRouteTemplate } from '../core/route-pattern';
import { parseExecuteApiArn, type ExecuteApiArn } from './execute-api-arn';

export type EventKind = 'http-v2' | 'http-v1' | 'rest-request' | 'rest-token';

/** Any event the handler may receive. Unknown shapes are typed as `unknown` and refused. */
export type AuthorizerEvent = APIGatewayRequestAuthorizerEventV2 | APIGatewayRequestAuthorizerEvent | APIGatewayTokenAuthorizerEvent;

/** An authorizer request, whatever event it came in. */
export interface AuthRequest {
  readonly kind: EventKind;
  /** The invoked route's ARN; `undefined` when the event's ARN could not be parsed. */
  readonly arn: ExecuteApiArn | undefined;
  /** `METHOD /path` for logs. */
  readonly route: string;
  /**
   * The route template API Gateway routed the request to, as the event names it: an HTTP API 2.0
   * `routeKey` (`GET /orders/{id}`, `$default`), or the `resource` of a REST (with the invoked
   * method) or HTTP API 1.0 event (with `ANY`: its cache key's method is not in the event);
   * `undefined` for REST `TOKEN` events, which name none. Unchecked here.
   */
  readonly routeKey: string | undefined;
  /** Every value of the token header (several when a client sent it more than once). */
  readonly headerValues: readonly string[];
  /** Values of the token query parameter, if the request had any. */
  readonly queryValues: readonly string[];
}

/**
 * The event kind, or `undefined` for anything API Gateway would not send to an authorizer.
 *
 * - A `routeArn` only ever comes with an HTTP API's payload 2.0 authorizer: `http-v2`, whatever
 *   `version` says (SAM sends `version: "1.0"` when the route's integration uses payload 1.0).
 * - A `methodArn` REQUEST event is REST's when it has no `version` — API Gateway and SAM send none
 *   for REST — or when it is serverless-offline's REST event: that emulator gives every REST event
 *   `version: "1.0"`, but marks its events (`enhancedAuthContext`) and serves REST routes, and only
 *   those, under the stage (`path` is `/<stage>` + `resource`).
 * - Any other `methodArn` REQUEST event is an HTTP API's payload 1.0 event (`version: "1.0"`; SAM
 *   sends `"2.0"` when the integration uses payload 2.0). When in doubt, this is the safe reading:
 *   the policy answered to an HTTP API event is also a valid answer to REST (a 403 where REST
 *   would have said 401), whereas REST's thrown `Unauthorized` would be an HTTP API's 500.
 */
export function detectEventKind(event: unknown): EventKind | undefined {
  if (!isRecord(event)) return undefined;
  if (event['type'] === 'TOKEN' && typeof event['authorizationToken'] === 'string' && typeof event['methodArn'] === 'string')
    return 'rest-token';
  if (event['type'] !== 'REQUEST') return undefined;
  if (typeof event['routeArn'] === 'string') return 'http-v2';
  if (typeof event['methodArn'] !== 'string') return undefined;
  return event['version'] === undefined || isServerlessOfflineRestEvent(event) ? 'rest-request' : 'http-v1';
}

/**
 * serverless-offline's REST REQUEST event: its marker (`enhancedAuthContext`), and a requested
 * `path` that is the route (`resource`, a template such as `/orders/{id}`) under `/<stage>` —
 * where it serves REST routes, and never HTTP API ones.
 */
function isServerlessOfflineRestEvent(event: Record<string, unknown>): boolean {
  const { enhancedAuthContext, path, resource, requestContext } = event;
  if (!isRecord(enhancedAuthContext) || typeof path !== 'string' || typeof resource !== 'string' || !isRecord(requestContext)) return false;
  const stage = requestContext['stage'];
  if (typeof stage !== 'string' || stage === '' || !path.startsWith(`/${stage}/`)) return false;
  // The same template reading and matching the decision uses (the method does not matter here).
  const template = parseRouteTemplate(`GET ${resource}`);
  return template?.path !== undefined && matchesPath(template.path, path.slice(stage.length + 2));
}

/**
 * Normalises an event of a known kind. `headerName` and `queryParameter` name where the token
 * may be; header names compare case-insensitively (REST keeps the client's case).
 */
export function toAuthRequest(kind: EventKind, event: Record<string, unknown>, headerName: string, queryParameter: string): AuthRequest {
  if (kind === 'rest-token') {
    const arn = parseExecuteApiArn(event['methodArn']);
    return { kind, arn, route: routeOf(arn), routeKey: undefined, headerValues: [String(event['authorizationToken'])], queryValues: [] };
  }
  if (kind === 'http-v2') {
    const arn = parseExecuteApiArn(event['routeArn']);
    // HTTP API joins repeated headers and query parameters with commas; the token parser refuses those.
    return {
      kind,
      arn,
      route: routeOf(arn),
      routeKey: typeof event['routeKey'] === 'string' ? event['routeKey'] : undefined,
      headerValues: valuesOf(event['headers'], headerName),
      queryValues: valuesOf(event['queryStringParameters'], queryParameter, false),
    };
  }
  const arn = parseExecuteApiArn(event['methodArn']);
  return {
    kind,
    arn,
    route: routeOf(arn),
    routeKey: arn && typeof event['resource'] === 'string' ? resourceRouteKey(kind, arn.method, event['resource']) : undefined,
    headerValues: firstNonEmpty(multiValuesOf(event['multiValueHeaders'], headerName), valuesOf(event['headers'], headerName)),
    queryValues: firstNonEmpty(
      multiValuesOf(event['multiValueQueryStringParameters'], queryParameter, false),
      valuesOf(event['queryStringParameters'], queryParameter, false),
    ),
  };
}

/**
 * The route of a REST or HTTP API 1.0 event, from its `resource` (the path template). A REST
 * cache is keyed by `context.httpMethod` too, so the method is the invoked one; an HTTP API cache
 * by `$context.routeKey`, whose method the event does not say (it may be `ANY`), so any method.
 */
function resourceRouteKey(kind: EventKind, method: string, resource: string): string {
  if (resource === '$default') return resource;
  return `${kind === 'rest-request' ? method : 'ANY'} ${resource}`;
}

function routeOf(arn: ExecuteApiArn | undefined): string {
  return arn ? `${arn.method} ${arn.path}` : 'unknown';
}

/** Values of a single-value map under `name` (case-insensitive for headers). */
function valuesOf(map: unknown, name: string, ignoreCase = true): string[] {
  if (!isRecord(map)) return [];
  const values: string[] = [];
  for (const key of Object.keys(map)) {
    // Only a key of the same length can match (lower-casing never changes the length of a key
    // that then equals an ASCII header name): skip lower-casing every other header.
    if (key.length !== name.length || (ignoreCase ? key.toLowerCase() : key) !== name) continue;
    const value = map[key];
    if (typeof value === 'string') values.push(value);
  }
  return values;
}

/** Values of a multi-value map under `name`; every repetition counts. */
function multiValuesOf(map: unknown, name: string, ignoreCase = true): string[] {
  if (!isRecord(map)) return [];
  const values: string[] = [];
  for (const [key, list] of Object.entries(map)) {
    if ((ignoreCase ? key.toLowerCase() : key) !== name || !Array.isArray(list)) continue;
    for (const value of list) if (typeof value === 'string') values.push(value);
  }
  return values;
}

function firstNonEmpty(preferred: string[], fallback: string[]): string[] {
  return preferred.length > 0 ? preferred : fallback;
}
