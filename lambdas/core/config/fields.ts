/**
 * Typed readers for untrusted configuration objects that record every problem instead of throwing
 * at the first one, so a bad deployment fails at cold start with the whole list in one message.
 */
import { isRecord } from '../guards';
import type { Problems } from '../problems';
import type { IntegerSetting } from './defaults';

/** A configuration object as read from JSON: named members of unknown type, never written. */
export type RawObject = Readonly<Record<string, unknown>>;

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** Flags keys the schema does not know, which are almost always typos of ones it does. */
export function rejectUnknownKeys(raw: RawObject, known: readonly string[], path: string, problems: Problems): void {
  for (const key of Object.keys(raw)) {
    if (!known.includes(key)) problems.add(join(path, key), `unknown setting (known: ${known.join(', ')})`);
  }
}

export function readString(raw: RawObject, key: string, path: string, problems: Problems): string | undefined;
export function readString(raw: RawObject, key: string, path: string, problems: Problems, fallback: string): string;
export function readString(raw: RawObject, key: string, path: string, problems: Problems, fallback?: string): string | undefined {
  const value = raw[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || value.trim() === '') {
    problems.add(join(path, key), 'must be a non-empty string');
    return fallback;
  }
  return value;
}

export function readBoolean(raw: RawObject, key: string, path: string, problems: Problems, fallback: boolean): boolean {
  const value = raw[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    problems.add(join(path, key), 'must be true or false');
    return fallback;
  }
  return value;
}

/** Reads an integer within [min, max], or its default; the bounds are part of the message when it is not. */
export function readInteger(raw: RawObject, key: string, path: string, problems: Problems, setting: IntegerSetting): number {
  const value = raw[key];
  if (value === undefined) return setting.default;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < setting.min || value > setting.max) {
    problems.add(join(path, key), `must be an integer from ${setting.min} to ${setting.max}, got ${JSON.stringify(value)}`);
    return setting.default;
  }
  return value;
}

/** Reads a list of non-empty strings. A single string is accepted as a list of one. */
export function readStringList(raw: RawObject, key: string, path: string, problems: Problems): string[] | undefined {
  const value = raw[key];
  if (value === undefined) return undefined;
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.some((item) => typeof item !== 'string' || item.trim() === '')) {
    problems.add(join(path, key), 'must be a string or a list of non-empty strings');
    return undefined;
  }
  return list as string[];
}

/** Reads one of a fixed set of string values. */
export function readChoice<T extends string>(
  raw: RawObject,
  key: string,
  path: string,
  problems: Problems,
  choices: readonly T[],
  fallback: T,
): T {
  const value = raw[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    problems.add(join(path, key), `must be one of ${choices.map((choice) => `"${choice}"`).join(', ')}, got ${JSON.stringify(value)}`);
    return fallback;
  }
  return value as T;
}

/** Reads a nested object; a missing one reads as empty so its fields take their defaults. */
export function readObject(raw: RawObject, key: string, path: string, problems: Problems): RawObject {
  const value = raw[key];
  if (value === undefined) return {};
  if (!isRecord(value)) {
    problems.add(join(path, key), 'must be an object');
    return {};
  }
  return value;
}

export { join as fieldPath };
