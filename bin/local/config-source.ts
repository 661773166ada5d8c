/**
 * Where the local stack's configuration comes from, read afresh on every (re)load:
 *
 * - a JSON file in the authorizer's format (`npm start -- --config FILE`, or
 *   `TOLLBOOTH_CONFIG_FILE`) — the same file `cdk deploy -c configFile=FILE` takes;
 * - `TOLLBOOTH_CONFIG`, the same document inline (merged over the file key by key, as the Lambda
 *   does; not watched, an environment cannot change);
 * - otherwise the sample module, `lib/sample-config.ts`: its scopes, routes and public routes.
 *
 * The sample is TypeScript, so it is loaded with tsx's `tsImport`, which evaluates the module
 * afresh on each call (a plain `import()` would return the module cached at the first load). Each
 * call registers one more loader namespace with Node.js, which is never released: a few per edit,
 * nothing a development session notices.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { CONFIG_ENV } from '../../lambdas/core/config/environment';
import { isRecord, isStringArray } from '../../lambdas/core/guards';

/** The sample module's path, watched when no configuration is given. */
export const SAMPLE_CONFIG_MODULE = fileURLToPath(new URL('../../lib/sample-config.ts', import.meta.url));

export type ConfigSource =
  | { readonly kind: 'sample'; readonly modulePath: string }
  | {
      readonly kind: 'document';
      /** The JSON file and the setting that named it (`--config`, `TOLLBOOTH_CONFIG_FILE`). */
      readonly file: { readonly path: string; readonly setting: string } | undefined;
      /** `TOLLBOOTH_CONFIG`'s JSON, merged over the file's. */
      readonly inline: string | undefined;
    };

/** A configuration document as read, before validation. */
export interface RawConfig {
  /** The authorizer's configuration document (without the dev issuer). */
  readonly document: Record<string, unknown>;
  /** Routes served without the authorizer (the sample's `GET /health`; none from a document). */
  readonly publicRoutes: readonly string[];
  /** What was read, to tell an edit from a save that changed nothing. */
  readonly fingerprint: string;
}

export type ReadResult = { readonly ok: true; readonly raw: RawConfig } | { readonly ok: false; readonly problems: readonly string[] };

/** Loads a TypeScript module afresh; tests may pass their own. */
export type ModuleLoader = (path: string) => Promise<Record<string, unknown>>;

const loadFresh: ModuleLoader = async (path) => (await tsImport(path, import.meta.url)) as Record<string, unknown>;

/** The file to watch for changes, if any. */
export function watchedPath(source: ConfigSource): string | undefined {
  return source.kind === 'sample' ? source.modulePath : source.file?.path;
}

/**
 * How messages name the source: a path relative to the working directory, or the variable; with
 * `'setting'`, the file's path after the setting that named it (`--config tollbooth.json`).
 */
export function describeSource(source: ConfigSource, style: 'path' | 'setting' = 'path'): string {
  if (source.kind === 'sample') return `${shortPath(source.modulePath)} (the sample configuration)`;
  const file = source.file ? `${style === 'setting' ? `${source.file.setting} ` : ''}${shortPath(source.file.path)}` : undefined;
  return [file, source.inline !== undefined ? CONFIG_ENV.inline : undefined].filter(Boolean).join(' + ');
}

/** Reads the source now; every problem is named, none thrown. */
export async function readConfigSource(source: ConfigSource, loadModule: ModuleLoader = loadFresh): Promise<ReadResult> {
  return source.kind === 'sample' ? readSampleModule(source.modulePath, loadModule) : readDocument(source);
}

async function readSampleModule(path: string, loadModule: ModuleLoader): Promise<ReadResult> {
  let exports: Record<string, unknown>;
  try {
    exports = await loadModule(path);
  } catch (error) {
    return { ok: false, problems: [`${shortPath(path)} does not load: ${firstLine(error)}`] };
  }
  const routes = exports['SAMPLE_SCOPE_ROUTES'];
  const publicRoutes = exports['SAMPLE_PUBLIC_ROUTES'] ?? [];
  const problems: string[] = [];
  if (!isRecord(routes)) problems.push(`${shortPath(path)}: SAMPLE_SCOPE_ROUTES must be an object mapping scopes to route lists`);
  if (!isStringArray(publicRoutes)) problems.push(`${shortPath(path)}: SAMPLE_PUBLIC_ROUTES must be a list of route keys`);
  if (!isRecord(routes) || !isStringArray(publicRoutes) || problems.length > 0) return { ok: false, problems };
  return { ok: true, raw: { document: { routes }, publicRoutes, fingerprint: JSON.stringify([routes, publicRoutes]) } };
}

function readDocument(source: Extract<ConfigSource, { kind: 'document' }>): ReadResult {
  const problems: string[] = [];
  let document: Record<string, unknown> = {};
  let fingerprint = '';
  if (source.file) {
    const { path, setting } = source.file;
    let text: string | undefined;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      problems.push(`${setting} ${shortPath(path)}: ${code === 'ENOENT' ? 'no such file' : firstLine(error)}`);
    }
    if (text !== undefined) {
      fingerprint += text;
      const parsed = parseObject(text, `${setting} ${shortPath(path)}`, problems);
      if (parsed) document = parsed;
    }
  }
  if (source.inline !== undefined) {
    fingerprint += `\u0000${source.inline}`;
    const parsed = parseObject(source.inline, CONFIG_ENV.inline, problems);
    if (parsed) document = { ...document, ...parsed };
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, raw: { document, publicRoutes: [], fingerprint } };
}

function parseObject(text: string, source: string, problems: string[]): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    problems.push(`${source}: not readable JSON (${firstLine(error)})`);
    return undefined;
  }
  if (!isRecord(value)) {
    problems.push(`${source}: must hold a JSON object (the authorizer's configuration document)`);
    return undefined;
  }
  return value;
}

function shortPath(path: string): string {
  const fromHere = relative(process.cwd(), path);
  return fromHere.startsWith('..') ? path : fromHere;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}
