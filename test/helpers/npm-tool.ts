/**
 * Third-party tools the tests run as users run them — cognito-local, serverless with
 * serverless-offline — installed from the npm registry at pinned versions into a folder outside
 * this repository (under the system's temp directory), once per machine: they are too heavy for
 * devDependencies (serverless 3 alone brings AWS SDK v2 and hundreds of packages), and npm's own
 * cache makes a reinstall after a cleaned temp directory quick.
 *
 * An install goes to a fresh folder that is renamed into place when complete, so an interrupted
 * one is never mistaken for a finished one, and two test files installing at once do not collide.
 * Every command runs with a bounded time; a tool that does not start fails its test with its output.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** Where every tool lives: outside the repository, shared by runs on this machine. */
export const TOOLS_DIRECTORY = join(tmpdir(), 'tollbooth-test-tools');

/** What a child process inherits: enough to reach the npm registry and its cache, and nothing of AWS. */
export function toolEnvironment(extra: Record<string, string> = {}): Record<string, string> {
  const kept = Object.entries(process.env).filter(([name]) =>
    /^(PATH|HOME|LANG|TMPDIR|NODE_EXTRA_CA_CERTS|SSL_CERT_FILE|SSL_CERT_DIR|npm_config_(cache|registry|userconfig))$/.test(name),
  );
  return { ...(Object.fromEntries(kept) as Record<string, string>), CI: 'true', ...extra };
}

/**
 * The folder holding `node_modules` with exactly these packages (name → exact version),
 * installed on first use. Resolves to the folder; rejects with npm's output if the install fails.
 */
export async function installTool(name: string, packages: Readonly<Record<string, string>>): Promise<string> {
  const key = createHash('sha256').update(JSON.stringify(packages)).digest('hex').slice(0, 12);
  const folder = join(TOOLS_DIRECTORY, `${name}-${key}`);
  if (existsSync(join(folder, '.installed'))) return folder;
  mkdirSync(TOOLS_DIRECTORY, { recursive: true });
  const staging = mkdtempSync(join(TOOLS_DIRECTORY, `${name}-staging-`));
  writeFileSync(
    join(staging, 'package.json'),
    `${JSON.stringify({ name: `tollbooth-test-${name}`, private: true, dependencies: packages }, null, 2)}\n`,
  );
  try {
    await exec('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
      cwd: staging,
      env: toolEnvironment(),
      timeout: 540_000,
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    const failed = error as { stderr?: string; message: string };
    throw new Error(`npm install of ${JSON.stringify(packages)} failed: ${failed.stderr ?? failed.message}`.slice(0, 4000));
  }
  writeFileSync(join(staging, '.installed'), new Date().toISOString());
  try {
    renameSync(staging, folder);
  } catch {
    // Another run finished the same install first: use it.
    rmSync(staging, { recursive: true, force: true });
  }
  return folder;
}

/** A port of 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** A process a test started, with everything it printed so far. */
export interface RunningTool {
  readonly child: ChildProcess;
  output(): string;
  /** Stops it: SIGTERM, then SIGKILL after a grace period; resolves once it has exited. */
  stop(): Promise<void>;
}

/** Starts `node <script> …args` and waits until `ready` answers true, or fails after `timeoutMs` with its output. */
export async function startTool(
  script: string,
  args: readonly string[],
  options: {
    readonly cwd: string;
    readonly env: Record<string, string>;
    readonly ready: () => Promise<boolean>;
    readonly timeoutMs: number;
  },
): Promise<RunningTool> {
  const child = spawn(process.execPath, [script, ...args], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const tool: RunningTool = {
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
    },
  };
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode}:\n${output.slice(-4000)}`);
    if (await options.ready().catch(() => false)) return tool;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await tool.stop();
  throw new Error(`${script} was not ready within ${options.timeoutMs} ms:\n${output.slice(-4000)}`);
}
