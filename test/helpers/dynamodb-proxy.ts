/**
 * A small HTTP proxy on 127.0.0.1 in front of dynalite that can misbehave the way DynamoDB and the
 * network do, so fault tests exercise the real AWS SDK client against real sockets:
 *
 * - `pass`: forwards every request to dynalite unchanged;
 * - `delay`: forwards after `delayMs` (slow beyond the client's timeout);
 * - `slow-answer`: forwards at once (DynamoDB does the work now) and holds the answer for
 *   `delayMs` — a read that started before a write but answers after it;
 * - `stall`: accepts the request and never answers;
 * - `reset`: destroys the connection without an answer;
 * - `refuse`: stops listening (ECONNREFUSED), like a stopped server;
 * - `throttle`: answers HTTP 400 with the JSON body DynamoDB sends for
 *   `ProvisionedThroughputExceededException` (`throttleType` switches to `ThrottlingException`);
 * - `unprocessed`: answers a `BatchGetItem` with HTTP 200, no items and every key in
 *   `UnprocessedKeys`, as DynamoDB does under partial throttling;
 * - `error-500`: answers HTTP 500 `InternalServerError`.
 *
 * `requests` counts what reached the proxy, so tests assert bounded retries.
 */
import { request as httpRequest, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type DynamoDbFault = 'pass' | 'delay' | 'slow-answer' | 'stall' | 'reset' | 'refuse' | 'throttle' | 'unprocessed' | 'error-500';

export interface DynamoDbProxy {
  /** The endpoint to give the SDK client instead of dynalite's. */
  readonly endpoint: string;
  mode: DynamoDbFault;
  delayMs: number;
  throttleType: 'ProvisionedThroughputExceededException' | 'ThrottlingException';
  requests: number;
  /** When set, only requests whose body it accepts meet the fault; the others pass. */
  affects: ((body: string) => boolean) | undefined;
  /** Sets the mode; `refuse` closes the listener and leaving it opens it again on the same port. */
  setMode(mode: DynamoDbFault): Promise<void>;
  close(): Promise<void>;
}

const THROTTLE_BODIES = {
  ProvisionedThroughputExceededException: {
    __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
    message:
      'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
  },
  ThrottlingException: {
    __type: 'com.amazon.coral.availability#ThrottlingException',
    message: 'Rate of requests exceeds the allowed throughput.',
  },
} as const;

export async function startDynamoDbProxy(target: { port: number }): Promise<DynamoDbProxy> {
  const state = {
    mode: 'pass' as DynamoDbFault,
    delayMs: 0,
    throttleType: 'ProvisionedThroughputExceededException' as DynamoDbProxy['throttleType'],
    requests: 0,
    affects: undefined as ((body: string) => boolean) | undefined,
  };

  const server: Server = createServer((request, response) => {
    state.requests++;
    void readBody(request).then((body) => handle(request, body, response));
  });

  function handle(request: IncomingMessage, body: Buffer, response: ServerResponse): void {
    if (state.affects && !state.affects(body.toString('utf8'))) {
      forward(request, body, response);
      return;
    }
    switch (state.mode) {
      case 'slow-answer':
        forward(request, body, response, state.delayMs);
        return;
      case 'stall':
        return;
      case 'reset':
        request.socket.destroy();
        return;
      case 'throttle':
        json(response, 400, THROTTLE_BODIES[state.throttleType]);
        return;
      case 'error-500':
        json(response, 500, { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'Internal server error' });
        return;
      case 'unprocessed':
        json(response, 200, unprocessedAnswer(body));
        return;
      case 'delay':
        setTimeout(() => forward(request, body, response), state.delayMs);
        return;
      default:
        forward(request, body, response);
    }
  }

  function forward(request: IncomingMessage, body: Buffer, response: ServerResponse, answerDelayMs = 0): void {
    if (response.destroyed) return;
    const upstream = httpRequest(
      { host: '127.0.0.1', port: target.port, method: request.method, path: request.url, headers: request.headers },
      (answer) => {
        void readBody(answer).then((text) =>
          setTimeout(() => {
            if (response.destroyed) return;
            response.writeHead(answer.statusCode ?? 502, answer.headers);
            response.end(text);
          }, answerDelayMs),
        );
      },
    );
    upstream.on('error', () => response.destroy());
    upstream.end(body);
  }

  await listen(server, 0);
  const { port } = server.address() as AddressInfo;
  const close = (): Promise<void> =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.closeAllConnections();
      server.close(() => resolve());
    });

  // The state object is the handle: tests read and set its fields directly.
  return Object.assign(state, {
    endpoint: `http://127.0.0.1:${port}`,
    setMode: async (mode: DynamoDbFault) => {
      state.mode = mode;
      if (mode === 'refuse') await close();
      else if (!server.listening) await listen(server, port);
      // Stalled and delayed answers from a previous mode must not leak into the next one.
      else server.closeAllConnections();
    },
    close,
  });
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', () => resolve(Buffer.concat(chunks)));
  });
}

function json(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': `fault-${Date.now()}`,
  });
  response.end(text);
}

/** A BatchGetItem answer that processed nothing: every requested key comes back unprocessed. */
function unprocessedAnswer(body: Buffer): unknown {
  let requestItems: Record<string, unknown> = {};
  try {
    requestItems = (JSON.parse(body.toString('utf8')) as { RequestItems?: Record<string, unknown> }).RequestItems ?? {};
  } catch {
    // Not a BatchGetItem: answer with nothing processed and nothing unprocessed.
  }
  return { Responses: Object.fromEntries(Object.keys(requestItems).map((table) => [table, []])), UnprocessedKeys: requestItems };
}
