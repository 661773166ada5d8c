/**
 * Decisions shaped as the pipeline builds them, for tests of the stages that read decisions (the
 * response, the log line, metrics): a deny of any reason carries what that reason implies.
 */
import { forbidden, revocationUnavailable, revoked, unauthenticated, type Deny } from '../../lambdas/authorizer/decision';
import { Grants } from '../../lambdas/authorizer/grants';
import type { VerifiedClaims } from '../../lambdas/core/claims';
import type { DenyReason } from '../../lambdas/core/reasons';
import { verifiedClaims } from './claims';

/** A deny for `reason`: with claims when the reason implies a verified token, and grants when it implies a forbidden one. */
export function denyFor(reason: DenyReason, error?: unknown, claims: VerifiedClaims = verifiedClaims(), grants = new Grants([])): Deny {
  switch (reason) {
    case 'insufficient_scope':
      return forbidden(claims, grants);
    case 'revoked':
      return revoked(claims);
    case 'revocation_unavailable':
      return revocationUnavailable(claims, error);
    default:
      return unauthenticated(reason, error);
  }
}
