/**
 * One verified token as the pipeline carries it: its claims, and what later stages derive from
 * them — the revocation table keys to look up, the key its scope set's grants are memoised under.
 *
 * A client reuses its token for many requests, and the verified-token cache hands back the same
 * record each time, so each derived value is worked out once per token (on first use: a stage that
 * does not run never pays for it) and lives exactly as long as the cache entry that holds the
 * record. The record holds keys, never grants: grants live in their own bounded memo.
 */
import type { VerifiedClaims } from '../core/claims';
import { revocationKeysOf, type RevocationKeys } from './revocation-checker';

/** Whatever works out a scope list's memo key (the grant resolver). */
export interface ScopeSetKeys {
  scopeSetKey(scopes: readonly string[]): string;
}

export class TokenRecord {
  private revocationKeysOnce: RevocationKeys | undefined = undefined;
  private scopeSetKeyOnce: string | undefined = undefined;

  constructor(readonly claims: VerifiedClaims) {}

  /** The token's revocation table keys: its own, its session's and its subject's. */
  get revocationKeys(): RevocationKeys {
    this.revocationKeysOnce ??= revocationKeysOf(this.claims);
    return this.revocationKeysOnce;
  }

  /**
   * The key its grants are memoised under, as `keys` works it out. A record belongs to one
   * authorizer's verified-token cache, so it only ever meets that authorizer's resolver.
   */
  scopeSetKey(keys: ScopeSetKeys): string {
    this.scopeSetKeyOnce ??= keys.scopeSetKey(this.claims.scopes);
    return this.scopeSetKeyOnce;
  }
}
