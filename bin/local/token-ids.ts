/**
 * Which claims of a token `revoke --token` revokes by: its token id and its sign-in session id,
 * read where the authorizer reads them for the issuer's provider preset (Entra's `uti`,
 * Keycloak's `sid`, …) or where the caller says. A revocation row written under a different
 * claim's value would match nothing, silently; so the claims are named in every output line.
 */
import { claimPathName, parseClaimPath, readClaimPath, type ClaimPath } from '../../lambdas/core/claim-path';
import { PROVIDER_PRESETS, type ProviderPreset } from '../../lambdas/core/config/authorizer-config';
import { presetClaimMapping } from '../../lambdas/core/config/provider-presets';
import { UsageError } from './args';

/** A token's id or session id, and the claim it was read from (for messages). */
export interface TokenIdClaim {
  readonly claim: string;
  readonly value: string | undefined;
}

export interface TokenIds {
  /** `undefined` when the provider's tokens carry no token id. */
  readonly tokenId: TokenIdClaim | undefined;
  /** `undefined` when the provider's tokens carry no session id. */
  readonly sessionId: TokenIdClaim | undefined;
}

export interface TokenIdOptions {
  readonly provider?: string | undefined;
  readonly tokenIdClaim?: string | undefined;
  readonly sessionIdClaim?: string | undefined;
}

/** The claims to revoke by; throws a {@link UsageError} naming the option when one is not valid. */
export function readTokenIds(claims: Readonly<Record<string, unknown>>, options: TokenIdOptions): TokenIds {
  const preset = presetOf(options.provider);
  const issuer = typeof claims['iss'] === 'string' ? claims['iss'] : '';
  const mapping = presetClaimMapping(preset, { issuer, audiences: null, tokenUse: 'access' });
  const tokenIdPath = options.tokenIdClaim === undefined ? mapping.tokenId : pathOf(options.tokenIdClaim, '--token-id-claim');
  const sessionIdPath = options.sessionIdClaim === undefined ? mapping.sessionId : pathOf(options.sessionIdClaim, '--session-id-claim');
  return { tokenId: read(claims, tokenIdPath), sessionId: read(claims, sessionIdPath) };
}

function presetOf(provider: string | undefined): ProviderPreset {
  if (provider === undefined) return 'oidc';
  const preset = PROVIDER_PRESETS.find((name) => name === provider);
  if (!preset) throw new UsageError(`--provider must be one of ${PROVIDER_PRESETS.join(', ')}, not "${provider}"`);
  return preset;
}

function pathOf(spec: string, option: string): ClaimPath {
  const path = parseClaimPath(spec);
  if (typeof path === 'string') throw new UsageError(`${option}: ${path}`);
  return path;
}

function read(claims: Readonly<Record<string, unknown>>, path: ClaimPath | null | undefined): TokenIdClaim | undefined {
  if (!path) return undefined;
  let value: unknown;
  try {
    value = readClaimPath(claims, path);
  } catch {
    value = undefined; // an object expected on the way is not there: the token has no such claim
  }
  return { claim: claimPathName(path), value: typeof value === 'string' && value !== '' ? value : undefined };
}
