/**
 * The pipeline's output: a decision as a value. Only the handler turns it into API Gateway's
 * response shape (or the `Unauthorized` error REST APIs need for a 401).
 */
import type { VerifiedClaims } from '../core/claims';
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
