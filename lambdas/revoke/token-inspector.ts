/**
 * Decides what a token presented for revocation really is, with exactly the verification the
 * authorizer applies — so its `iss`, `jti`, `origin_jti` and `exp` are only trusted once the
 * signature verified against a trusted issuer's JWKS. Revoking on unverified claims would let a
 * caller forge a token naming someone else's `jti` and cut them off.
 *
 * The verification stack is the authorizer's own (`createTokenVerification`: same JWKS fetcher,
 * cache, key policy and verifiers), with the same pre-parsing of the bearer credential and the same
 * claim rules except that `jti` is optional here: a token without one is reported, not an error.
 *
 * Outcomes, and why each matters to the caller:
 * - `live`: verified and unexpired — revoke it;
 * - `expired`: verified signature, `exp` passed — nothing to revoke;
 * - `invalid`: can never pass an authorizer with this configuration (bad signature, untrusted
 *   issuer, wrong audience, …) — nothing to revoke (RFC 7009 §2.2: "invalid tokens do not cause an
 *   error response");
 * - `undecidable`: might verify later (a `kid` not published yet, `nbf` in the future), so
 *   answering "done" would be a lie;
 * - `unavailable`: the JWKS could not be fetched or something unexpected failed — try again.
 */
import type { VerifiedClaims } from '../core/claims';
import { readClaims } from '../core/claims';
import type { AuthorizerConfig } from '../core/config/authorizer-config';
import { classify, type DenyReason } from '../core/reasons';
import { extractToken } from '../core/bearer-token';
import { createTokenVerification } from '../core/verification/verification-stack';
import type { Fetcher } from 'aws-jwt-verify/https';

export type TokenInspection =
  | { readonly status: 'live'; readonly claims: VerifiedClaims }
  | { readonly status: 'expired' | 'invalid' | 'undecidable' | 'unavailable'; readonly reason: DenyReason };

export interface TokenInspector {
  inspect(token: string): Promise<TokenInspection>;
  /** Fetches every trusted issuer's JWKS; resolves to how many succeeded. Never rejects. */
  hydrate(): Promise<number>;
}

export interface TokenInspectorDeps {
  readonly jwksFetcher?: Fetcher;
  /** Milliseconds since the epoch, for Tollbooth's own claim checks and the JWKS cache. */
  readonly now?: () => number;
}

const UNDECIDABLE: ReadonlySet<DenyReason> = new Set<DenyReason>(['unknown_key', 'not_yet_valid']);
const UNAVAILABLE: ReadonlySet<DenyReason> = new Set<DenyReason>(['jwks_unavailable', 'verification_failed', 'internal']);

/** Builds an inspector verifying with the authorizer's parts, configured from the same document. */
export function createTokenInspector(config: AuthorizerConfig, deps: TokenInspectorDeps = {}): TokenInspector {
  const now = deps.now ?? Date.now;
  const verification = createTokenVerification(config, { jwksFetcher: deps.jwksFetcher, now });
  const tokenVerifier = verification.verifier;
  // No revocation horizon: revoking an old token is harmless, and the authorizer refuses it anyway.
  const claimRules = { verification: config.verification, requireJti: false, revocationHorizonSeconds: null };

  async function inspect(token: string): Promise<TokenInspection> {
    // The same pre-parsing the authorizer applies to `Authorization: Bearer <token>`.
    const extraction = extractToken({ headerValues: [`Bearer ${token}`], queryValues: [] }, config.token);
    if (!extraction.ok) return { status: 'invalid', reason: extraction.reason };
    try {
      const verified = await tokenVerifier.verify(extraction.token);
      const claims = readClaims(verified.issuer, verified.header, verified.payload, claimRules, now() / 1000);
      return { status: 'live', claims };
    } catch (error) {
      const reason = classify(error);
      // aws-jwt-verify checks exp only after the signature verified, so "expired" is genuine.
      if (reason === 'expired') return { status: 'expired', reason };
      if (UNDECIDABLE.has(reason)) return { status: 'undecidable', reason };
      if (UNAVAILABLE.has(reason)) return { status: 'unavailable', reason };
      return { status: 'invalid', reason };
    }
  }

  return { inspect, hydrate: verification.hydrate };
}
