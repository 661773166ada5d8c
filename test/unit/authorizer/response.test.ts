/**
 * Decisions → the answer each event kind expects: policy, simple response, or REST's 401.
 */
import { describe, expect, it } from 'vitest';
import { parseExecuteApiArn } from '../../../lambdas/authorizer/execute-api-arn';
import type { HttpApiResponseMode } from '../../../lambdas/core/config/config';
import { allow, forbidden, revoked, unauthenticated, type Decision } from '../../../lambdas/authorizer/decision';
import type { AuthRequest, EventKind } from '../../../lambdas/authorizer/event';
import { grantsOf } from '../../helpers/routes';
import { answer, authorizerContext } from '../../../lambdas/authorizer/response';
import { executeApiArn } from '../../helpers/events';
import { CLAIMS_ISSUER, verifiedClaims } from '../../helpers/claims';

const CLAIMS = verifiedClaims({ sub: 'alice', scopes: ['orders:read', 'orders:list'], jti: 'token-1', clientId: 'app-1' });
const GRANTS = grantsOf('GET /orders', 'GET /orders/*');

function request(kind: EventKind, method = 'GET', path = '/orders/42'): AuthRequest {
  return {
    kind,
    arn: parseExecuteApiArn(executeApiArn(method, path)),
    route: `${method} ${path}`,
    routeKey: undefined,
    headerValues: [],
    queryValues: [],
  };
}

const ALLOW: Decision = allow(CLAIMS, GRANTS);
const INSUFFICIENT_SCOPE: Decision = forbidden(CLAIMS, GRANTS);
const EXPIRED: Decision = unauthenticated('expired', new Error('expired'));
const REVOKED: Decision = revoked(CLAIMS);

const CONTEXT = { sub: 'alice', scope: 'orders:read orders:list', iss: CLAIMS_ISSUER, clientId: 'app-1', jti: 'token-1' };
const ALLOW_STATEMENT = {
  Effect: 'Allow',
  Action: 'execute-api:Invoke',
  Resource: [executeApiArn('GET', '/orders'), executeApiArn('GET', '/orders/*')],
};
// executeApiArn('*', '') is `<stage ARN>/*`: every route of the stage.
const DENY_ALL = {
  principalId: 'anonymous',
  policyDocument: {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Deny', Action: 'execute-api:Invoke', Resource: [executeApiArn('*', '')] }],
  },
};

/** Every kind that answers with an IAM policy: REST, HTTP API 1.0, and HTTP API 2.0 in IAM mode. */
const POLICY_KINDS: ReadonlyArray<{ kind: EventKind; mode: HttpApiResponseMode }> = [
  { kind: 'rest-token', mode: 'iam' },
  { kind: 'rest-request', mode: 'iam' },
  { kind: 'http-v1', mode: 'iam' },
  { kind: 'http-v2', mode: 'iam' },
  { kind: 'rest-token', mode: 'simple' },
  { kind: 'http-v1', mode: 'simple' },
];

describe('response', () => {
  describe('answer with a policy', () => {
    it.each(POLICY_KINDS)('$kind ($mode mode): allows every granted route for an allow', ({ kind, mode }) => {
      // Act
      const result = answer(request(kind), ALLOW, mode);
      // Assert
      expect(result).toEqual({
        unauthorized: false,
        response: { principalId: 'alice', policyDocument: { Version: '2012-10-17', Statement: [ALLOW_STATEMENT] }, context: CONTEXT },
      });
    });

    it.each(POLICY_KINDS)(
      '$kind ($mode mode): answers insufficient scope with an explicit deny of the invoked route (403)',
      ({ kind, mode }) => {
        // Act
        const result = answer(request(kind, 'DELETE', '/orders/42'), INSUFFICIENT_SCOPE, mode);
        // Assert
        expect(result).toEqual({
          unauthorized: false,
          response: {
            principalId: 'alice',
            policyDocument: {
              Version: '2012-10-17',
              Statement: [
                ALLOW_STATEMENT,
                { Effect: 'Deny', Action: 'execute-api:Invoke', Resource: [executeApiArn('DELETE', '/orders/42')] },
              ],
            },
            context: CONTEXT,
          },
        });
      },
    );

    it.each([
      { kind: 'rest-token', decision: EXPIRED },
      { kind: 'rest-request', decision: EXPIRED },
      { kind: 'rest-token', decision: REVOKED },
      { kind: 'rest-request', decision: REVOKED },
    ] as const)('$kind: answers $decision.reason with Unauthorized (401)', ({ kind, decision }) => {
      // Act
      const result = answer(request(kind), decision, 'iam');
      // Assert
      expect(result).toEqual({ unauthorized: true });
    });

    it.each([
      { kind: 'http-v1', decision: EXPIRED },
      { kind: 'http-v2', decision: EXPIRED },
      { kind: 'http-v1', decision: REVOKED },
      { kind: 'http-v2', decision: REVOKED },
    ] as const)('$kind: answers $decision.reason with a deny-all policy for an anonymous principal', ({ kind, decision }) => {
      // Act
      const result = answer(request(kind), decision, 'iam');
      // Assert
      expect(result).toEqual({ unauthorized: false, response: DENY_ALL });
    });

    it('denies everything when an allow arrives without a usable ARN', () => {
      // Prepare
      const withoutArn = { ...request('http-v1'), arn: undefined };
      // Act
      const result = answer(withoutArn, ALLOW, 'iam');
      // Assert
      expect(result).toEqual({
        unauthorized: false,
        response: {
          principalId: 'anonymous',
          policyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'execute-api:Invoke', Resource: ['*'] }] },
        },
      });
    });

    it('still denies the invoked route when an allow’s grants do not cover it', () => {
      // Act
      const result = answer(request('rest-token', 'POST', '/orders'), ALLOW, 'iam');
      // Assert
      expect(result.unauthorized ? undefined : result.response).toMatchObject({
        policyDocument: {
          Statement: [ALLOW_STATEMENT, { Effect: 'Deny', Action: 'execute-api:Invoke', Resource: [executeApiArn('POST', '/orders')] }],
        },
      });
    });
  });

  describe('answer in simple mode (HTTP API 2.0)', () => {
    it('answers an allow with isAuthorized true and the context', () => {
      // Act
      const result = answer(request('http-v2'), ALLOW, 'simple');
      // Assert
      expect(result).toEqual({ unauthorized: false, response: { isAuthorized: true, context: CONTEXT } });
    });

    it.each([
      { name: 'insufficient scope', decision: INSUFFICIENT_SCOPE },
      { name: 'an expired token', decision: EXPIRED },
      { name: 'a revoked token', decision: REVOKED },
    ])('answers $name with isAuthorized false and no context', ({ decision }) => {
      // Act
      const result = answer(request('http-v2'), decision, 'simple');
      // Assert
      expect(result).toEqual({ unauthorized: false, response: { isAuthorized: false } });
    });
  });

  describe('authorizerContext', () => {
    it('carries only strings, with scopes as one space-delimited string', () => {
      // Act
      const context = authorizerContext(CLAIMS);
      // Assert
      expect(context).toEqual(CONTEXT);
      expect(Object.values(context).every((value) => typeof value === 'string')).toBe(true);
    });

    it('leaves out the client id and token id when the token has none', () => {
      // Act
      const context = authorizerContext(verifiedClaims({ clientId: undefined, jti: undefined, scopes: [] }));
      // Assert
      expect(context).toEqual({ sub: 'alice', scope: '', iss: CLAIMS_ISSUER });
    });
  });
});
