/**
 * Authorizer events shaped exactly as API Gateway sends them, one builder per kind.
 */
import type { APIGatewayRequestAuthorizerEvent, APIGatewayRequestAuthorizerEventV2, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';

export const TEST_API = { region: 'eu-west-1', account: '123456789012', apiId: 'a1b2c3d4e5', stage: 'prod' } as const;

export interface EventOptions {
  readonly method?: string;
  readonly path?: string;
  /** Full header value, e.g. `Bearer eyJ…`; omitted when undefined. */
  readonly authorization?: string;
  readonly headerName?: string;
  readonly headers?: Record<string, string>;
  readonly query?: Record<string, string>;
  readonly routeKey?: string;
  readonly apiId?: string;
  readonly stage?: string;
}

export function executeApiArn(method: string, path: string, options: { apiId?: string; stage?: string } = {}): string {
  return `arn:aws:execute-api:${TEST_API.region}:${TEST_API.account}:${options.apiId ?? TEST_API.apiId}/${options.stage ?? TEST_API.stage}/${method}${path}`;
}

export function httpApiV2Event(options: EventOptions = {}): APIGatewayRequestAuthorizerEventV2 {
  const method = options.method ?? 'GET';
  const path = options.path ?? '/orders';
  const headers: Record<string, string> = {
    accept: '*/*',
    host: `${options.apiId ?? TEST_API.apiId}.execute-api.${TEST_API.region}.amazonaws.com`,
    'user-agent': 'curl/8.5.0',
    ...lowerCaseKeys(options.headers ?? {}),
  };
  if (options.authorization !== undefined) headers[(options.headerName ?? 'authorization').toLowerCase()] = options.authorization;
  const query = options.query;
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: executeApiArn(method, path, options),
    identitySource: options.authorization === undefined ? [] : [options.authorization],
    routeKey: options.routeKey ?? `${method} ${path}`,
    rawPath: path,
    rawQueryString: query ? new URLSearchParams(query).toString() : '',
    cookies: [],
    headers,
    ...(query ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: TEST_API.account,
      apiId: options.apiId ?? TEST_API.apiId,
      domainName: `${options.apiId ?? TEST_API.apiId}.execute-api.${TEST_API.region}.amazonaws.com`,
      domainPrefix: options.apiId ?? TEST_API.apiId,
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.10', userAgent: 'curl/8.5.0' },
      requestId: 'JKJaXmPLvHcESHA=',
      routeKey: options.routeKey ?? `${method} ${path}`,
      stage: options.stage ?? TEST_API.stage,
      time: '29/Nov/2026:05:00:00 +0000',
      timeEpoch: 1_795_928_400_000,
    },
  };
}

/** REST REQUEST authorizer event; with `version: '1.0'` it is an HTTP API payload 1.0 event. */
export function restRequestEvent(
  options: EventOptions & { httpApiV1?: boolean } = {},
): APIGatewayRequestAuthorizerEvent & { version?: string } {
  const method = options.method ?? 'GET';
  const path = options.path ?? '/orders';
  const headers: Record<string, string> = {
    Accept: '*/*',
    Host: 'a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com',
    'User-Agent': 'curl/8.5.0',
    ...(options.headers ?? {}),
  };
  if (options.authorization !== undefined) headers[options.headerName ?? 'Authorization'] = options.authorization;
  const multiValueHeaders = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]]));
  const query = options.query ?? null;
  return {
    ...(options.httpApiV1 ? { version: '1.0' } : {}),
    type: 'REQUEST',
    methodArn: executeApiArn(method, path, options),
    resource: path,
    path,
    httpMethod: method,
    headers,
    multiValueHeaders,
    queryStringParameters: query,
    multiValueQueryStringParameters: query ? Object.fromEntries(Object.entries(query).map(([k, v]) => [k, [v]])) : null,
    pathParameters: {},
    stageVariables: null,
    requestContext: {
      accountId: TEST_API.account,
      apiId: options.apiId ?? TEST_API.apiId,
      authorizer: undefined,
      protocol: 'HTTP/1.1',
      httpMethod: method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '203.0.113.10',
        user: null,
        userAgent: 'curl/8.5.0',
        userArn: null,
      },
      path: `/${options.stage ?? TEST_API.stage}${path}`,
      stage: options.stage ?? TEST_API.stage,
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      requestTimeEpoch: 1_795_928_400_000,
      resourceId: 'abc123',
      resourcePath: path,
    },
  };
}

export function restTokenEvent(options: EventOptions = {}): APIGatewayTokenAuthorizerEvent {
  return {
    type: 'TOKEN',
    authorizationToken: options.authorization ?? '',
    methodArn: executeApiArn(options.method ?? 'GET', options.path ?? '/orders', options),
  };
}

function lowerCaseKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key.toLowerCase(), value]));
}

export interface RevocationRequestOptions {
  readonly body?: string;
  readonly contentType?: string;
  readonly method?: string;
  /** The authorizer's context as the endpoint receives it (`requestContext.authorizer.lambda`). */
  readonly caller?: Readonly<Record<string, unknown>>;
}

/** A payload 2.0 proxy event for `POST /revocations` behind the authorizer, as API Gateway delivers it. */
export function revocationRequestEvent({
  body,
  contentType = 'application/x-www-form-urlencoded',
  method = 'POST',
  caller = { sub: 'ops', scope: 'tollbooth:admin' },
}: RevocationRequestOptions) {
  return {
    version: '2.0',
    routeKey: 'POST /revocations',
    rawPath: '/revocations',
    rawQueryString: '',
    headers: { 'content-type': contentType },
    requestContext: {
      http: { method, path: '/revocations', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      authorizer: { lambda: caller },
      routeKey: 'POST /revocations',
      stage: '$default',
    },
    body,
    isBase64Encoded: false,
  };
}
