/**
 * The decision type: what each outcome carries, enforced by the compiler (the `@ts-expect-error`
 * lines fail `npm run typecheck` the day such a state becomes representable again), and the one
 * constructor that narrows a reason.
 */
import { describe, expect, it } from 'vitest';
import { unauthenticated, type Decision } from '../../../lambdas/authorizer/decision';
import { DENY_REASONS, type DenyReason } from '../../../lambdas/core/reasons';
import { verifiedClaims } from '../../helpers/claims';

const CLAIMS = verifiedClaims();

describe('decision', () => {
  it('cannot represent a deny that contradicts its reason', () => {
    const wrong: Decision[] = [
      // @ts-expect-error an unauthenticated deny has no claims
      { effect: 'deny', reason: 'expired', error: undefined, claims: CLAIMS },
      // @ts-expect-error a revoked token's deny keeps its claims
      { effect: 'deny', reason: 'revoked', error: undefined },
      // @ts-expect-error a forbidden deny has its grants
      { effect: 'deny', reason: 'insufficient_scope', claims: CLAIMS },
      // @ts-expect-error an allow has its grants
      { effect: 'allow', claims: CLAIMS },
    ];
    // Assert: the value only exists for the compiler's sake
    expect(wrong).toHaveLength(4);
  });

  describe('unauthenticated', () => {
    const needsAVerifiedToken = new Set<DenyReason>(['insufficient_scope', 'revoked', 'revocation_unavailable']);

    it.each(DENY_REASONS.filter((reason) => !needsAVerifiedToken.has(reason)).map((reason) => ({ reason })))(
      'keeps the reason $reason',
      ({ reason }) => {
        // Prepare
        const error = new Error('why');
        // Act / Assert
        expect(unauthenticated(reason, error)).toEqual({ effect: 'deny', reason, error });
      },
    );

    it.each([...needsAVerifiedToken].map((reason) => ({ reason })))(
      'reports $reason from a token that did not verify as verification_failed',
      ({ reason }) => {
        // Act
        const decision = unauthenticated(reason);
        // Assert
        expect(decision).toEqual({ effect: 'deny', reason: 'verification_failed', error: undefined });
      },
    );
  });
});
