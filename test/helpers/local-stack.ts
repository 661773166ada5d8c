/**
 * Drives the local stack for the e2e suite: starts it in-process on free ports with a movable
 * clock, calls it over real HTTP on loopback, and runs the command-line tools as child processes
 * (through the package's `bin` entries, the compiled tools in `dist/bin/`).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AWS_SDK_NOTICE_OFF } from '../../bin/local/aws-sdk-notice';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../bin/local/local-stack';
import { STATE_DIR_ENV } from '../../bin/local/state-dir';
import { stateOfStack, writeStateFile } from '../../bin/local/state-file';
import { TestClock } from './fixture';

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface TestStack {
  readonly stack: LocalStack;
  readonly clock: TestClock;
  /** A state directory (a temporary `.tollbooth`) describing this stack, for the tools — never the developer's. */
  readonly stateDir: string;
  /** Mints a token from the stack's dev issuer, with the stack's clock. */
  mint(request: { sub?: string; scope?: string; expiresIn?: number; jti?: string; claims?: Record<string, unknown> }): string;
  close(): Promise<void>;
}

/** Starts the embedded stack (dev issuer + dynalite) on port 0, ignoring any TOLLBOOTH_* in the environment. */
export async function startTestStack(options: Omit<LocalStackOptions, 'now' | 'env'> = {}): Promise<TestStack> {
  const clock = new TestClock();
  const stack = await startLocalStack({ ...options, now: clock.now, env: {} });
  const stateDir = temporaryStateDir();
  writeStateFile(stateOfStack('default', stack, 'us-east-1'), { [STATE_DIR_ENV]: stateDir });
  return {
    stack,
    clock,
    stateDir,
    mint: (request) => {
      if (!stack.devIssuer) throw new Error('no dev issuer');
      return stack.devIssuer.mint(request);
    },
    close: async () => {
      await stack.close();
      rmSync(dirname(stateDir), { recursive: true, force: true });
    },
  };
}

/** A fresh `<tmp>/tollbooth-…/.tollbooth` (the folder name TOLLBOOTH_STATE_DIR requires); remove its parent when done. */
export function temporaryStateDir(): string {
  return join(mkdtempSync(join(tmpdir(), 'tollbooth-e2e-')), '.tollbooth');
}

export interface HttpResult {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly headers: Headers;
}

/** One request to the local API; `token` becomes `Authorization: Bearer <token>`. */
export async function call(
  stack: LocalStack,
  method: string,
  path: string,
  options: { token?: string; headers?: Record<string, string>; form?: Record<string, string>; json?: unknown } = {},
): Promise<HttpResult> {
  const headers: Record<string, string> = { ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), ...options.headers };
  let body: string | undefined;
  if (options.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(options.form).toString();
  } else if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  }
  const response = await fetch(`${stack.apiUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: response.headers };
}

export interface ProcessResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command in the project (a compiled tool, or `npm`), capturing its output. */
export function run(
  command: string,
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
  stdin?: string,
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...AWS_SDK_NOTICE_OFF, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

/** Runs one of the package's command-line tools through its `bin` launcher, as `npx tollbooth-<name>` does. */
export function runTool(
  name: 'token' | 'revoke' | 'decode',
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
  stdin?: string,
): Promise<ProcessResult> {
  return run(process.execPath, [join(PROJECT_ROOT, 'dist', 'bin', `tollbooth-${name}.js`), ...args], env, stdin);
}

export const jtiOf = (token: string): string => JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()).jti as string;
