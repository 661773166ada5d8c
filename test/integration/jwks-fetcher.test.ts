/**
 * The JWKS fetcher against a real HTTP server on 127.0.0.1: HTTPS-only unless loopback HTTP is
 * allowed, 200 only, a size cap (declared and streamed), and one deadline. The deadline is driven
 * by fake timers, so nothing waits on the wall clock.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FetchError, NonRetryableFetchError } from 'aws-jwt-verify/error';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { JwksFetcher, type JwksFetcherOptions } from '../../lambdas/core/verification/jwks-fetcher';

const OPTIONS: JwksFetcherOptions = { timeoutMs: 1000, maxResponseBytes: 1024, allowInsecureLoopbackHttp: true };
const JWKS = JSON.stringify({ keys: [] });

let server: Server;
let url: string;
let hits: IncomingMessage[];
let handle: (request: IncomingMessage, response: ServerResponse) => void;
let received: () => void;
let requestArrived: Promise<void>;

beforeAll(async () => {
  server = createServer((request, response) => {
    hits.push(request);
    received();
    handle(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
});

beforeEach(() => {
  hits = [];
  requestArrived = new Promise((resolve) => (received = resolve));
  handle = (_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end(JWKS);
});

afterEach(() => {
  vi.useRealTimers();
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function text(body: ArrayBuffer): string {
  return new TextDecoder().decode(body);
}

describe('jwks-fetcher', () => {
  describe('fetch', () => {
    it('fetches a JWKS over loopback HTTP when allowed, asking for JSON', async () => {
      // Prepare
      const fetcher = new JwksFetcher(OPTIONS);
      // Act
      const body = await fetcher.fetch(url);
      // Assert
      expect(text(body)).toBe(JWKS);
      expect(hits).toHaveLength(1);
      expect(hits[0]?.method).toBe('GET');
      expect(hits[0]?.headers.accept).toBe('application/json, application/jwk-set+json');
    });

    it('refuses loopback HTTP unless allowed, without connecting', async () => {
      // Prepare
      const fetcher = new JwksFetcher({ ...OPTIONS, allowInsecureLoopbackHttp: false });
      // Act
      const fetching = fetcher.fetch(url);
      // Assert
      await expect(fetching).rejects.toThrow(NonRetryableFetchError);
      await expect(fetching).rejects.toThrow('refusing to fetch a JWKS over anything but HTTPS');
      expect(hits).toHaveLength(0);
    });

    it.each(['http://keys.example/jwks.json', 'http://10.0.0.1/jwks.json', 'ftp://127.0.0.1/jwks.json'])(
      'refuses %s even when loopback HTTP is allowed',
      async (uri) => {
        // Prepare
        const fetcher = new JwksFetcher(OPTIONS);
        // Act
        const fetching = fetcher.fetch(uri);
        // Assert
        await expect(fetching).rejects.toThrow(NonRetryableFetchError);
      },
    );

    it.each([404, 500, 302, 204])('refuses status %i with a non-retryable error', async (status) => {
      // Prepare
      handle = (_request, response) => response.writeHead(status, { location: 'http://127.0.0.1:1/elsewhere' }).end();
      const fetcher = new JwksFetcher(OPTIONS);
      // Act
      const fetching = fetcher.fetch(url);
      // Assert
      await expect(fetching).rejects.toThrow(NonRetryableFetchError);
      await expect(fetching).rejects.toThrow(`status code ${status}, expected 200`);
      expect(hits).toHaveLength(1);
    });

    it('refuses a response whose declared length is over the limit, before reading it', async () => {
      // Prepare
      handle = (_request, response) => response.writeHead(200, { 'content-length': 1025 }).end('x'.repeat(1025));
      const fetcher = new JwksFetcher(OPTIONS);
      // Act
      const fetching = fetcher.fetch(url);
      // Assert
      await expect(fetching).rejects.toThrow(NonRetryableFetchError);
      await expect(fetching).rejects.toThrow('response of 1025 bytes exceeds the 1024-byte limit');
    });

    it('refuses a streamed response that grows over the limit', async () => {
      // Prepare: chunked, so no content-length tells the size in advance
      handle = (_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.write('x'.repeat(600));
        response.write('x'.repeat(600));
        response.end();
      };
      const fetcher = new JwksFetcher(OPTIONS);
      // Act
      const fetching = fetcher.fetch(url);
      // Assert
      await expect(fetching).rejects.toThrow(NonRetryableFetchError);
      await expect(fetching).rejects.toThrow('response exceeds the 1024-byte limit');
    });

    it('accepts a response of exactly the limit', async () => {
      // Prepare
      handle = (_request, response) => response.writeHead(200).end('y'.repeat(1024));
      const fetcher = new JwksFetcher(OPTIONS);
      // Act
      const body = await fetcher.fetch(url);
      // Assert
      expect(body.byteLength).toBe(1024);
    });

    it('fails with a retryable error when nothing answers on the port', async () => {
      // Prepare
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      const fetcher = new JwksFetcher(OPTIONS);
      // Act
      const fetching = fetcher.fetch(`http://127.0.0.1:${port}/jwks.json`);
      // Assert
      await expect(fetching).rejects.toThrow(FetchError);
      await expect(fetching).rejects.not.toThrow(NonRetryableFetchError);
    });

    it('gives up at the deadline on a server that never answers', async () => {
      // Prepare
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      handle = () => undefined;
      const fetcher = new JwksFetcher(OPTIONS);
      const fetching = fetcher.fetch(url);
      const outcome = fetching.then(
        () => 'answered',
        (error: unknown) => error,
      );
      await requestArrived;
      // Act
      vi.advanceTimersByTime(OPTIONS.timeoutMs);
      // Assert
      const error = await outcome;
      expect(error).toBeInstanceOf(FetchError);
      expect(error).not.toBeInstanceOf(NonRetryableFetchError);
      expect((error as Error).message).toContain('no complete response within 1000 ms');
    });

    it('gives up at the deadline on a server that starts answering and then stalls', async () => {
      // Prepare
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      handle = (_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.write('{"keys": [');
      };
      const fetcher = new JwksFetcher(OPTIONS);
      const outcome = fetcher.fetch(url).then(
        () => 'answered',
        (error: unknown) => error,
      );
      await requestArrived;
      // Act
      vi.advanceTimersByTime(OPTIONS.timeoutMs);
      // Assert
      expect(await outcome).toBeInstanceOf(FetchError);
    });

    it('does not give up before the deadline', async () => {
      // Prepare
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      let answer: () => void = () => undefined;
      handle = (_request, response) => (answer = () => response.writeHead(200).end(JWKS));
      const fetcher = new JwksFetcher(OPTIONS);
      const fetching = fetcher.fetch(url);
      await requestArrived;
      // Act
      vi.advanceTimersByTime(OPTIONS.timeoutMs - 1);
      answer();
      // Assert
      expect(text(await fetching)).toBe(JWKS);
    });

    it('opens a fresh connection for every fetch, so a stale pooled socket cannot fail one', async () => {
      // Prepare
      const sockets = new Set<unknown>();
      handle = (request, response) => {
        sockets.add(request.socket);
        response.writeHead(200, { 'content-type': 'application/json', connection: 'keep-alive' }).end(JWKS);
      };
      const fetcher = new JwksFetcher(OPTIONS);
      // Act
      await fetcher.fetch(url);
      await fetcher.fetch(url);
      // Assert
      expect(sockets.size).toBe(2);
    });
  });
});
