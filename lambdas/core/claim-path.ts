/**
 * Where a claim sits in a claims set. Providers nest what Tollbooth needs: Keycloak's roles are
 * `realm_access.roles` and `resource_access.<client>.roles`, Auth0's custom claims are named by
 * URLs (`https://acme.example/roles`, dots and all). A path is written either as a dotted string
 * (`realm_access.roles`) or, for a member whose name contains a dot, as the list of member names
 * (`["https://acme.example/roles"]`); both parse to the same {@link ClaimPath}.
 *
 * Reading follows own members only, so no path can reach `Object.prototype` (`constructor`,
 * `__proto__`), and a member on the way that is not an object is a claim of the wrong type.
 */
import { isRecord } from './guards';
import { DenyError } from './reasons';

/** A claim's place: the member names from the claims set down to the claim. */
export type ClaimPath = readonly string[];

/** A path as configured: a dotted string, or the list of member names. */
export type ClaimPathSpec = string | readonly string[];

/** Parses a configured path; a string naming the problem when it is not one. */
export function parseClaimPath(spec: unknown): ClaimPath | string {
  const segments = typeof spec === 'string' ? spec.split('.') : spec;
  if (!Array.isArray(segments) || segments.length === 0)
    return 'must be a claim name, a dotted path ("realm_access.roles") or a list of member names (["https://acme.example/roles"])';
  if (segments.some((segment) => typeof segment !== 'string' || segment === ''))
    return `${JSON.stringify(spec)} has an empty or non-string member name`;
  return segments as string[];
}

/** How a path is named in messages and docs: dotted, unless a member name itself has a dot. */
export function claimPathName(path: ClaimPath): string {
  return path.some((segment) => segment.includes('.')) ? JSON.stringify(path) : path.join('.');
}

/**
 * The value at `path`, or `undefined` when the claim (or an object on the way to it) is absent.
 * A member on the way that is present but not an object is `invalid_claim`: the token says
 * something else than the configuration expects, and guessing would be a coercion.
 */
export function readClaimPath(payload: Readonly<Record<string, unknown>>, path: ClaimPath): unknown {
  // An indexed loop: this runs for every claim the mapping names, on every first-seen token.
  let current: unknown = payload;
  for (let index = 0; index < path.length; index++) {
    const segment = path[index] as string;
    if (!isRecord(current)) throw new DenyError('invalid_claim', `${claimPathName(path.slice(0, index))} must be an object`);
    if (!Object.hasOwn(current, segment)) return undefined;
    current = current[segment];
  }
  return current;
}
