/**
 * Verified claims as the pipeline holds them after verification, for unit tests of the stages
 * that come after it (revocation, caches, responses, logs).
 */
import type { VerifiedClaims } from '../../lambdas/core/claims';

export const CLAIMS_ISSUER = 'https://issuer.example';

export function verifiedClaims(overrides: Partial<VerifiedClaims> = {}): VerifiedClaims {
  return {
    issuer: CLAIMS_ISSUER,
    sub: 'alice',
    exp: 1_800_000_600,
    iat: 1_800_000_000,
    jti: 'token-1',
    originJti: undefined,
    clientId: 'app-1',
    scopes: ['orders:read'],
    ...overrides,
  };
}
