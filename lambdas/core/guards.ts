/**
 * Type guards for untrusted values: events, request bodies, configuration documents, JWKS entries
 * and claims all arrive as `unknown` and are narrowed here, one way, instead of each module
 * keeping its own copy of "a plain object?" with its own idea of whether an array counts.
 */

/** True for a non-null object that is not an array: something with named members to read. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True for an array whose every item is a string (an empty array included). */
export function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
