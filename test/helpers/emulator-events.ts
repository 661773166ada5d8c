/**
 * Authorizer events as the two local API Gateway emulators users run build them — not as API
 * Gateway does — so the authorizer can be tested on what it receives there:
 *
 * - `sam local start-api` (aws/aws-sam-cli 1.164.0, `samcli/local/apigw/local_apigw_service.py`
 *   `_create_method_arn`, `_build_v1_context`/`_build_v2_context`, and `lambda_authorizer.py`):
 *   fixed account `123456789012` and API id `1234567890`, region `us-east-1`, the template's stage
 *   name, the actual request path; headers as the client sent them (not lower-cased); REST events
 *   without `version`; an HTTP API event's base follows the integration's payload version, and its
 *   authorizer part the authorizer's (so a 1.0 authorizer on a 2.0 integration sends `version:
 *   "2.0"` with a `methodArn`).
 * - serverless-offline 13.9.0 (`src/events/http/createAuthScheme.js`, identical in 14.x):
 *   `random-account-id` / `random-api-id`, `provider.stage`, the route *template* in the ARN,
 *   `version: "1.0"` on every REST event, `enhancedAuthContext: {}` on every event, REST routes
 *   served under `/<stage>`.
 *
 * Shapes as observed in /work/research/tools.md §1a and §2 (SAM from source, serverless-offline
 * from running it); test/package/serverless-offline.test.ts runs the real serverless-offline.
 */

/** A request through an emulator: the route template, the path actually requested, the bearer header. */
export interface EmulatedRequest {
  readonly method?: string;
  /** The route as declared (`/orders/{id}`). */
  readonly route?: string;
  /** The path requested (`/orders/42`). */
  readonly path?: string;
  readonly authorization?: string;
  readonly stage?: string;
}

const SAM = { region: 'us-east-1', account: '123456789012', apiId: '1234567890' } as const;

/** The ARN SAM builds: its fixed ids, the template's stage (`None` without one), the actual path. */
export function samMethodArn(stage: string | null, method: string, path: string): string {
  return `arn:aws:execute-api:${SAM.region}:${SAM.account}:${SAM.apiId}/${stage ?? 'None'}/${method}${path}`;
}

export type SamEventKind = 'rest-token' | 'rest-request' | 'http-v2' | 'http-v1-on-v2-integration' | 'http-v2-on-v1-integration';

/** The event `sam local start-api` sends a Lambda authorizer of this kind. */
export function samEvent(kind: SamEventKind, request: EmulatedRequest = {}): Record<string, unknown> {
  const method = request.method ?? 'GET';
  const path = request.path ?? '/orders';
  const stage = request.stage ?? 'local';
  const arn = samMethodArn(stage, method, path);
  const headers: Record<string, string> = { Host: '127.0.0.1:3000', 'User-Agent': 'curl/8.5.0', Accept: '*/*' };
  if (request.authorization !== undefined) headers['Authorization'] = request.authorization;
  const identity = request.authorization === undefined ? [] : [request.authorization];
  if (kind === 'rest-token') return { type: 'TOKEN', authorizationToken: request.authorization ?? '', methodArn: arn };
  const v1Base = {
    version: '1.0',
    httpMethod: method,
    body: null,
    resource: request.route ?? path,
    requestContext: {
      accountId: SAM.account,
      apiId: SAM.apiId,
      resourceId: '123456',
      resourcePath: request.route ?? path,
      httpMethod: method,
      path,
      stage,
      identity: { sourceIp: '127.0.0.1', userAgent: 'curl/8.5.0' },
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      domainName: '127.0.0.1:3000',
      protocol: 'HTTP/1.1',
    },
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    pathParameters: null,
    stageVariables: null,
    path,
    isBase64Encoded: false,
  };
  const v2Base = {
    version: '2.0',
    routeKey: `${method} ${request.route ?? path}`,
    rawPath: path,
    rawQueryString: '',
    cookies: [],
    headers: { ...headers, 'X-Forwarded-Proto': 'http', 'X-Forwarded-Port': '3000' },
    requestContext: {
      accountId: SAM.account,
      apiId: SAM.apiId,
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'curl/8.5.0' },
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      routeKey: `${method} ${request.route ?? path}`,
      stage,
      time: '30/Nov/2026:08:00:00 +0000',
      timeEpoch: 1_796_025_600_000,
      domainName: 'localhost',
      domainPrefix: 'localhost',
    },
    body: '',
    pathParameters: null,
    stageVariables: null,
    isBase64Encoded: false,
  };
  switch (kind) {
    case 'rest-request': {
      // REST events carry no version: SAM adds it only for HTTP APIs.
      const { version: _version, ...rest } = v1Base;
      return { ...rest, type: 'REQUEST', methodArn: arn };
    }
    case 'http-v2':
      return { ...v2Base, type: 'REQUEST', identitySource: identity, routeArn: arn };
    case 'http-v1-on-v2-integration':
      return { ...v2Base, type: 'REQUEST', identitySource: identity.join(','), authorizationToken: identity.join(','), methodArn: arn };
    case 'http-v2-on-v1-integration':
      return { ...v1Base, type: 'REQUEST', identitySource: identity, routeArn: arn };
  }
}

