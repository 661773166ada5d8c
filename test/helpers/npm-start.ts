/**
 * `npm start` as a user runs it, for the e2e suite: a real `npm start -- <args>` process tree
 * (npm → sh → node), its output captured, its state in a temporary `.tollbooth` (never the
 * developer's), and the TOLLBOOTH_* settings of the surrounding shell removed so the embedded
 * stack runs unless a test says otherwise.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { STATE_DIR_ENV } from '../../bin/local/state-dir';
import type { LocalStackState } from '../../bin/local/state-file';
import { PROJECT_ROOT } from './local-stack';

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface NpmStart {
  readonly child: ChildProcessWithoutNullStreams;
  output(): { stdout: string; stderr: string };
  /** Resolves once every process holding the output pipes (npm, sh, node) has exited. */
  readonly exited: Promise<Exit>;
  /** Waits until stdout contains `text` (or matches it), failing with the output so far. */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<void>;
  /** The running stack's record (`.tollbooth/stacks/<name>/running.json`). */
  state(name?: string): LocalStackState;
  /** SIGINT to the whole process group, as a terminal's Ctrl-C; resolves on exit. */
  stop(): Promise<Exit>;
}

const SHELL_SETTINGS = [
  'TOLLBOOTH_CONFIG',
  'TOLLBOOTH_CONFIG_FILE',
  'TOLLBOOTH_REVOCATION_TABLE',
  'TOLLBOOTH_PORT',
  'TOLLBOOTH_ISSUER_PORT',
  'TOLLBOOTH_DYNAMODB_PORT',
  'TOLLBOOTH_STACK',
  'TOLLBOOTH_AUTHORIZER_CACHE_TTL',
  'TOLLBOOTH_REVOCATION_CACHE_SECONDS',
];

/** Free ports for every part, so tests never collide with a developer's stack on the defaults. */
export const ANY_PORTS = ['--port', '0', '--issuer-port', '0', '--dynamodb-port', '0'] as const;

/** Starts `npm start -- <args>` in its own process group (so a group signal reaches npm, sh and node alike). */
export function npmStart(args: readonly string[], stateDir: string, env: Readonly<Record<string, string>> = {}): NpmStart {
  const environment: NodeJS.ProcessEnv = { ...process.env, [STATE_DIR_ENV]: stateDir };
  for (const name of SHELL_SETTINGS) delete environment[name];
  const child = spawn('npm', ['start', '--', ...args], { cwd: PROJECT_ROOT, detached: true, env: { ...environment, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // 'close' waits for every process holding the pipes: npm, sh and the stack itself.
  const exited = new Promise<Exit>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  let done = false;
  void exited.then(() => (done = true));
  return {
    child,
    output: () => ({ stdout, stderr }),
    exited,
    waitFor: async (text, timeoutMs = 25_000) => {
      const deadline = Date.now() + timeoutMs;
      const found = (): boolean => (typeof text === 'string' ? stdout.includes(text) : text.test(stdout));
      while (!found()) {
        if (done || Date.now() > deadline) {
          throw new Error(
            `${done ? 'npm start exited' : 'timed out'} before printing ${String(text)}\nstdout:\n${stdout}\nstderr:\n${stderr}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    state: (name = 'default') => JSON.parse(readFileSync(join(stateDir, 'stacks', name, 'running.json'), 'utf8')) as LocalStackState,
    stop: async () => {
      if (!done) process.kill(-(child.pid ?? 0), 'SIGINT');
      return exited;
    },
  };
}
