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
 * cached by identity source ({@link AuthorizerResultCache}) — the `Authorization` header and, as
 * `TollboothAuthorizer` sets it up by default (`cacheByRoute`), `$context.routeKey` — and a cached
 * IAM policy is evaluated against each request's own `routeArn`; a cached simple response applies
 * to every request of the route (of every route, when keyed by the header alone).
 *
 * Every decision carries its reason for the request log, cached or not: a fresh one the
 * authorizer's own reason code; a cached one the code remembered with the answer — except that a
 * cached allow whose policy does not cover this route is `insufficient_scope`, which is what the
 * authorizer would have said. {@link RouteAuthorizer.reconfigure} swaps the authorizer when the
 * configuration is reloaded, and forgets every cached answer, as a redeployment does.
 */
import type { HttpApiResponseMode } from '../../lambdas/core/config/config';
import { AuthorizerResultCache } from './authorizer-cache';
import { authorizerEvent, routeArn, type LocalRequest } from './gateway-events';
import { evaluatePolicy, isPolicyDocument } from './iam-policy';

/** Why the authorizer decided as it did: its reason code (`allowed` for an allow) and the token's subject. */
export interface DecisionNote {
  readonly reason: string;
  readonly sub?: string;
}

/** An invocation of the authorizer Lambda: its answer, and the decision it logged. */
export interface Invocation {
  readonly response: unknown;
  readonly note: DecisionNote | undefined;
}

/** The cache's part in a decision: `ageMs` since the cached answer was given. */
export type CacheUse = { readonly cached: false } | { readonly cached: true; readonly ageMs: number };

/** What API Gateway decided, whether the authorizer was asked, and why. */
export type GatewayDecision =
  | { readonly kind: 'unauthorized' }
  | { readonly kind: 'error'; readonly note: DecisionNote | undefined }
  | ({ readonly kind: 'forbidden'; readonly note: DecisionNote } & CacheUse)
  | ({ readonly kind: 'allowed'; readonly note: DecisionNote; readonly context: Readonly<Record<string, unknown>> } & CacheUse);

export interface RouteAuthorizerOptions {
  /** Invokes the authorizer Lambda's handler. */
  readonly invoke: (event: unknown) => Promise<Invocation>;
  /** The identity source header (`$request.header.<name>`), matched case-insensitively. */
  readonly identityHeader: string;
  /** `iam` (policy responses) or `simple` (`enableSimpleResponses`). */
  readonly responseMode: HttpApiResponseMode;
  readonly cacheTtlSeconds: number;
  /** Key the cache by `$context.routeKey` too, as the construct does by default. Default: true. */
  readonly cacheByRoute?: boolean;
  /** Milliseconds since the epoch. */
  readonly now?: () => number;
}

/** A valid authorizer answer. */
type ValidAnswer =
  | { readonly mode: 'iam'; readonly policyDocument: unknown; readonly context: Record<string, unknown> }
  | { readonly mode: 'simple'; readonly isAuthorized: boolean; readonly context: Record<string, unknown> };

/** As cached: with the decision it came from, and when. */
type CachedAnswer = ValidAnswer & { readonly note: DecisionNote; readonly answeredAt: number };

// An answer without a logged decision (a handler that does not log) still gets a reason.
const UNEXPLAINED: DecisionNote = { reason: 'unexplained' };

export class RouteAuthorizer {
  private options: RouteAuthorizerOptions;
  private cache: AuthorizerResultCache<CachedAnswer>;
  /** How many times the authorizer Lambda was invoked (cache misses). */
  invocations = 0;

  constructor(options: RouteAuthorizerOptions) {
    this.options = options;
    this.cache = this.newCache(options);
  }

  /** The identity source header, lower-cased. */
  get identityHeader(): string {
    return this.options.identityHeader.toLowerCase();
  }

  /** Swaps in another authorizer (a reloaded configuration) and forgets every cached answer. */
  reconfigure(options: RouteAuthorizerOptions): void {
    this.options = options;
    this.cache = this.newCache(options);
  }

  /** API Gateway's `ResetAuthorizersCache`: every cached answer is forgotten. */
  flushCache(): void {
    this.cache.flush();
  }

  async authorize(request: LocalRequest, routeKey: string): Promise<GatewayDecision> {
    const { invoke, responseMode } = this.options;
    const now = this.options.now ?? Date.now;
    const values = request.headers[this.identityHeader] ?? [];
    const identity = values.join(',');
    if (identity.trim() === '') return { kind: 'unauthorized' };
    const identitySource = this.options.cacheByRoute === false ? [identity] : [identity, routeKey];

    let answer = this.cache.get(identitySource);
    const cache: CacheUse = answer ? { cached: true, ageMs: now() - answer.answeredAt } : { cached: false };
    if (!answer) {
      this.invocations++;
      let invocation: Invocation | undefined;
      try {
        invocation = await invoke(authorizerEvent(request, routeKey, identitySource));
        const valid = readAnswer(invocation.response, responseMode);
        answer = valid ? { ...valid, note: invocation.note ?? UNEXPLAINED, answeredAt: now() } : undefined;
      } catch {
        answer = undefined;
      }
      if (!answer) return { kind: 'error', note: invocation?.note };
      this.cache.set(identitySource, answer);
    }
    const allowed =
      answer.mode === 'simple'
        ? answer.isAuthorized
        : evaluatePolicy(answer.policyDocument, { action: 'execute-api:Invoke', resource: routeArn(request) }) === 'allow';
    if (allowed) return { kind: 'allowed', ...cache, note: answer.note, context: answer.context };
    // An allow for another route, reused here: the policy does not reach this one.
    const note = answer.note.reason === 'allowed' ? { ...answer.note, reason: 'insufficient_scope' } : answer.note;
    return { kind: 'forbidden', ...cache, note };
  }

  private newCache(options: RouteAuthorizerOptions): AuthorizerResultCache<CachedAnswer> {
    return new AuthorizerResultCache({ ttlSeconds: options.cacheTtlSeconds, ...(options.now ? { now: options.now } : {}) });
  }
}

/**
 * Validates the authorizer's answer as API Gateway would; `undefined` means invalid (a 500).
 * The backend's context is the answer's `context`, plus `principalId` in IAM mode (as AWS SAM
 * CLI's emulation passes it).
 */
function readAnswer(response: unknown, mode: HttpApiResponseMode): ValidAnswer | undefined {
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
