/**
 * How the command-line tools find a running local stack: `npm start` writes
 * `.tollbooth/stacks/<name>/running.json` when it is ready and removes it when it stops; `token`
 * reads the dev issuer's URL from it, `revoke` the table and endpoint.
 *
 * One file per stack, so two stacks in one folder (`npm start -- --stack other --port …`) never
 * overwrite each other's: the tools take the one that is running, or, when several are, name them
 * and ask for `--stack <name|port>`. A file left behind by a killed stack is recognised by its
 * process id and ignored. A file rather than a fixed port, because ports are configurable (a busy
 * default is common) and the tools need more than a port: the table, its endpoint, the issuers.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CommandError, UsageError, type Setting } from './args';
import type { LocalStack } from './local-stack';
import { checkStackName, ensureStackDirectory, stackDirectory, stacksDirectory, startStackHint, writePrivateFile } from './state-dir';
import { processIsAlive } from './stop-signal';

/** Chooses among running stacks, as `--stack` does for the tools. */
export const STACK_ENV = 'TOLLBOOTH_STACK';
const STATE_FILE_NAME = 'running.json';

/** What a running local stack tells the tools. */
export interface LocalStackState {
  /** The stack's name (`npm start -- --stack <name>`). */
  readonly name: string;
  readonly pid: number;
  readonly startedAt: string;
  readonly apiUrl: string;
  /** Ports on 127.0.0.1 the stack holds; `dynamodb` is null for a real table. */
  readonly ports: { readonly api: number; readonly issuer: number; readonly dynamodb: number | null };
  /** The dev issuer's URL (its `iss`). */
  readonly issuerUrl: string | null;
  /** `iss` values the authorizer trusts: the dev issuer and the configuration's own. */
  readonly trustedIssuers: readonly string[];
  /** Seconds before a revocation is refused: about one with the feed, else both caches added. */
  readonly revocationWindowSeconds: number;
  /** The revocation table; `endpoint` is dynalite's, `null` for a real table (standard AWS chain). */
  readonly revocationTable: {
    readonly name: string;
    readonly endpoint: string | null;
    readonly region: string | null;
    /** The running configuration's revocation horizon (absent from records written before it existed). */
    readonly maxTokenLifetimeSeconds?: number;
  } | null;
}

type Environment = Readonly<Record<string, string | undefined>>;

/** The state of a started stack; `region` is the real table's, or the embedded one's. */
export function stateOfStack(name: string, stack: LocalStack, region: string | null): LocalStackState {
  const table = stack.revocationTable;
  return {
    name,
    pid: process.pid,
    startedAt: new Date().toISOString(),
    apiUrl: stack.apiUrl,
    ports: { api: portOf(stack.apiUrl), issuer: stack.devIssuer?.port ?? 0, dynamodb: table?.endpoint ? portOf(table.endpoint) : null },
    issuerUrl: stack.devIssuer?.issuer ?? null,
    trustedIssuers: stack.trustedIssuers,
    revocationWindowSeconds: stack.revocationBoundSeconds,
    revocationTable: table
      ? { name: table.name, endpoint: table.endpoint ?? null, region, maxTokenLifetimeSeconds: table.maxTokenLifetimeSeconds }
      : null,
  };
}

/** Where a stack's record lives. */
export function stateFilePath(name: string, env: Environment = process.env): string {
  return join(stackDirectory(name, env), STATE_FILE_NAME);
}

/** Records a started (or reloaded) stack for the tools; returns the file's path. */
export function writeStateFile(state: LocalStackState, env: Environment = process.env): string {
  ensureStackDirectory(state.name, env);
  const path = stateFilePath(state.name, env);
  writePrivateFile(path, `${JSON.stringify(state, null, 2)}\n`);
  return path;
}

/** Removes a stack's record if it is still this process's. */
export function removeStateFile(name: string, pid: number, env: Environment = process.env): void {
  try {
    if (readStateFile(stateFilePath(name, env))?.pid === pid) rmSync(stateFilePath(name, env), { force: true });
  } catch {
    // Nothing to clean up.
  }
}

/** Every stack whose record names a live process, by name. */
export function runningStacks(env: Environment = process.env): LocalStackState[] {
  let names: string[];
  try {
    names = readdirSync(stacksDirectory(env));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new CommandError(`cannot read ${stacksDirectory(env)}: ${(error as Error).message}`);
  }
  return names
    .sort()
    .map((name) => readStateFile(stateFilePath(name, env)))
    .filter((state): state is LocalStackState => state !== undefined && processIsAlive(state.pid));
}

/** A running stack by name, if there is one. */
export function runningStack(name: string, env: Environment = process.env): LocalStackState | undefined {
  return runningStacks(env).find((state) => state.name === name);
}

/** The running stack holding this port on 127.0.0.1, if any (for the busy-port message). */
export function stackHoldingPort(port: number, env: Environment = process.env): LocalStackState | undefined {
  return runningStacks(env).find((state) => Object.values(state.ports).includes(port));
}

/**
 * The stack a tool should use: the one `choice` names (a name, or the port of its HTTP API), or
 * the only one running. Throws a {@link CommandError} saying what is running and how to choose.
 * `hint` ends the "nothing running" message (e.g. ", or pass --issuer").
 */
export function chooseRunningStack(choice: Setting | undefined, env: Environment = process.env, hint = ''): LocalStackState {
  const running = runningStacks(env);
  const list = running.map((state) => `"${state.name}" (${state.apiUrl})`).join(', ');
  if (choice !== undefined) {
    const port = /^\d+$/.test(choice.raw) ? Number(choice.raw) : undefined;
    const chosen =
      port !== undefined
        ? running.find((state) => state.ports.api === port)
        : running.find((state) => state.name === checkStackName(choice.raw, choice.name));
    if (chosen) return chosen;
    const what = port !== undefined ? `listens on port ${port}` : `is called "${choice.raw}"`;
    throw new CommandError(`${choice.name}: no running local stack ${what} (running: ${list || 'none'})`);
  }
  const [only, ...others] = running;
  if (!only)
    throw new CommandError(
      `no local stack is running (none recorded in ${stacksDirectory(env)}): start one with ${startStackHint(env)}${hint}`,
    );
  if (others.length > 0) {
    throw new UsageError(`${running.length} local stacks are running: ${list}; choose one with --stack <name|port> or ${STACK_ENV}`);
  }
  return only;
}

/** A record, or `undefined` when there is none; a file that is not one is reported, naming it. */
function readStateFile(path: string): LocalStackState | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw new CommandError(`cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    const state = JSON.parse(text) as LocalStackState;
    if (typeof state.apiUrl !== 'string' || typeof state.name !== 'string' || !Array.isArray(state.trustedIssuers) || !state.ports) {
      throw new Error('unexpected content');
    }
    return state;
  } catch {
    throw new CommandError(`${path} is not a local stack record: delete it (npm start writes a new one)`);
  }
}

function portOf(url: string): number {
  return Number(new URL(url).port);
}
