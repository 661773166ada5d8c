/**
 * The handler's fail-closed branches: what API Gateway gets when something inside the pipeline
 * throws, when the answer itself cannot be built, and when an observer (the logger, the metrics
 * hook) throws. Faults come in through `deps`, as everything else does; nothing is mocked.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { Jwk } from 'aws-jwt-verify/jwk';
import { describe, expect, it } from 'vitest';
import type { ObservedDecision } from '../../../lambdas/authorizer/decision';
import { type AuthorizerDeps, createHandler } from '../../../lambdas/authorizer/handler';
import type { HttpApiResponseMode } from '../../../lambdas/core/config/authorizer-config';
import { parseConfig } from '../../../lambdas/core/config/parse-config';
import { executeApiArn, httpApiV2Event, restRequestEvent, restTokenEvent } from '../../helpers/events';
import { FakeJwksFetcher } from '../../helpers/fake-jwks-fetcher';
import { LogCapture } from '../../helpers/log-capture';
import { signRaw } from '../../helpers/tokens';

const ISSUER = 'https://issuer.example';
const AUDIENCE = 'https://api.example';
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const JWK = { ...(publicKey.export({ format: 'jwk' }) as Record<string, string>), kid: 'k1', alg: 'ES256', use: 'sig' } as Jwk;

function bearer(claims: Record<string, unknown> = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'alice',
    jti: randomUUID(),
    iat: now,
    exp: now + 600,
    scope: 'orders:read',
    ...claims,
  };
  return `Bearer ${signRaw({ alg: 'ES256', kid: 'k1' }, payload, privateKey)}`;
}

function handlerWith(deps: AuthorizerDeps, httpApiResponseMode: HttpApiResponseMode = 'iam') {
  const config = parseConfig({
    issuers: [{ issuer: ISSUER, audience: [AUDIENCE], jwksUri: `${ISSUER}/.well-known/jwks.json` }],
    routes: { 'orders:read': ['GET /orders'] },
    httpApiResponseMode,
    revocation: { enabled: false },
  });
  return createHandler(config, { logger: new LogCapture(), jwksFetcher: new FakeJwksFetcher([JWK]), ...deps });
}

/** Every way the answer can be shaped: the event kind, and the response mode for HTTP API 2.0. */
const ANSWER_SHAPES = [
  { shape: 'REST TOKEN', mode: 'iam', event: (authorization: string) => restTokenEvent({ authorization }) },
  { shape: 'REST REQUEST', mode: 'iam', event: (authorization: string) => restRequestEvent({ authorization }) },
  { shape: 'HTTP API 1.0', mode: 'iam', event: (authorization: string) => restRequestEvent({ authorization, httpApiV1: true }) },
  { shape: 'HTTP API 2.0, IAM policy', mode: 'iam', event: (authorization: string) => httpApiV2Event({ authorization }) },
  { shape: 'HTTP API 2.0, simple', mode: 'simple', event: (authorization: string) => httpApiV2Event({ authorization }) },
] as const;

const DENY_EVERY_ROUTE = {
  principalId: 'anonymous',
  policyDocument: {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Deny', Action: 'execute-api:Invoke', Resource: [executeApiArn('*', '')] }],
  },
};

const DENY_EVERYTHING = {
  principalId: 'anonymous',
  policyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'execute-api:Invoke', Resource: '*' }] },
};

