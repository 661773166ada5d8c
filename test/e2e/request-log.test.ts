/**
 * The line `npm start` prints per request says why the request was answered as it was — the
 * authorizer's reason code whether it decided just now or API Gateway's cache answered from an
 * earlier decision — for every kind of answer, over real HTTP (raw bytes for a request Node.js
 * cannot parse).
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestLog } from '../../bin/local/local-api';
import { formatRequest } from '../../bin/local/terminal-log';
import { call, startTestStack, type TestStack } from '../helpers/local-stack';

let local: TestStack;
let alice: string;
const lines: string[] = [];

beforeAll(async () => {
  local = await startTestStack({ onRequest: (log: RequestLog) => lines.push(formatRequest(log)) });
  // One token for the first table, so its later rows meet the cache — keyed by token and route,
  // as the construct sets it up, so a row meets it on a route an earlier row was decided for.
  alice = local.mint({ sub: 'alice', scope: 'orders:read' });
});

afterAll(async () => {
  await local.close();
});

/** The line logged for one request. */
async function lineFor(request: () => Promise<unknown>): Promise<string> {
  const before = lines.length;
  await request();
  expect(lines).toHaveLength(before + 1);
  return lines[before] ?? '';
}

describe('the request log', () => {
  it.each([
    {
      case: 'an allow, decided by the authorizer',
      request: (token: string) => call(local.stack, 'GET', '/orders', { token }),
      line: 'GET /orders → 200 OK   (GET /orders; authorizer: allow sub=alice)',
    },
    {
      case: 'a deny on another route, decided by the authorizer (the cache is keyed by route)',
      request: (token: string) => call(local.stack, 'POST', '/orders', { token }),
      line: 'POST /orders → 403 Forbidden   (POST /orders; authorizer: deny insufficient_scope sub=alice)',
    },
    {
      case: 'the same deny from the cache',
      request: (token: string) => call(local.stack, 'POST', '/orders', { token }),
      line: 'POST /orders → 403 Forbidden   (POST /orders; authorizer cache hit, 0 s old: deny insufficient_scope sub=alice)',
    },
    {
      case: 'an allow through a {id} pattern, decided by the authorizer',
      request: (token: string) => call(local.stack, 'GET', '/orders/42', { token }),
      line: 'GET /orders/42 → 200 OK   (GET /orders/{id}; authorizer: allow sub=alice)',
    },
    {
      case: "an allow for another id from the cached policy (the route's template)",
      request: (token: string) => call(local.stack, 'GET', '/orders/43', { token }),
      line: 'GET /orders/43 → 200 OK   (GET /orders/{id}; authorizer cache hit, 0 s old: allow sub=alice)',
    },
  ])('says why for $case', async ({ request, line }) => {
    // Act
    const logged = await lineFor(() => request(alice));
    // Assert
    expect(logged).toBe(line);
  });

  it('keeps the reason of a cached deny: an expired token refused again from the cache', async () => {
    // Prepare
    const token = local.mint({ sub: 'bob', scope: 'orders:read', expiresIn: -120 });
    // Act
    const fresh = await lineFor(() => call(local.stack, 'GET', '/orders', { token }));
    local.clock.advanceSeconds(2);
    const cached = await lineFor(() => call(local.stack, 'GET', '/orders', { token }));
    // Assert
    expect(fresh).toBe('GET /orders → 403 Forbidden   (GET /orders; authorizer: deny expired)');
    expect(cached).toBe('GET /orders → 403 Forbidden   (GET /orders; authorizer cache hit, 2 s old: deny expired)');
  });

  it.each([
    {
      case: 'no token',
      request: () => call(local.stack, 'GET', '/orders'),
      line: 'GET /orders → 401 Unauthorized   (GET /orders; no identity source (the token header is missing or empty): authorizer not invoked)',
    },
    {
      case: 'a public route',
      request: () => call(local.stack, 'GET', '/health'),
      line: 'GET /health → 200 OK   (GET /health; public route)',
    },
    {
      case: 'no route',
      request: () => call(local.stack, 'DELETE', '/orders'),
      line: 'DELETE /orders → 404 Not Found   (no route matches DELETE /orders)',
    },
  ])('says why for $case', async ({ request, line }) => {
    expect(await lineFor(request)).toBe(line);
  });

  it('answers 400 to a token header broken over lines (npm’s banner captured with the token), and says what to do', async () => {
    // Prepare: the bytes curl 7.88 sends for -H "Authorization: Bearer $TOKEN" when $TOKEN holds npm's
    // banner: the value's own line breaks go out bare, inside a CRLF-framed request
    const { port } = new URL(local.stack.apiUrl);
    const captured = '\n> tollbooth@0.1.0 token\n> node dist/bin/tollbooth-token.js --scope orders:read\n\neyJhbGciOi.eyJ.c2ln';
    const request = `GET /orders HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${captured}\r\n\r\n`;
    // Act
    const before = lines.length;
    const response = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.end(request));
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    // Assert
    expect(response).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(response).toContain('{"message":"Bad Request"}');
    expect(lines.slice(before)).toEqual([
      "request → 400 Bad Request   (a header is malformed: a value holding a line break? TOKEN=$(npm run token …) captures npm's banner too; use npm run -s token)",
    ]);
  });
});