export type ServerlessOfflineEventKind = 'rest-token' | 'rest-request' | 'http-v1' | 'http-v2';

/** The ARN serverless-offline builds: its fake ids, `provider.stage`, the route template. */
export function serverlessOfflineArn(stage: string, method: string, route: string): string {
  return `arn:aws:execute-api:us-east-1:random-account-id:random-api-id/${stage}/${method}${route}`;
}

/** The event serverless-offline sends a Lambda authorizer of this kind. */
export function serverlessOfflineEvent(kind: ServerlessOfflineEventKind, request: EmulatedRequest = {}): Record<string, unknown> {
  const method = request.method ?? 'GET';
  const route = request.route ?? '/orders';
  const stage = request.stage ?? 'dev';
  const rest = kind === 'rest-token' || kind === 'rest-request';
  // REST routes are served under /<stage>; HTTP API routes at the root.
  const requested = `${rest ? `/${stage}` : ''}${request.path ?? route}`;
  const token = request.authorization ?? '';
  const headers: Record<string, string> = { Host: '127.0.0.1:3000', 'User-Agent': 'curl/8.5.0', Accept: '*/*' };
  if (request.authorization !== undefined) headers['Authorization'] = request.authorization;
  const base = {
    enhancedAuthContext: {},
    headers,
    requestContext: {
      accountId: 'random-account-id',
      apiId: 'random-api-id',
      domainName: 'random-api-id.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'random-api-id',
      requestId: 'random-request-id',
      stage,
    },
    version: kind === 'http-v2' ? '2.0' : '1.0',
  };
  const arn = serverlessOfflineArn(stage, method, route);
  const type = kind === 'rest-token' ? 'TOKEN' : 'REQUEST';
  if (kind === 'http-v2') {
    return {
      ...base,
      identitySource: [token],
      pathParameters: null,
      queryStringParameters: null,
      rawPath: requested,
      rawQueryString: '',
      requestContext: {
        ...base.requestContext,
        http: { method, path: route, protocol: 'HTTP/1.1' },
        routeKey: `${method} ${route}`,
        time: 'Mon Nov 30 2026 08:00:00 GMT+0000 (Coordinated Universal Time)',
        timeEpoch: 1_796_025_600_000,
      },
      routeArn: arn,
      routeKey: `${method} ${route}`,
      type,
    };
  }
  return {
    ...base,
    authorizationToken: token,
    httpMethod: method,
    identitySource: token,
    methodArn: arn,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    multiValueQueryStringParameters: null,
    path: requested,
    pathParameters: null,
    queryStringParameters: null,
    requestContext: {
      ...base.requestContext,
      extendedRequestId: 'random-request-id',
      httpMethod: method,
      path: requested,
      protocol: 'HTTP/1.1',
      requestTime: 'Mon Nov 30 2026 08:00:00 GMT+0000 (Coordinated Universal Time)',
      requestTimeEpoch: 1_796_025_600_000,
      resourceId: `${method} ${route}`,
      resourcePath: route,
      stage,
    },
    resource: route,
    type,
  };
}
