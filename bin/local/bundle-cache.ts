/**
 * Builds the authorizer bundle for local runs exactly as the CDK construct does — the esbuild
 * options of `lib/bundling.ts`, the same entry — into `.tollbooth/bundle/` (gitignored), and
 * rebuilds only when an input file or an option changed. Next to it: the runner that plays the
 * Lambda runtime (`lambda-runner.ts`).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { LAMBDA_ENTRIES, LAMBDA_ESBUILD_OPTIONS, LAMBDA_NODE_MAJOR } from '../../lib/bundling';

/** The repository root. */
export const REPOSITORY_ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');

const CACHE_DIR = join(REPOSITORY_ROOT, '.tollbooth', 'bundle');
const FINGERPRINT_FILE = 'fingerprint.json';

/** Where the bundle and the runner are. */
export interface LocalBundle {
  /** Folder holding `index.mjs` (the Lambda task root). */
  readonly taskRoot: string;
  /** The runtime stand-in to run with `node`. */
  readonly runner: string;
  /** Whether this call built it (false: reused from the cache). */
  readonly rebuilt: boolean;
}

interface Fingerprint {
  readonly options: string;
  readonly inputs: Readonly<Record<string, string>>;
}

/** Builds (or reuses) the authorizer bundle and the runner. */
export async function buildLocalBundle(): Promise<LocalBundle> {
  const taskRoot = join(CACHE_DIR, 'authorizer');
  const runner = join(CACHE_DIR, 'runner.mjs');
  const options = JSON.stringify({ LAMBDA_ESBUILD_OPTIONS, entry: LAMBDA_ENTRIES.authorizer });
  if (existsSync(runner) && isFresh(taskRoot, options)) return { taskRoot, runner, rebuilt: false };

  // Build beside the cache and swap it in, so a concurrent run never sees half a bundle.
  const staging = `${taskRoot}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  const result = await build({
    ...LAMBDA_ESBUILD_OPTIONS,
    mainFields: [...LAMBDA_ESBUILD_OPTIONS.mainFields],
    external: [...LAMBDA_ESBUILD_OPTIONS.external],
    entryPoints: [join(REPOSITORY_ROOT, LAMBDA_ENTRIES.authorizer)],
    outfile: join(staging, 'index.mjs'),
    absWorkingDir: REPOSITORY_ROOT,
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = Object.fromEntries(Object.keys(result.metafile.inputs).map((input) => [input, hashFile(join(REPOSITORY_ROOT, input))]));
  writeFileSync(join(staging, FINGERPRINT_FILE), JSON.stringify({ options, inputs } satisfies Fingerprint));
  await build({
    entryPoints: [join(REPOSITORY_ROOT, 'bin/local/lambda-runner.ts')],
    outfile: `${runner}.${process.pid}.tmp`,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: `node${LAMBDA_NODE_MAJOR}`,
    logLevel: 'silent',
  });
  mkdirSync(CACHE_DIR, { recursive: true });
  renameSync(`${runner}.${process.pid}.tmp`, runner);
  if (isFresh(taskRoot, options)) {
    // Another process (a parallel test file) built the same bundle meanwhile and may be running it.
    rmSync(staging, { recursive: true, force: true });
    return { taskRoot, runner, rebuilt: false };
  }
  // Move a stale bundle aside rather than deleting it under a process that may still read it.
  const stale = `${taskRoot}.${process.pid}.old`;
  if (existsSync(taskRoot)) renameSync(taskRoot, stale);
  renameSync(staging, taskRoot);
  rmSync(stale, { recursive: true, force: true });
  return { taskRoot, runner, rebuilt: true };
}

function isFresh(taskRoot: string, options: string): boolean {
  try {
    const fingerprint = JSON.parse(readFileSync(join(taskRoot, FINGERPRINT_FILE), 'utf8')) as Fingerprint;
    if (fingerprint.options !== options || !existsSync(join(taskRoot, 'index.mjs'))) return false;
    return Object.entries(fingerprint.inputs).every(
      ([input, hash]) => existsSync(join(REPOSITORY_ROOT, input)) && hashFile(join(REPOSITORY_ROOT, input)) === hash,
    );
  } catch {
    return false;
  }
}

function hashFile(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}
