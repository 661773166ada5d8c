/**
 * Reads an issuer's claim settings — `scopeClaims`, `groupClaims`, `groupsAsScopes`,
 * `clientIdClaims`, `tokenIdClaim`, `sessionIdClaim` — over the defaults of its preset. Kept apart
 * from `parse-issuers.ts`, which decides who is trusted; this decides what their tokens say.
 *
 * Lists of claims are always lists (`["scp"]`), so that a path written as a list of member names
 * (`[["https://acme.example/roles"]]`, for a claim whose name has dots) cannot be mistaken for a
 * list of claims.
 */
import { claimPathName, parseClaimPath, type ClaimPath } from '../claim-path';
import type { Problems } from '../problems';
import type { ClaimMapping } from './authorizer-config';
import { fieldPath, readBoolean, type RawObject } from './fields';

/** The claim settings every issuer accepts. */
export const CLAIM_MAPPING_KEYS = ['scopeClaims', 'groupClaims', 'groupsAsScopes', 'clientIdClaims', 'tokenIdClaim', 'sessionIdClaim'];

/** A setting that was renamed: its old name and what to write instead. */
const RENAMED: Readonly<Record<string, string>> = {
  groupsClaim: 'replaced by groupClaims, a list of claim paths (e.g. ["groups"] or ["realm_access.roles"])',
};

/** Names of renamed settings, so the unknown-key check leaves them to the specific message here. */
export const RENAMED_CLAIM_KEYS = Object.keys(RENAMED);

/** The issuer's claim mapping: `preset` with whatever `raw` sets on top. */
export function readClaimMapping(raw: RawObject, path: string, preset: ClaimMapping, problems: Problems): ClaimMapping {
  for (const [key, hint] of Object.entries(RENAMED)) if (key in raw) problems.add(fieldPath(path, key), hint);
  return {
    scopes: readPathList(raw, 'scopeClaims', path, problems) ?? preset.scopes,
    groups: readPathList(raw, 'groupClaims', path, problems) ?? preset.groups,
    groupsAsScopes: readBoolean(raw, 'groupsAsScopes', path, problems, preset.groupsAsScopes),
    clientId: readPathList(raw, 'clientIdClaims', path, problems) ?? preset.clientId,
    tokenId: readOptionalPath(raw, 'tokenIdClaim', path, problems, preset.tokenId),
    sessionId: readOptionalPath(raw, 'sessionIdClaim', path, problems, preset.sessionId),
  };
}

/** How a mapping reads in a message: `scope, scp`. */
export function describePaths(paths: readonly ClaimPath[]): string {
  return paths.map(claimPathName).join(', ');
}

function readPathList(raw: RawObject, key: string, path: string, problems: Problems): ClaimPath[] | undefined {
  const value = raw[key];
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    problems.add(
      fieldPath(path, key),
      'must be a list of claim paths, e.g. ["scp"] or ["realm_access.roles", ["https://acme.example/roles"]]',
    );
    return undefined;
  }
  const paths: ClaimPath[] = [];
  for (const spec of value) {
    const parsed = parseClaimPath(spec);
    if (typeof parsed === 'string') problems.add(fieldPath(path, key), parsed);
    else paths.push(parsed);
  }
  return paths;
}

function readOptionalPath(raw: RawObject, key: string, path: string, problems: Problems, fallback: ClaimPath | null): ClaimPath | null {
  const value = raw[key];
  if (value === undefined) return fallback;
  if (value === null) return null;
  const parsed = parseClaimPath(value);
  if (typeof parsed !== 'string') return parsed;
  problems.add(fieldPath(path, key), `${parsed}, or null`);
  return fallback;
}
