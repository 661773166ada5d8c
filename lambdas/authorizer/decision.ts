/**
 * The pipeline's output: a decision as a value. Only the handler turns it into API Gateway's
 * response shape (or the `Unauthorized` error REST APIs need for a 401).
 *
 * The type says what each outcome knows, so no stage after it has to guess: a request refused
 * before its token verified has no claims; a verified token refused by the revocation check has
 * its claims; a token whose scopes do not reach the route has its claims and its grants (the 403
 * policy lists them); an allow has both.
 */
import type { VerifiedClaims } from '../core/claims';
import type { DenyReason, ForbiddenReason } from '../core/reasons';
import type { Grants } from './grants';

/** Reasons for refusing a token that verified, whatever route it asked for: the deny keeps its claims. */
export type VerifiedDenyReason = 'revoked' | 'revocation_unavailable';

/** Reasons for refusing a request before (or without) a verified token. */
export type UnauthenticatedReason = Exclude<DenyReason, VerifiedDenyReason | ForbiddenReason>;

export interface Allow {
  readonly effect: 'allow';
  readonly claims: VerifiedClaims;
  readonly grants: Grants;
  /** What the policy allows besides the grants' exact globs (route-access.ts). */
  readonly extraAllows: readonly string[];
}

/** Refused before anyone was authenticated: no token, a token that did not verify, a bug. */
export interface UnauthenticatedDeny {
  readonly effect: 'deny';
  readonly reason: UnauthenticatedReason;
  /** What went wrong, for the log line only; never sent to the caller. */
  readonly error: unknown;
}

/** A verified token refused by the revocation check. */
export interface VerifiedDeny {
  readonly effect: 'deny';
  readonly reason: VerifiedDenyReason;
  readonly claims: VerifiedClaims;
  /** What went wrong (a store failure), for the log line only; never sent to the caller. */
  readonly error: unknown;
}

/** Authenticated but not permitted: the token's scopes do not grant the invoked route. */
export interface ForbiddenDeny {
  readonly effect: 'deny';
  readonly reason: ForbiddenReason;
  readonly claims: VerifiedClaims;
  readonly grants: Grants;
  /** What the policy allows besides the grants' exact globs (route-access.ts). */
  readonly extraAllows: readonly string[];
}

export type Deny = UnauthenticatedDeny | VerifiedDeny | ForbiddenDeny;

export type Decision = Allow | Deny;

/**
 * A decision as observers read it (the decision log line, metrics, the `onDecision` hook): the
 * outcome, the reason, the claims and the error, never the grants. Any {@link Decision} is one.
 */
export type ObservedDecision = Omit<Allow, 'grants' | 'extraAllows'> | Deny;

const NO_EXTRA_ALLOWS: readonly string[] = Object.freeze([]);

export function allow(claims: VerifiedClaims, grants: Grants, extraAllows: readonly string[] = NO_EXTRA_ALLOWS): Allow {
  return { effect: 'allow', claims, grants, extraAllows };
}

/** Reasons that presuppose a verified token; see {@link unauthenticated}. */
const NEEDS_A_VERIFIED_TOKEN: ReadonlySet<DenyReason> = new Set<VerifiedDenyReason | ForbiddenReason>([
  'revoked',
  'revocation_unavailable',
  'insufficient_scope',
]);

/**
 * Refuses a request whose token did not verify. A reason that presupposes a verified token cannot
 * describe such a request: were the verification path ever to yield one (aws-jwt-verify's scope
 * check maps to `insufficient_scope`, and Tollbooth never configures it), it is reported as
 * `verification_failed` — still a deny, and logged where outages are.
 */
export function unauthenticated(reason: DenyReason, error?: unknown): UnauthenticatedDeny {
  return { effect: 'deny', reason: isUnauthenticatedReason(reason) ? reason : 'verification_failed', error };
}

function isUnauthenticatedReason(reason: DenyReason): reason is UnauthenticatedReason {
  return !NEEDS_A_VERIFIED_TOKEN.has(reason);
}

export function revoked(claims: VerifiedClaims): VerifiedDeny {
  return { effect: 'deny', reason: 'revoked', claims, error: undefined };
}

export function revocationUnavailable(claims: VerifiedClaims, error: unknown): VerifiedDeny {
  return { effect: 'deny', reason: 'revocation_unavailable', claims, error };
}

export function forbidden(claims: VerifiedClaims, grants: Grants, extraAllows: readonly string[] = NO_EXTRA_ALLOWS): ForbiddenDeny {
  return { effect: 'deny', reason: 'insufficient_scope', claims, grants, extraAllows };
}
