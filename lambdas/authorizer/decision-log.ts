/**
 * The one structured log line per decision, built from an allow-list of fields.
 *
 * Nothing from the request is logged wholesale: no event, no headers, no token, no signature, no
 * error message that could echo token content. Only the reason code, the verified subject and
 * token id, the route and the latency — and, for failures that point at a bug or an outage, the
 * error's class and a bounded message.
 */
import { errorClassName, loggableError } from '../core/error-class';
import { redactTokenShapes } from '../core/log-redaction';
import type { ObservedDecision } from './decision';
import type { EventKind } from './event';
import type { DenyReason } from '../core/reasons';
import type { StructuredLogger } from '../core/structured-logger';

/** Where the decision line goes: Powertools' Logger in Lambda, a recorder in tests. */
export type DecisionLogger = StructuredLogger;

export interface DecisionLogContext {
  readonly eventKind: EventKind | 'unknown';
  readonly route: string;
  readonly latencyMs: number;
  /** The decision came from the verified-token cache. */
  readonly tokenCacheHit: boolean;
}

/** Reasons that mean "something is broken", logged at warn/error so alarms can find them. */
const OUTAGE_REASONS: ReadonlySet<DenyReason> = new Set<DenyReason>(['revocation_unavailable', 'jwks_unavailable', 'verification_failed']);

export const DECISION_MESSAGE = 'authorizer decision';

export function logDecision(logger: DecisionLogger, decision: ObservedDecision, context: DecisionLogContext): void {
  const claims = 'claims' in decision ? decision.claims : undefined;
  const attributes: Record<string, unknown> = {
    decision: decision.effect,
    reason: decision.effect === 'deny' ? decision.reason : 'allowed',
    eventKind: context.eventKind,
    // The path is the client's: a token put in it must not reach the log.
    route: redactTokenShapes(context.route),
    latencyMs: Math.round(context.latencyMs * 1000) / 1000,
    tokenCacheHit: context.tokenCacheHit,
  };
  if (claims) {
    attributes['sub'] = claims.sub;
    attributes['jti'] = claims.jti;
    attributes['iss'] = claims.issuer;
    attributes['clientId'] = claims.clientId;
  }
  if (decision.effect === 'allow') {
    logger.info(DECISION_MESSAGE, attributes);
    return;
  }
  // A forbidden deny carries no error: nothing went wrong, the scopes just do not reach the route.
  const error = 'error' in decision ? decision.error : undefined;
  if (decision.reason === 'internal' || OUTAGE_REASONS.has(decision.reason)) {
    attributes['error'] = describeError(error);
    logger[decision.reason === 'internal' ? 'error' : 'warn'](DECISION_MESSAGE, attributes);
    return;
  }
  if (error instanceof Error) attributes['errorClass'] = errorClassName(error);
  logger.info(DECISION_MESSAGE, attributes);
}

function describeError(error: unknown): string | undefined {
  if (error === undefined) return undefined;
  // A thrown non-Error is named by its type only: its content could be anything.
  return error instanceof Error ? loggableError(error) : typeof error;
}
