/**
 * Turns a {@link Decision} into the answer API Gateway expects from this kind of event.
 *
 * | decision                 | REST (TOKEN / REQUEST)      | HTTP API 1.0, 2.0 IAM mode        | HTTP API 2.0 simple mode |
 * |--------------------------|-----------------------------|-----------------------------------|--------------------------|
 * | allow                    | Allow policy → 200          | Allow policy → 200                | `isAuthorized: true`     |
 * | insufficient_scope       | explicit Deny → 403         | explicit Deny → 403               | `isAuthorized: false` → 403 |
 * | any other deny           | `Error('Unauthorized')` → 401 | Deny all → 403                  | `isAuthorized: false` → 403 |
 *
 * REST APIs answer 401 only for the exact error message `Unauthorized` and 500 for any other
 * error, so authentication failures take that path and nothing else throws. HTTP APIs have no
 * authorizer-driven 401 (a missing identity source is a 401 before the authorizer runs), so every
 * deny there is a 403.
 */
import type { APIGatewayAuthorizerResult, APIGatewayAuthorizerResultContext, APIGatewaySimpleAuthorizerResult } from 'aws-lambda';
import type { VerifiedClaims } from '../core/claims';
import type { HttpApiResponseMode } from '../core/config/authorizer-config';
import type { Decision } from './decision';
import type { AuthRequest } from './event';
import { denyAllPolicy, grantPolicy } from './iam-policy';

export type SimpleResponse = APIGatewaySimpleAuthorizerResult & { context?: APIGatewayAuthorizerResultContext };
export type AuthorizerResponse = APIGatewayAuthorizerResult | SimpleResponse;

/** Either a response to return, or "fail with `Unauthorized`" (REST's only way to a 401). */
export type Answer = { readonly unauthorized: false; readonly response: AuthorizerResponse } | { readonly unauthorized: true };

/** Principal used when nobody was authenticated. */
export const ANONYMOUS_PRINCIPAL = 'anonymous';

export function answer(request: AuthRequest, decision: Decision, httpApiResponseMode: HttpApiResponseMode): Answer {
  if (request.kind === 'http-v2' && httpApiResponseMode === 'simple') {
    return respond(
      decision.effect === 'allow' ? { isAuthorized: true, context: authorizerContext(decision.claims) } : { isAuthorized: false },
    );
  }
  // A policy can only grant on the route's API and stage. The pipeline refuses a request whose
  // ARN it cannot read before deciding anything (`unsupported_event`), so an allow or a forbidden
  // deny always comes with one; without one there is nothing to grant on, only to refuse.
  const arn = request.arn;
  if ((decision.effect === 'deny' && decision.reason !== 'insufficient_scope') || arn === undefined) {
    if (request.kind === 'rest-token' || request.kind === 'rest-request') return { unauthorized: true };
    return respond({ principalId: ANONYMOUS_PRINCIPAL, policyDocument: denyAllPolicy(arn) });
  }
  // The pipeline only allows a granted route, but an allow's grants are checked against it again:
  // one match, and an allow built elsewhere can never leave the invoked route without its Deny.
  const invokedRouteGranted = decision.effect === 'allow' && decision.grants.allows(arn.method, arn.path);
  return respond({
    principalId: decision.claims.sub,
    policyDocument: grantPolicy(arn, decision.grants, decision.extraAllows, invokedRouteGranted),
    context: authorizerContext(decision.claims),
  });
}

function respond(response: AuthorizerResponse): Answer {
  return { unauthorized: false, response };
}

/**
 * What the backend sees as `$context.authorizer.*`. REST only accepts string, number and boolean
 * values at the top level, so scopes travel as one space-delimited string.
 */
export function authorizerContext(claims: VerifiedClaims): APIGatewayAuthorizerResultContext {
  const context: APIGatewayAuthorizerResultContext = { sub: claims.sub, scope: claims.scopes.join(' '), iss: claims.issuer };
  if (claims.clientId !== undefined) context['clientId'] = claims.clientId;
  if (claims.jti !== undefined) context['jti'] = claims.jti;
  return context;
}
