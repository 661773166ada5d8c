/**
 * What `npm start` prints per request and per log line (bin/local/terminal-log.ts): the reason for
 * every answer, cached or not, and the Lambdas' other lines shortened, their attributes readable.
 */
import { describe, expect, it } from 'vitest';
import { DECISION_MESSAGE } from '../../../lambdas/authorizer/decision-log';
import type { RequestLog } from '../../../bin/local/local-api';
import { formatRequest, terminalLogger } from '../../../bin/local/terminal-log';

describe('formatRequest', () => {
  const base = { method: 'POST', path: '/orders', routeKey: 'POST /orders' } as const;

  it.each<{ name: string; log: RequestLog; line: string }>([
    {
      name: 'a fresh deny with its reason',
      log: { ...base, status: 403, authorizer: 'miss', decision: { reason: 'insufficient_scope', sub: 'alice' } },
      line: 'POST /orders → 403 Forbidden   (POST /orders; authorizer: deny insufficient_scope sub=alice)',
    },
    {
      name: 'a cached deny with the reason remembered',
      log: { ...base, status: 403, authorizer: 'cached', cacheAgeMs: 3_200, decision: { reason: 'revoked', sub: 'bob' } },
      line: 'POST /orders → 403 Forbidden   (POST /orders; authorizer cache hit, 3 s old: deny revoked sub=bob)',
    },
    {
      name: 'an allow',
      log: { ...base, status: 200, authorizer: 'miss', decision: { reason: 'allowed', sub: 'alice' } },
      line: 'POST /orders → 200 OK   (POST /orders; authorizer: allow sub=alice)',
    },
    {
      name: 'a missing identity source',
      log: { ...base, status: 401, authorizer: 'skipped' },
      line: 'POST /orders → 401 Unauthorized   (POST /orders; no identity source (the token header is missing or empty): authorizer not invoked)',
    },
    {
      name: 'an authorizer failure',
      log: { ...base, status: 500, authorizer: 'miss', decision: { reason: 'internal' } },
      line: 'POST /orders → 500 Internal Server Error   (POST /orders; authorizer: failed or answered something invalid (internal))',
    },
    {
      name: 'a token pasted into the path, redacted',
      log: {
        method: 'GET',
        path: '/sessions/eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl',
        routeKey: 'GET /sessions/{id}',
        status: 403,
        authorizer: 'miss',
        decision: { reason: 'insufficient_scope', sub: 'alice' },
      },
      line: 'GET /sessions/[redacted] → 403 Forbidden   (GET /sessions/{id}; authorizer: deny insufficient_scope sub=alice)',
    },
    {
      name: 'a token pasted into the path of no route, redacted in the problem too',
      log: {
        method: 'GET',
        path: '/sessions/eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl',
        routeKey: undefined,
        status: 404,
        authorizer: 'skipped',
        problem: 'no route matches GET /sessions/eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl',
      },
      line: 'GET /sessions/[redacted] → 404 Not Found   (no route matches GET /sessions/[redacted])',
    },
    {
      name: 'a request that could not be read',
      log: { method: 'GET', path: '/', status: 400, routeKey: undefined, authorizer: 'skipped', problem: 'header too large' },
      line: 'request → 400 Bad Request   (header too large)',
    },
  ])('explains $name', ({ log, line }) => {
    expect(formatRequest(log)).toBe(line);
  });
});

describe('terminalLogger', () => {
  function logged(act: (logger: ReturnType<typeof terminalLogger>) => void): string[] {
    const lines: string[] = [];
    act(terminalLogger((line) => lines.push(line)));
    return lines;
  }

  it('leaves the decision line to the request line', () => {
    expect(logged((logger) => logger.info(DECISION_MESSAGE, { decision: 'allow', sub: 'alice' }))).toEqual([]);
  });

  it('keeps a decision line logged as a warning, with its error', () => {
    expect(
      logged((logger) => logger.warn(DECISION_MESSAGE, { decision: 'deny', reason: 'revocation_unavailable', sub: 'a', error: 'timeout' })),
    ).toEqual(['  ! authorizer: deny (revocation_unavailable) sub=a error=timeout']);
  });

  it('shows object attributes as JSON rather than [object Object]', () => {
    expect(logged((logger) => logger.info('revocation feed: following', { reason: 'first poll', heads: { local: 3 } }))).toEqual([
      '    revocation feed: following reason=first poll heads={"local":3}',
    ]);
  });

  it('shortens the JWKS and revocation endpoint lines to what a developer reads', () => {
    expect(
      logged((logger) => {
        logger.info('jwks fetched', { uri: 'http://127.0.0.1:1/.well-known/jwks.json', keys: 1, ignored: true });
        logger.info('revocation', { status: 200, kind: 'jti', by: 'ops', jti: 'j-1' });
      }),
    ).toEqual([
      '    jwks fetched: uri=http://127.0.0.1:1/.well-known/jwks.json keys=1',
      '    revoke endpoint: status=200 kind=jti by=ops jti=j-1',
    ]);
  });
});
