/**
 * Builds the two events an HTTP API sends for one request, from what arrived over the socket:
 * the Lambda authorizer event (payload format 2.0, REQUEST type) and the Lambda proxy integration
 * event (payload format 2.0), shaped as API Gateway sends them (see test/helpers/events.ts and
 * the AWS developer guide, "Working with AWS Lambda authorizers for HTTP APIs" and "… Lambda proxy
 * integrations for HTTP APIs"):
 *
 * - header names lower-cased; a repeated header joined with commas (so two `Authorization`
 *   headers reach the authorizer as one comma-joined value, which it refuses); cookies moved to
 *   `cookies`; repeated query parameters joined with commas;
 * - `routeArn` = `arn:aws:execute-api:<region>:<account>:<apiId>/<stage>/<METHOD><raw path>`
 *   (the request's real path), `routeKey` = the matched route's key;
 * - `identitySource` = the values of the identity sources, in order;
 * - a body that is not text (by content type) is base64-encoded with `isBase64Encoded: true`, as
 *   HTTP APIs do — a form post included.
 */
import type { APIGatewayProxyEventV2WithLambdaAuthorizer, APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';

/** The local API's identity in ARNs and request contexts. */
export const LOCAL_API = { region: 'us-east-1', account: '123456789012', apiId: 'local', stage: '$default' } as const;

/** One request as the local API received it. */
export interface LocalRequest {
  readonly method: string;
  readonly rawPath: string;
  /** Without the leading `?`. */
  readonly rawQueryString: string;
  /** Every header value as received, by lower-case name. */
  readonly headers: Readonly<Record<string, readonly string[]>>;
  readonly body: Buffer;
  readonly sourceIp: string;
  readonly requestId: string;
  readonly timeEpoch: number;
}

/** Header map as HTTP APIs pass it: lower-case names, repeated values comma-joined, no cookies. */
export function joinedHeaders(request: LocalRequest): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(request.headers)) if (name !== 'cookie') headers[name] = values.join(',');
  return headers;
}

/** The execute-api ARN API Gateway puts in `routeArn` for this request. */
export function routeArn(request: LocalRequest): string {
  return `arn:aws:execute-api:${LOCAL_API.region}:${LOCAL_API.account}:${LOCAL_API.apiId}/${LOCAL_API.stage}/${request.method}${request.rawPath}`;
}

/** The payload 2.0 authorizer event for this request and matched route. */
export function authorizerEvent(
  request: LocalRequest,
  routeKey: string,
  identitySource: readonly string[],
): APIGatewayRequestAuthorizerEventV2 {
  const query = queryParameters(request.rawQueryString);
  const cookies = cookiesOf(request);
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: routeArn(request),
    identitySource: [...identitySource],
    routeKey,
    rawPath: request.rawPath,
    rawQueryString: request.rawQueryString,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers: joinedHeaders(request),
    ...(query ? { queryStringParameters: query } : {}),
    requestContext: requestContext(request, routeKey),
    pathParameters: {},
    stageVariables: {},
  } as APIGatewayRequestAuthorizerEventV2;
}

/** The payload 2.0 proxy integration event; `authorizerContext` lands in `requestContext.authorizer.lambda`. */
export function integrationEvent(
  request: LocalRequest,
  routeKey: string,
  pathParameters: Readonly<Record<string, string>>,
  authorizerContext: Readonly<Record<string, unknown>> | undefined,
): APIGatewayProxyEventV2WithLambdaAuthorizer<Record<string, unknown>> {
  const query = queryParameters(request.rawQueryString);
  const cookies = cookiesOf(request);
  const contentType = request.headers['content-type']?.[0];
  const binary = request.body.length > 0 && !isTextual(contentType);
  const base = requestContext(request, routeKey);
  return {
    version: '2.0',
    routeKey,
    rawPath: request.rawPath,
    rawQueryString: request.rawQueryString,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers: joinedHeaders(request),
    ...(query ? { queryStringParameters: query } : {}),
    ...(Object.keys(pathParameters).length > 0 ? { pathParameters: { ...pathParameters } } : {}),
    // Payload 2.0 places the Lambda authorizer's context under `lambda` (@types/aws-lambda
    // APIGatewayEventRequestContextLambdaAuthorizer; AWS SAM CLI's local API Gateway does the same,
    // samcli/local/apigw/local_apigw_service.py: "payload V2 responses have the passed context
    // under the 'lambda' key"). Public routes have no `authorizer` at all.
    requestContext: {
      ...base,
      ...(authorizerContext ? { authorizer: { lambda: { ...authorizerContext } } } : {}),
    } as APIGatewayProxyEventV2WithLambdaAuthorizer<Record<string, unknown>>['requestContext'],
    ...(request.body.length > 0 ? { body: request.body.toString(binary ? 'base64' : 'utf8') } : {}),
    isBase64Encoded: binary,
  };
}

function requestContext(request: LocalRequest, routeKey: string) {
  const host = request.headers['host']?.[0] ?? '127.0.0.1';
  return {
    accountId: LOCAL_API.account,
    apiId: LOCAL_API.apiId,
    domainName: host,
    domainPrefix: host.split('.')[0] ?? host,
    http: {
      method: request.method,
      path: request.rawPath,
      protocol: 'HTTP/1.1',
      sourceIp: request.sourceIp,
      userAgent: request.headers['user-agent']?.join(',') ?? '',
    },
    requestId: request.requestId,
    routeKey,
    stage: LOCAL_API.stage,
    time: formatTime(request.timeEpoch),
    timeEpoch: request.timeEpoch,
  };
}

function queryParameters(rawQueryString: string): Record<string, string> | undefined {
  if (rawQueryString === '') return undefined;
  const joined: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(rawQueryString)) joined[name] = name in joined ? `${joined[name]},${value}` : value;
  return joined;
}

function cookiesOf(request: LocalRequest): string[] {
  return (request.headers['cookie'] ?? []).flatMap((header) =>
    header
      .split(';')
      .map((cookie) => cookie.trim())
      .filter(Boolean),
  );
}

function isTextual(contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return (
    type.startsWith('text/') ||
    type === 'application/json' ||
    type.endsWith('+json') ||
    type === 'application/xml' ||
    type.endsWith('+xml') ||
    type === 'application/javascript'
  );
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `29/Nov/2026:05:00:00 +0000`, API Gateway's `requestContext.time`. */
function formatTime(epochMs: number): string {
  const date = new Date(epochMs);
  const pad = (value: number): string => String(value).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}
