/**
 * The pipeline's output: a decision as a value. Only the handler turns it into API Gateway's
 * response shape (or the `Unauthorized` error REST APIs need for a 401).
 */
import type { VerifiedClaims } from '../core/claims';
import type { EventKind } from './event';
import type { Grants } from './grants';
import type { DenyReason } from '../core/reasons';

export interface Allow {
  readonly effect: 'allow';
  readonly claims: VerifiedClaims;
  readonly grants: Grants;
}

export interface Deny {
  readonly effect: 'deny';
  readonly reason: DenyReason;
  /** Present when the token verified (insufficient scope, revoked, revocation unavailable). */
  readonly claims?: VerifiedClaims;
  readonly grants?: Grants;
  /** What went wrong, for the log line only; never sent to the caller. */
  readonly error?: unknown;
}

export type Decision = Allow | Deny;

export function deny(reason: DenyReason, details: Omit<Deny, 'effect' | 'reason'> = {}): Deny {
  return { effect: 'deny', reason, ...details };
}

/** What is known about a decision besides the decision itself (for metrics and other observers). */
export interface DecisionObservation {
  readonly eventKind: EventKind | 'unknown';
  readonly latencyMs: number;
  readonly tokenCacheHit: boolean;
  readonly revocationCacheHits: number;
  readonly revocationStoreReads: number;
}
