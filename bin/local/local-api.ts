/**
 * The local HTTP API: an HTTP server on 127.0.0.1 that behaves like an API Gateway HTTP API with
 * a Lambda authorizer and Lambda proxy integrations (payload format 2.0).
 *
 * For each request: select the route (404 `{"message":"Not Found"}` when none matches); on a
 * protected route, let {@link RouteAuthorizer} decide exactly as API Gateway would (401 / 403 /
 * 500, or allow with the authorizer's context); build the integration event and invoke the
 * backend handler in-process; turn its payload 2.0 response into the HTTP response. Every
 * response carries an `apigw-requestid` header, as HTTP APIs' do.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listen } from './dev-issuer';
import type { RouteTable } from './api-routes';
import { integrationEvent, type LocalRequest } from './gateway-events';
import type { GatewayDecision, RouteAuthorizer } from './route-authorizer';

/** A Lambda proxy integration's handler (payload 2.0 in, payload 2.0 response out). */
export type Backend = (event: unknown) => Promise<unknown>;

/** What serves a route: its backend, and whether the authorizer guards it. */
export interface RouteTarget {
  readonly backend: Backend;
  readonly protected: boolean;
}

/** One line per request, for the terminal. */
export interface RequestLog {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly routeKey: string | undefined;
  /**
   * `miss` = authorizer invoked, `cached` = answered from the authorizer cache, `public` = no
   * authorizer on the route, `skipped` = not invoked (no route, or no identity source).
   */
  readonly authorizer: 'miss' | 'cached' | 'public' | 'skipped';
}

export interface LocalApiOptions {
  readonly port: number;
  readonly routes: RouteTable<RouteTarget>;
  readonly authorizer: RouteAuthorizer;
  readonly now?: () => number;
  readonly onRequest?: (log: RequestLog) => void;
}

export interface LocalApi {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

// HTTP APIs accept payloads up to 10 MB; the sample backends need far less.
const MAX_BODY_BYTES = 1024 * 1024;

const GATEWAY_ERRORS = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  413: 'Request Entity Too Large',
  500: 'Internal Server Error',
} as const;

/** Starts the local HTTP API on 127.0.0.1; rejects with a one-line message when the port is taken. */
export async function startLocalApi(options: LocalApiOptions): Promise<LocalApi> {
  const now = options.now ?? Date.now;
  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendGatewayError(res, 500);
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomBytes(10).toString('base64');
    res.setHeader('apigw-requestid', requestId);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const log = (status: number, routeKey: string | undefined, decision: GatewayDecision | undefined): void =>
      options.onRequest?.({
        method,
        path: url.pathname,
        status,
        routeKey,
        authorizer: routeKey === undefined ? 'skipped' : authorizerState(decision),
      });

    const body = await readBody(req);
    if (!body) return finish(413, undefined, undefined);
    const match = options.routes.match(method, url.pathname);
    if (!match) return finish(404, undefined, undefined);

    const request: LocalRequest = {
      method,
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      headers: req.headersDistinct as Record<string, string[]>,
      body,
      sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
      requestId,
      timeEpoch: now(),
    };
    const { route, pathParameters } = match;
    let decision: GatewayDecision | undefined;
    if (route.target.protected) {
      decision = await options.authorizer.authorize(request, route.routeKey);
      if (decision.kind === 'unauthorized') return finish(401, route.routeKey, decision);
      if (decision.kind === 'forbidden') return finish(403, route.routeKey, decision);
      if (decision.kind === 'error') return finish(500, route.routeKey, decision);
    }
    const context = decision?.kind === 'allowed' ? decision.context : undefined;
    let result: unknown;
    try {
      result = await route.target.backend(integrationEvent(request, route.routeKey, pathParameters, context));
    } catch {
      return finish(500, route.routeKey, decision);
    }
    log(sendIntegrationResponse(res, result), route.routeKey, decision);

    function finish(status: keyof typeof GATEWAY_ERRORS, routeKey: string | undefined, authorized: GatewayDecision | undefined): void {
      sendGatewayError(res, status);
      log(status, routeKey, authorized);
    }
  }

  await listen(server, options.port);
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function authorizerState(decision: GatewayDecision | undefined): RequestLog['authorizer'] {
  if (!decision) return 'public';
  if (decision.kind === 'unauthorized') return 'skipped';
  return 'cached' in decision && decision.cached ? 'cached' : 'miss';
}

function sendGatewayError(res: ServerResponse, status: keyof typeof GATEWAY_ERRORS): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ message: GATEWAY_ERRORS[status] }));
}

/**
 * Payload 2.0 response rules: an object with `statusCode` is taken field by field; anything else
 * that is valid JSON is a 200 `application/json` body. Returns the status sent.
 */
function sendIntegrationResponse(res: ServerResponse, result: unknown): number {
  if (typeof result === 'object' && result !== null && typeof (result as Record<string, unknown>)['statusCode'] === 'number') {
    const structured = result as {
      statusCode: number;
      headers?: Record<string, unknown>;
      body?: unknown;
      isBase64Encoded?: unknown;
      cookies?: unknown;
    };
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(structured.headers ?? {})) headers[name.toLowerCase()] = String(value);
    if (Array.isArray(structured.cookies)) headers['set-cookie'] = structured.cookies.map(String);
    const body =
      typeof structured.body === 'string'
        ? Buffer.from(structured.body, structured.isBase64Encoded === true ? 'base64' : 'utf8')
        : Buffer.alloc(0);
    res.writeHead(structured.statusCode, headers).end(body);
    return structured.statusCode;
  }
  if (result === undefined) {
    sendGatewayError(res, 500);
    return 500;
  }
  res.writeHead(200, { 'content-type': 'application/json' }).end(typeof result === 'string' ? result : JSON.stringify(result));
  return 200;
}
