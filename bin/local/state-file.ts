/**
 * How the command-line tools find the running local stack: `npm start` writes
 * `.tollbooth/local.json` in the project directory (gitignored) when it is ready and removes it
 * when it stops. `token` reads the dev issuer's URL from it, `revoke` the table and endpoint.
 *
 * A file rather than a fixed port: ports are configurable (and a busy default is common), and the
 * file also carries the table name, endpoint and trusted issuer the tools need. The directory is
 * resolved from this module's location, not the working directory, so `npx tollbooth-token` works
 * from any sub-directory; `TOLLBOOTH_STATE_DIR` moves it (the tests use a temporary one, so they
 * never touch a developer's running stack).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { LocalStack } from './local-stack';

export const STATE_DIR_ENV = 'TOLLBOOTH_STATE_DIR';
const STATE_FILE_NAME = 'local.json';

/** What a running local stack tells the tools. */
export interface LocalStackState {
  readonly pid: number;
  readonly startedAt: string;
  readonly apiUrl: string;
  /** The dev issuer's URL (its `iss`), or `null` when a real IdP is configured. */
  readonly issuerUrl: string | null;
  /** `iss` values the authorizer trusts. */
  readonly trustedIssuers: readonly string[];
  /** Seconds before a revocation is refused: about one with the feed, else both caches added. */
  readonly revocationWindowSeconds: number;
  /** The revocation table; `endpoint` is dynalite's, `null` for a real table (standard AWS chain). */
  readonly revocationTable: { readonly name: string; readonly endpoint: string | null; readonly region: string | null } | null;
}

type Environment = Readonly<Record<string, string | undefined>>;

/** The state of a started stack; `region` is the real table's, or the embedded one's. */
export function stateOfStack(stack: LocalStack, region: string | null): LocalStackState {
  const table = stack.revocationTable;
  return {
    pid: process.pid,
    startedAt: new Date().toISOString(),
    apiUrl: stack.apiUrl,
    issuerUrl: stack.devIssuer?.issuer ?? null,
    trustedIssuers: stack.trustedIssuers,
    revocationWindowSeconds: stack.revocationBoundSeconds,
    revocationTable: table ? { name: table.name, endpoint: table.endpoint ?? null, region } : null,
  };
}

/** Where the state file lives: `TOLLBOOTH_STATE_DIR`, else `.tollbooth/` in the project. */
export function stateFilePath(env: Environment = process.env): string {
  return join(env[STATE_DIR_ENV] || join(projectRoot(process.cwd()), '.tollbooth'), STATE_FILE_NAME);
}

/** The nearest folder at or above `from` holding a `package.json`; `from` itself when there is none. */
export function projectRoot(from: string): string {
  for (let folder = from; ; folder = dirname(folder)) {
    if (existsSync(join(folder, 'package.json'))) return folder;
    if (dirname(folder) === folder) return from;
  }
}

/** Records a started stack for the tools; returns the file's path. */
export function writeStateFile(state: LocalStackState, env: Environment = process.env): string {
  const path = stateFilePath(env);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(state, null, 2)}\n`);
  return path;
}

/** Removes the file if it is still ours (another `npm start` may have replaced it). */
export function removeStateFile(pid: number, env: Environment = process.env): void {
  try {
    if (readStateFile(env)?.pid === pid) rmSync(stateFilePath(env), { force: true });
  } catch {
    // Nothing to clean up.
  }
}

/** The running stack's state, `undefined` when none is recorded; throws when the file is unreadable. */
export function readStateFile(env: Environment = process.env): LocalStackState | undefined {
  const path = stateFilePath(env);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    const state = JSON.parse(text) as LocalStackState;
    if (typeof state.apiUrl !== 'string' || !Array.isArray(state.trustedIssuers)) throw new Error('unexpected content');
    return state;
  } catch {
    throw new Error(`${path} is not a local stack state file: delete it and restart npm start`);
  }
}

/** The recorded stack, if its process is still alive; a leftover file from a killed stack counts as none. */
export function readRunningStack(env: Environment = process.env): LocalStackState | undefined {
  const state = readStateFile(env);
  if (!state) return undefined;
  try {
    process.kill(state.pid, 0);
    return state;
  } catch (error) {
    // EPERM: alive but another user's; only ESRCH means gone.
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? state : undefined;
  }
}
