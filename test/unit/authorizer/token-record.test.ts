/**
 * The per-token record: what later stages derive from a token's claims is worked out once, on
 * first use, and kept with the record.
 */
import { describe, expect, it, vi } from 'vitest';
import { revocationKeysOf } from '../../../lambdas/authorizer/revocation-checker';
import { TokenRecord } from '../../../lambdas/authorizer/token-record';
import { revocationKey } from '../../../lambdas/core/revocation-table';
import { CLAIMS_ISSUER, verifiedClaims } from '../../helpers/claims';

describe('token-record', () => {
  it('builds its revocation keys once, from its claims', () => {
    // Prepare
    const record = new TokenRecord(verifiedClaims({ jti: 'token-1', originJti: 'session-1', sub: 'alice' }));
    // Act
    const keys = record.revocationKeys;
    // Assert
    expect(record.revocationKeys).toBe(keys);
    expect(keys).toEqual(revocationKeysOf(record.claims));
    expect(keys).toEqual({
      tokenKeys: [revocationKey('jti', CLAIMS_ISSUER, 'token-1'), revocationKey('session', CLAIMS_ISSUER, 'session-1')],
      subjectKey: revocationKey('sub', CLAIMS_ISSUER, 'alice'),
      keys: [
        revocationKey('jti', CLAIMS_ISSUER, 'token-1'),
        revocationKey('session', CLAIMS_ISSUER, 'session-1'),
        revocationKey('sub', CLAIMS_ISSUER, 'alice'),
      ],
    });
  });

  it('asks for its scope-set key once and keeps the answer', () => {
    // Prepare
    const record = new TokenRecord(verifiedClaims({ scopes: ['b', 'a'] }));
    const keys = { scopeSetKey: vi.fn((scopes: readonly string[]) => [...scopes].sort().join(' ')) };
    // Act
    const first = record.scopeSetKey(keys);
    const again = record.scopeSetKey(keys);
    // Assert
    expect([first, again]).toEqual(['a b', 'a b']);
    expect(keys.scopeSetKey).toHaveBeenCalledTimes(1);
  });
});
