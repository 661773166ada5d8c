/**
 * The one decision line: allow-listed fields only, outages at warn and bugs at error with a
 * bounded, redacted error text.
 */
import { describe, expect, it } from 'vitest';
import { allow, forbidden, unauthenticated, type Decision } from '../../../lambdas/authorizer/decision';
import { grantsOf } from '../../helpers/routes';
import { DECISION_MESSAGE, logDecision, type DecisionLogContext } from '../../../lambdas/authorizer/decision-log';
import { CLAIMS_ISSUER, verifiedClaims } from '../../helpers/claims';
import { denyFor } from '../../helpers/decisions';
import { LogCapture } from '../../helpers/log-capture';

const CONTEXT: DecisionLogContext = { eventKind: 'http-v2', route: 'GET /orders/42', latencyMs: 1.23456, tokenCacheHit: false };
const CLAIMS = verifiedClaims({ sub: 'alice', jti: 'token-1', clientId: 'app-1', scopes: ['orders:read'] });
const JWS = 'eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJhbGljZSIsInNjb3BlIjoib3JkZXJzOnJlYWQifQ.c2lnbmF0dXJlLWJ5dGVzLWhlcmU';

describe('decision-log', () => {
  it('logs an allow at info with only the allow-listed fields', () => {
    // Prepare
    const logs = new LogCapture();
    const decision: Decision = allow(CLAIMS, grantsOf('GET /orders/*'));
    // Act
    logDecision(logs, decision, CONTEXT);
    // Assert
    expect(logs.lines).toEqual([
      {
        level: 'info',
        message: DECISION_MESSAGE,
        attributes: {
          decision: 'allow',
          reason: 'allowed',
          eventKind: 'http-v2',
          route: 'GET /orders/42',
          latencyMs: 1.235,
          tokenCacheHit: false,
          sub: 'alice',
          jti: 'token-1',
          iss: CLAIMS_ISSUER,
          clientId: 'app-1',
        },
      },
    ]);
  });

  it('never logs scopes, grants or other claim content', () => {
    // Prepare
    const logs = new LogCapture();
    // Act
    logDecision(logs, allow(CLAIMS, grantsOf('GET /orders/*')), CONTEXT);
    // Assert
    expect(logs.text).not.toContain('orders:read');
    expect(logs.text).not.toContain('GET/orders/*');
  });

  it('logs an ordinary deny at info with its reason and error class but no error text', () => {
    // Prepare
    const logs = new LogCapture();
    const error = Object.assign(new Error(`token ${JWS} expired`), { name: 'JwtExpiredError' });
    // Act
    logDecision(logs, unauthenticated('expired', error), CONTEXT);
    // Assert
    expect(logs.lines).toEqual([
      {
        level: 'info',
        message: DECISION_MESSAGE,
        attributes: {
          decision: 'deny',
          reason: 'expired',
          eventKind: 'http-v2',
          route: 'GET /orders/42',
          latencyMs: 1.235,
          tokenCacheHit: false,
          errorClass: 'JwtExpiredError',
        },
      },
    ]);
    expect(logs.text).not.toContain(JWS);
  });

  it('logs the subject of a verified token that was denied', () => {
    // Prepare
    const logs = new LogCapture();
    // Act
    logDecision(logs, forbidden(CLAIMS, grantsOf()), CONTEXT);
    // Assert
    expect(logs.lastDecision).toMatchObject({ decision: 'deny', reason: 'insufficient_scope', sub: 'alice', jti: 'token-1' });
    expect(logs.lastDecision).not.toHaveProperty('errorClass');
  });

  it.each(['revocation_unavailable', 'jwks_unavailable', 'verification_failed'] as const)(
    'logs the outage reason %s at warn with the error text',
    (reason) => {
      // Prepare
      const logs = new LogCapture();
      const error = Object.assign(new Error('connect ETIMEDOUT 10.0.0.1:443'), { name: 'FetchError' });
      // Act
      logDecision(logs, denyFor(reason, error), CONTEXT);
      // Assert
      expect(logs.lines).toHaveLength(1);
      expect(logs.lines[0]).toMatchObject({ level: 'warn', attributes: { reason, error: 'FetchError: connect ETIMEDOUT 10.0.0.1:443' } });
    },
  );

  it('logs an internal failure at error', () => {
    // Prepare
    const logs = new LogCapture();
    // Act
    logDecision(logs, unauthenticated('internal', new TypeError("Cannot read properties of undefined (reading 'sub')")), CONTEXT);
    // Assert
    expect(logs.lines[0]).toMatchObject({
      level: 'error',
      attributes: { reason: 'internal', error: "TypeError: Cannot read properties of undefined (reading 'sub')" },
    });
  });

  it('redacts a JWS-looking string in an error message', () => {
    // Prepare
    const logs = new LogCapture();
    const error = new Error(`could not verify ${JWS} against the JWKS`);
    // Act
    logDecision(logs, unauthenticated('verification_failed', error), CONTEXT);
    // Assert
    expect(logs.lastDecision?.['error']).toBe('Error: could not verify [redacted] against the JWKS');
    expect(logs.text).not.toContain(JWS);
    expect(logs.text).not.toContain(JWS.split('.')[1]);
  });

  it('redacts an unsigned token with an empty signature segment', () => {
    // Prepare
    const logs = new LogCapture();
    const unsigned = `${JWS.split('.').slice(0, 2).join('.')}.`;
    // Act
    logDecision(logs, unauthenticated('internal', new Error(`bad token ${unsigned}`)), CONTEXT);
    // Assert
    expect(logs.lastDecision?.['error']).toBe('Error: bad token [redacted]');
  });

  it('redacts a token a client put in the request path', () => {
    // Prepare
    const logs = new LogCapture();
    // Act
    logDecision(logs, forbidden(CLAIMS, grantsOf()), { ...CONTEXT, route: `GET /sessions/${JWS}` });
    // Assert
    expect(logs.lastDecision?.['route']).toBe('GET /sessions/[redacted]');
    expect(logs.text).not.toContain(JWS.split('.')[1]);
  });

  it('bounds the error text to 300 characters', () => {
    // Prepare
    const logs = new LogCapture();
    // Act
    logDecision(logs, unauthenticated('internal', new Error('x'.repeat(5000))), CONTEXT);
    // Assert
    expect(String(logs.lastDecision?.['error'])).toHaveLength(300);
  });

  it.each([
    { name: 'a thrown string', error: `secret ${JWS}`, logged: 'string' },
    { name: 'a thrown object', error: { token: JWS }, logged: 'object' },
    { name: 'no error at all', error: undefined, logged: undefined },
  ])('logs only the type of $name, never its content', ({ error, logged }) => {
    // Prepare
    const logs = new LogCapture();
    // Act
    logDecision(logs, unauthenticated('internal', error), CONTEXT);
    // Assert
    expect(logs.lastDecision?.['error']).toBe(logged);
    expect(logs.text).not.toContain(JWS);
  });
});
