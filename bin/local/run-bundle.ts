/**
 * Runs a Lambda bundle on one event in a fresh Node.js process, the way the Lambda runtime (and
 * `sam local invoke`) does: a clean environment built from what is given, the bundle imported
 * once, the handler called, logs on the side. The process's standard output — the function's
 * log lines — is collected and handed back; nothing is printed here.
 */
import { fork } from 'node:child_process';
import type { RunnerResult } from './lambda-runner';

export interface RunBundleOptions {
  /** The runner built by `buildLocalBundle`. */
  readonly runner: string;
  /** Folder holding `index.mjs` (and possibly `tollbooth.config.json`). */
  readonly taskRoot: string;
  /** The function's environment (the runner adds `LAMBDA_TASK_ROOT`). */
  readonly env: Readonly<Record<string, string>>;
  readonly event: unknown;
  /** Give up after this long (default 30 s). */
  readonly timeoutMs?: number;
}

export interface BundleRun {
  readonly result: RunnerResult;
  /** The function's log output (one Powertools JSON line per entry). */
  readonly logs: string;
}

/** Runs the bundle on the event; rejects only when the process itself misbehaves. */
export function runBundle(options: RunBundleOptions): Promise<BundleRun> {
  return new Promise((resolve, reject) => {
    const child = fork(options.runner, [], {
      cwd: options.taskRoot,
      env: { PATH: process.env['PATH'] ?? '', ...options.env, LAMBDA_TASK_ROOT: options.taskRoot },
      execArgv: [],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    let logs = '';
    let result: RunnerResult | undefined;
    child.stdout?.on('data', (chunk: Buffer) => (logs += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (logs += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`the function did not answer within ${options.timeoutMs ?? 30_000} ms`));
    }, options.timeoutMs ?? 30_000);
    child.on('message', (message) => (result = message as RunnerResult));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (result) resolve({ result, logs });
      else reject(new Error(`the function's process exited (code ${code}) without an answer${logs ? `:\n${logs}` : ''}`));
    });
    child.send(options.event as object);
  });
}
