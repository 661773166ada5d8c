/**
 * API Gateway's side of a Lambda authorizer on an HTTP API route (payload format 2.0): what
 * happens between "a request matched a protected route" and "the backend is invoked".
 *
 * | situation                                                   | answer                                    |
 * |-------------------------------------------------------------|-------------------------------------------|
 * | identity source (the `Authorization` header) missing or empty | 401 `{"message":"Unauthorized"}`, authorizer not invoked |
 * | cached or fresh policy denies the route (explicit or implicit) | 403 `{"message":"Forbidden"}`          |
 * | simple response `isAuthorized: false`                        | 403 `{"message":"Forbidden"}`             |
 * | authorizer throws or answers something invalid               | 500 `{"message":"Internal Server Error"}`, not cached |
 * | policy allows the route                                      | backend invoked with the context          |
 *
 * HTTP API Lambda authorizers have no way to ask for a 401: every deny is a 403, and only a missing
 * identity source gives a 401 (the AWS documentation on identity sources: "If any of the
 * specified identity sources are missing, null, or empty, API Gateway returns a 401"). Results are
 * cached by identity source ({@link AuthorizerResultCache}); a cached IAM policy is evaluated
 * against each request's own `routeArn`, a cached simple response applies to every route.
 */
import type { HttpApiResponseMode } from '../../lambdas/core/config/config';
import { AuthorizerResultCache } from './authorizer-cache';
import { authorizerEvent, routeArn, type LocalRequest } from './gateway-events';
import { evaluatePolicy, isPolicyDocument } from './iam-policy';

/** What API Gateway decided, and whether the authorizer was asked. */
export type GatewayDecision =
  | { readonly kind: 'unauthorized' }
  | { readonly kind: 'error' }
  | { readonly kind: 'forbidden'; readonly cached: boolean }
  | { readonly kind: 'allowed'; readonly cached: boolean; readonly context: Readonly<Record<string, unknown>> };

export interface RouteAuthorizerOptions {
  /** The authorizer Lambda's handler. */
  readonly invoke: (event: unknown) => Promise<unknown>;
  /** The identity source header (`$request.header.<name>`), matched case-insensitively. */
  readonly identityHeader: string;
  /** `iam` (policy responses) or `simple` (`enableSimpleResponses`). */
  readonly responseMode: HttpApiResponseMode;
  readonly cacheTtlSeconds: number;
  /** Milliseconds since the epoch. */
  readonly now?: () => number;
}

/** A valid authorizer answer, as cached. */
type CachedAnswer =
  | { readonly mode: 'iam'; readonly policyDocument: unknown; readonly context: Record<string, unknown> }
  | { readonly mode: 'simple'; readonly isAuthorized: boolean; readonly context: Record<string, unknown> };

export class RouteAuthorizer {
  private readonly cache: AuthorizerResultCache<CachedAnswer>;
  private readonly identityHeader: string;
  /** How many times the authorizer Lambda was invoked (cache misses). */
  invocations = 0;

  constructor(private readonly options: RouteAuthorizerOptions) {
    this.identityHeader = options.identityHeader.toLowerCase();
    this.cache = new AuthorizerResultCache({ ttlSeconds: options.cacheTtlSeconds, ...(options.now ? { now: options.now } : {}) });
  }

  /** API Gateway's `ResetAuthorizersCache`: every cached answer is forgotten. */
  flushCache(): void {
    this.cache.flush();
  }

  async authorize(request: LocalRequest, routeKey: string): Promise<GatewayDecision> {
    const values = request.headers[this.identityHeader] ?? [];
    const identity = values.join(',');
    if (identity.trim() === '') return { kind: 'unauthorized' };
    const identitySource = [identity];

    let answer = this.cache.get(identitySource);
    const cached = answer !== undefined;
    if (!answer) {
      this.invocations++;
      try {
        answer = readAnswer(await this.options.invoke(authorizerEvent(request, routeKey, identitySource)), this.options.responseMode);
      } catch {
        answer = undefined;
      }
      if (!answer) return { kind: 'error' };
      this.cache.set(identitySource, answer);
    }
    const allowed =
      answer.mode === 'simple'
        ? answer.isAuthorized
        : evaluatePolicy(answer.policyDocument, { action: 'execute-api:Invoke', resource: routeArn(request) }) === 'allow';
    return allowed ? { kind: 'allowed', cached, context: answer.context } : { kind: 'forbidden', cached };
  }
}

/**
 * Validates the authorizer's answer as API Gateway would; `undefined` means invalid (a 500).
 * The backend's context is the answer's `context`, plus `principalId` in IAM mode (as AWS SAM
 * CLI's emulation passes it).
 */
function readAnswer(response: unknown, mode: HttpApiResponseMode): CachedAnswer | undefined {
  if (typeof response !== 'object' || response === null || Array.isArray(response)) return undefined;
  const fields = response as Record<string, unknown>;
  const rawContext = fields['context'];
  if (rawContext !== undefined && (typeof rawContext !== 'object' || rawContext === null || Array.isArray(rawContext))) return undefined;
  const context = { ...(rawContext as Record<string, unknown> | undefined) };
  if (mode === 'simple') {
    return typeof fields['isAuthorized'] === 'boolean' ? { mode, isAuthorized: fields['isAuthorized'], context } : undefined;
  }
  if (!isPolicyDocument(fields['policyDocument'])) return undefined;
  if (fields['principalId'] !== undefined && typeof fields['principalId'] !== 'string') return undefined;
  if (typeof fields['principalId'] === 'string') context['principalId'] = fields['principalId'];
  return { mode, policyDocument: fields['policyDocument'], context };
}