describe('handler', () => {
  describe('when something inside the pipeline throws', () => {
    it.each([
      { ...ANSWER_SHAPES[0], answer: 'Unauthorized' },
      { ...ANSWER_SHAPES[1], answer: 'Unauthorized' },
      { ...ANSWER_SHAPES[2], answer: DENY_EVERY_ROUTE },
      { ...ANSWER_SHAPES[3], answer: DENY_EVERY_ROUTE },
      { ...ANSWER_SHAPES[4], answer: { isAuthorized: false } },
    ])('$shape: denies with reason internal, logged at error', async ({ mode, event, answer }) => {
      // Prepare: the clock fails once the request is under way
      const logs = new LogCapture();
      let clockBroken = false;
      const now = (): number => {
        if (clockBroken) throw new TypeError('clock unavailable');
        return Date.now();
      };
      const handler = handlerWith({ logger: logs, now }, mode);
      clockBroken = true;
      // Act
      const result = handler(event(bearer()));
      // Assert
      if (answer === 'Unauthorized') await expect(result).rejects.toThrow(/^Unauthorized$/);
      else await expect(result).resolves.toEqual(answer);
      expect(logs.lines).toEqual([
        expect.objectContaining({ level: 'error', attributes: expect.objectContaining({ reason: 'internal', tokenCacheHit: false }) }),
      ]);
      expect(logs.lastDecision?.['error']).toBe('TypeError: clock unavailable');
    });

    it('refuses an event that throws while it is read, with no shape to answer in but REST 401', async () => {
      // Prepare
      const logs = new LogCapture();
      const handler = handlerWith({ logger: logs });
      const event = {
        ...httpApiV2Event({ authorization: bearer() }),
        get headers(): never {
          throw new Error('hostile getter');
        },
      };
      // Act
      const result = handler(event);
      // Assert
      await expect(result).rejects.toThrow(/^Unauthorized$/);
      expect(logs.lastDecision).toMatchObject({ decision: 'deny', reason: 'internal', eventKind: 'unknown', route: 'unknown' });
    });
  });

  describe('when the answer cannot be built', () => {
    /** An observer that breaks the claims the response reads, so building the answer throws. */
    function breakClaims(decision: ObservedDecision): void {
      if (!('claims' in decision)) return;
      Object.defineProperty(decision.claims, 'sub', {
        get(): never {
          throw new Error('claims unreadable');
        },
      });
    }

    it.each([
      { ...ANSWER_SHAPES[0], answer: 'Unauthorized' },
      { ...ANSWER_SHAPES[1], answer: 'Unauthorized' },
      { ...ANSWER_SHAPES[2], answer: DENY_EVERYTHING },
      { ...ANSWER_SHAPES[3], answer: DENY_EVERYTHING },
      { ...ANSWER_SHAPES[4], answer: { isAuthorized: false } },
    ])('$shape: an allow becomes the kind’s plainest refusal', async ({ mode, event, answer }) => {
      // Prepare
      const handler = handlerWith({ onDecision: breakClaims }, mode);
      // Act
      const result = handler(event(bearer()));
      // Assert
      if (answer === 'Unauthorized') await expect(result).rejects.toThrow(/^Unauthorized$/);
      else await expect(result).resolves.toEqual(answer);
    });
  });

  describe('when an observer throws', () => {
    const throwingLogger = {
      info: (): never => {
        throw new Error('log sink down');
      },
      warn: (): never => {
        throw new Error('log sink down');
      },
      error: (): never => {
        throw new Error('log sink down');
      },
    };
    const throwingHook = (): never => {
      throw new Error('metrics down');
    };

    it.each(ANSWER_SHAPES)('$shape: answers exactly as with quiet observers, allow and deny alike', async ({ mode, event }) => {
      // Prepare
      const quiet = handlerWith({}, mode);
      const noisy = handlerWith({ logger: throwingLogger, onDecision: throwingHook, onJwksFetch: throwingHook }, mode);
      const good = bearer();
      const expired = bearer({ exp: Math.floor(Date.now() / 1000) - 3600 });
      const settle = (promise: Promise<unknown>) =>
        promise.then(
          (response) => ({ response }),
          (error: unknown) => ({ error: String(error) }),
        );
      // Act
      const answers = await Promise.all([good, expired].map((authorization) => settle(noisy(event(authorization)))));
      const expected = await Promise.all([good, expired].map((authorization) => settle(quiet(event(authorization)))));
      // Assert
      expect(answers).toEqual(expected);
      expect(answers[0]).toHaveProperty('response');
    });
  });
});
