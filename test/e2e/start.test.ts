/**
 * `npm start` itself, as a process: it comes up with the banner and the state file, serves
 * requests, and shuts everything down on Ctrl-C (SIGINT to its process group, as a terminal sends
 * it); a busy port ends it with one line and a non-zero exit.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATE_DIR_ENV, type LocalStackState } from '../../bin/local/state-file';
import { PROJECT_ROOT } from '../helpers/local-stack';

let stateDir: string;

beforeAll(() => {
  stateDir = mkdtempSync(join(tmpdir(), 'tollbooth-start-'));
});

afterAll(() => {
  rmSync(stateDir, { recursive: true, force: true });
});

/** `npm start -- <args>` in its own process group, so a signal reaches npm, tsx and node alike. */
interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

function npmStart(args: readonly string[]): {
  child: ChildProcessWithoutNullStreams;
  output: () => { stdout: string; stderr: string };
  exited: Promise<Exit>;
} {
  // The embedded stack, whatever this shell points TOLLBOOTH_* at.
  const environment: NodeJS.ProcessEnv = { ...process.env, [STATE_DIR_ENV]: stateDir };
  for (const name of [
    'TOLLBOOTH_CONFIG',
    'TOLLBOOTH_CONFIG_FILE',
    'TOLLBOOTH_REVOCATION_TABLE',
    'TOLLBOOTH_PORT',
    'TOLLBOOTH_ISSUER_PORT',
    'TOLLBOOTH_DYNAMODB_PORT',
  ])
    delete environment[name];
  const child = spawn('npm', ['start', '--', ...args], {
    cwd: PROJECT_ROOT,
    detached: true,
    env: environment,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // 'close' waits for every process holding the pipes: npm, tsx and the stack itself.
  const exited = new Promise<Exit>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return { child, output: () => ({ stdout, stderr }), exited };
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('npm start', () => {
  it('starts, records itself for the tools, serves requests, and stops cleanly on Ctrl-C', async () => {
    // Prepare
    const started = npmStart(['--port', '0', '--issuer-port', '0', '--dynamodb-port', '0']);
    await waitFor(() => started.output().stdout.includes('Ctrl-C stops everything'), 'the banner');
    const statePath = join(stateDir, 'local.json');
    const state = JSON.parse(readFileSync(statePath, 'utf8')) as LocalStackState;
    const health = await fetch(`${state.apiUrl}/health`);
    // Act
    process.kill(-(started.child.pid ?? 0), 'SIGINT');
    const exit = await started.exited;
    // Assert
    expect(health.status).toBe(200);
    expect(started.output().stdout).toContain(`curl -i ${state.apiUrl}/orders -H "Authorization: Bearer $TOKEN"`);
    expect(started.output().stdout).toContain('the revocation feed refuses a revoked token within about 2 s');
    // npm itself is killed by the SIGINT (as in a terminal); the stack under it shuts down cleanly.
    expect(exit.code === 0 || exit.signal === 'SIGINT').toBe(true);
    expect(started.output().stdout).toMatch(/SIGINT: stopping…\nstopped\.\n$/);
    expect(started.output().stderr).toBe('');
    expect(existsSync(statePath)).toBe(false);
    await expect(fetch(`${state.apiUrl}/health`)).rejects.toThrow();
  });

  it('exits non-zero with one line, and no stack trace, when its port is busy', async () => {
    // Prepare
    const squatter: Server = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const busyPort = (squatter.address() as AddressInfo).port;
    // Act
    const started = npmStart(['--port', String(busyPort), '--issuer-port', '0', '--dynamodb-port', '0']);
    const exit = await started.exited;
    squatter.close();
    // Assert
    expect(exit.code).toBe(1);
    const { stderr } = started.output();
    expect(stderr.trim().split('\n')).toEqual([
      `npm start: the HTTP API cannot start: port ${busyPort} on 127.0.0.1 is already in use (choose another port with --port or TOLLBOOTH_PORT)`,
    ]);
  });
});
