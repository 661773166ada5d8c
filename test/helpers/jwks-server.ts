/**
 * A real JWKS endpoint on 127.0.0.1 that counts its hits and can misbehave on demand, so tests
 * assert "no refetch storm" and "down JWKS → deny" against real HTTP.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';

/** `reset`: the connection is destroyed without an answer (a crashing or RST-ing endpoint). */
export type JwksServerMode = 'ok' | 'error-500' | 'garbage' | 'hang' | 'huge' | 'reset';

export interface JwksServer {
  readonly url: string;
  /** Base URL (`http://127.0.0.1:port`) usable as an issuer. */
  readonly origin: string;
  keys: JWK[];
  mode: JwksServerMode;
  /** Delay before answering, in ms. */
  delayMs: number;
  hits: number;
  /**
   * Closes every open connection from the server's side, as servers do with idle keep-alive
   * connections. A client whose event loop has not run since (a Lambda frozen between
   * invocations) still holds them as reusable.
   */
  dropConnections(): void;
  /** Stops listening (clients get ECONNREFUSED); the port is kept for {@link restart}. */
  stop(): Promise<void>;
  /** Listens again on the same port after {@link stop}. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startJwksServer(keys: JWK[] = [], path = '/.well-known/jwks.json'): Promise<JwksServer> {
  const state = { keys, mode: 'ok' as JwksServerMode, delayMs: 0, hits: 0 };
  const server: Server = createServer((request, response) => {
    if (request.url !== path) {
      response.writeHead(404).end();
      return;
    }
    state.hits++;
    const reply = (): void => {
      switch (state.mode) {
        case 'hang':
          return; // never answers; the client's deadline must fire
        case 'reset':
          request.socket.destroy();
          return;
        case 'error-500':
          response.writeHead(500, { 'content-type': 'text/plain' }).end('boom');
          return;
        case 'garbage':
          response.writeHead(200, { 'content-type': 'application/json' }).end('{"keys": [ not json');
          return;
        case 'huge':
          response
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ keys: state.keys, padding: 'x'.repeat(2 * 1024 * 1024) }));
          return;
        default:
          response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: state.keys }));
      }
    };
    if (state.delayMs > 0) setTimeout(reply, state.delayMs);
    else reply();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const stop = (): Promise<void> =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  const origin = `http://127.0.0.1:${port}`;
  // The state object is the handle: tests read and set its fields directly.
  return Object.assign(state, {
    url: `${origin}${path}`,
    origin,
    dropConnections: () => server.closeAllConnections(),
    stop,
    restart: () => (server.listening ? Promise.resolve() : new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))),
    close: stop,
  });
}
