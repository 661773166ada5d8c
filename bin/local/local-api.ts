/**
 * The local HTTP API: an HTTP server on 127.0.0.1 that behaves like an API Gateway HTTP API with
 * a Lambda authorizer and Lambda proxy integrations (payload format 2.0).
 *
 * For each request: select the route (404 `{"message":"Not Found"}` when none matches); on a
 * protected route, let {@link RouteAuthorizer} decide exactly as API Gateway would (401 / 403 /
 * 500, or allow with the authorizer's context); build the integration event and invoke the
 * backend handler in-process; turn its payload 2.0 response into the HTTP response. Every
 * response carries an `apigw-requestid` header, as HTTP APIs' do.
 *
 * The routes can be replaced while the API runs ({@link LocalApi.setRoutes}: a reloaded
 * configuration); a request already under way finishes on the routes it started with. A request
 * Node.js cannot parse (a header holding a line break, as `TOKEN=$(npm run token)` without `-s`
 * makes) gets API Gateway's 400 and a log line saying what was wrong, instead of a dropped line.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listen } from './dev-issuer';
import type { RouteTable } from './api-routes';
import { integrationEvent, type LocalRequest } from './gateway-events';
import type { DecisionNote, GatewayDecision, RouteAuthorizer } from './route-authorizer';

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
   * authorizer on the route, `skipped` = not invoked (no route, no identity source, a request
   * that could not be read).
   */
  readonly authorizer: 'miss' | 'cached' | 'public' | 'skipped';
  /** The authorizer's decision, fresh or remembered, when it had a part. */
  readonly decision?: DecisionNote;
  /** Age of the cached answer, when `authorizer` is `cached`. */
  readonly cacheAgeMs?: number;
  /** Why the request never reached a route, or why it failed. */
  readonly problem?: string;
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
  /** Serves these routes from the next request on. */
  setRoutes(routes: RouteTable<RouteTarget>): void;
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
  let routes = options.routes;
  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendGatewayError(res, 500);
    });
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable || error.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const body = JSON.stringify({ message: 'Bad Request' });
    socket.end(
      `HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`,
    );
    options.onRequest?.({
      method: '?',
      path: '?',
      status: 400,
      routeKey: undefined,
      authorizer: 'skipped',
      problem: unreadableRequest(error),
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomBytes(10).toString('base64');
    res.setHeader('apigw-requestid', requestId);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const log = (status: number, routeKey: string | undefined, decision: GatewayDecision | undefined, problem?: string): void =>
      options.onRequest?.({
        method,
        path: url.pathname,
        status,
        routeKey,
        authorizer: routeKey === undefined ? 'skipped' : authorizerState(decision),
        ...(decision && 'note' in decision && decision.note ? { decision: decision.note } : {}),
        ...(decision && 'cached' in decision && decision.cached ? { cacheAgeMs: decision.ageMs } : {}),
        ...(problem ? { problem } : {}),
      });

    const body = await readBody(req);
    if (!body) return finish(413, undefined, undefined, `the body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MB`);
    const match = routes.match(method, url.pathname);
    if (!match) return finish(404, undefined, undefined, `no route matches ${method} ${url.pathname}`);

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
    } catch (error) {
      return finish(
        500,
        route.routeKey,
        decision,
        `the backend failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
      );
    }
    log(sendIntegrationResponse(res, result), route.routeKey, decision);

    function finish(
      status: keyof typeof GATEWAY_ERRORS,
      routeKey: string | undefined,
      authorized: GatewayDecision | undefined,
      problem?: string,
    ): void {
      sendGatewayError(res, status);
      log(status, routeKey, authorized, problem);
    }
  }

  await listen(server, options.port);
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    setRoutes: (next) => {
      routes = next;
    },
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

/**
 * What Node.js's parser refused, in words. A header with a line break in its value splits into a
 * line that is no header at all, which is what a captured `npm run` banner does to a token.
 */
function unreadableRequest(error: NodeJS.ErrnoException): string {
  if (['HPE_INVALID_HEADER_TOKEN', 'HPE_INVALID_HEADER_VALUE', 'HPE_CR_EXPECTED', 'HPE_LF_EXPECTED'].includes(error.code ?? '')) {
    return "a header is malformed: a value holding a line break? TOKEN=$(npm run token …) captures npm's banner too; use npm run -s token";
  }
  if (error.code === 'HPE_HEADER_OVERFLOW') return 'the headers are too large';
  return `the request could not be read (${error.code ?? error.message})`;
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
