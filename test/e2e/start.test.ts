/**
 * `npm start` itself, as processes: it comes up with the banner and its record for the tools,
 * serves requests, and stops cleanly — leaving no record behind — whichever of its processes is
 * signalled: the whole group (a terminal's Ctrl-C), npm's own process alone (`npm start &` …
 * `kill $!`), or the node process running the stack. Two stacks run side by side under their own
 * names; the tools pick the one asked for, or say which are running; a name or a port already
 * taken ends `npm start` with one line saying by whom.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEED_REVOCATION_BOUND_SECONDS } from '../../bin/local/local-stack';
import { STATE_DIR_ENV } from '../../bin/local/state-dir';
import { jtiOf, PROJECT_ROOT, run, temporaryStateDir } from '../helpers/local-stack';
import { ANY_PORTS, npmStart, type NpmStart } from '../helpers/npm-start';

let stateDir: string;

beforeAll(() => {
  stateDir = temporaryStateDir();
});

afterAll(() => {
  rmSync(dirname(stateDir), { recursive: true, force: true });
});

const stopped = /stopping…\nstopped\.\n$/;

/** Whether anything still answers on the stack's API. */
async function answers(url: string): Promise<boolean> {
  return fetch(`${url}/health`).then(
    () => true,
    () => false,
  );
}

/** The commands of docs/local-stack.md's walkthrough block, which says the banner prints them. */
function documentedWalkthrough(): string[] {
  const page = readFileSync(join(PROJECT_ROOT, 'docs', 'local-stack.md'), 'utf8');
  const block = /## The walkthrough[\s\S]*?```sh\n([\s\S]*?)```/.exec(page)?.[1];
  if (!block) throw new Error('docs/local-stack.md has no walkthrough block');
  return block.split('\n').filter((line) => line.trim() !== '');
}

/** A line as the eye reads it: the banner pads its comments to the width of its URLs. */
const squeezed = (line: string): string => line.trim().replace(/\s+/g, ' ');

/** Resolves once no process has this id (an exited child may linger a moment as a zombie). */
async function gone(pid: number): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    if (Date.now() > deadline) throw new Error(`process ${pid} is still running`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('npm start', () => {
  it('starts, records itself for the tools, serves requests, and stops cleanly on Ctrl-C', async () => {
    // Prepare
    const started = npmStart(ANY_PORTS, stateDir);
    await started.waitFor('Ctrl-C stops everything');
    const state = started.state();
    const health = await fetch(`${state.apiUrl}/health`);
    // Act
    const exit = await started.stop();
    // Assert
    expect(health.status).toBe(200);
    expect(state).toMatchObject({ name: 'default', trustedIssuers: [state.issuerUrl] });
    expect(started.output().stdout).toContain(`curl -i ${state.apiUrl}/orders -H "Authorization: Bearer $TOKEN"`);
    expect(started.output().stdout).toContain('the revocation feed refuses a revoked token within about 2 s');
    const bannerLines = started.output().stdout.split('\n').map(squeezed);
    for (const line of documentedWalkthrough())
      expect(bannerLines).toContain(squeezed(line.replaceAll('http://127.0.0.1:4280', state.apiUrl)));
    // npm itself is killed by the SIGINT (as in a terminal); the stack under it shuts down cleanly.
    expect(exit.code === 0 || exit.signal === 'SIGINT').toBe(true);
    expect(started.output().stdout).toMatch(/SIGINT: stopping…\nstopped\.\n$/);
    expect(started.output().stderr).toBe('');
    expect(existsSync(join(stateDir, 'stacks', 'default', 'running.json'))).toBe(false);
    expect(await answers(state.apiUrl)).toBe(false);
  });

  it.each([
    { who: "npm's own process (npm start & … kill $!)", signal: 'SIGTERM', target: 'npm' },
    { who: "npm's own process", signal: 'SIGINT', target: 'npm' },
    { who: "npm's own process (its exit noticed: nothing to forward)", signal: 'SIGKILL', target: 'npm' },
    { who: 'the node process running the stack', signal: 'SIGTERM', target: 'stack' },
  ] as const)('stops everything and leaves no record when $who gets $signal', async ({ signal, target }) => {
    // Prepare
    const started = npmStart(ANY_PORTS, stateDir);
    await started.waitFor('Ctrl-C stops everything');
    const state = started.state();
    // Act
    process.kill(target === 'npm' ? (started.child.pid ?? 0) : state.pid, signal);
    await started.exited;
    // Assert: every process holding the output is gone, the stack said so, and nothing is left
    expect(started.output().stdout).toMatch(stopped);
    expect(started.output().stderr).toBe('');
    expect(existsSync(join(stateDir, 'stacks', 'default', 'running.json'))).toBe(false);
    expect(await answers(state.apiUrl)).toBe(false);
    await gone(state.pid);
  });

  it('exits 1 with one line, and no stack trace, when its port is busy', async () => {
    // Prepare
    const squatter: Server = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const busyPort = (squatter.address() as AddressInfo).port;
    // Act
    const started = npmStart(['--port', String(busyPort), '--issuer-port', '0', '--dynamodb-port', '0'], stateDir);
    const exit = await started.exited;
    squatter.close();
    // Assert
    expect(exit.code).toBe(1);
    expect(started.output().stderr.trim().split('\n')).toEqual([
      `npm start: the HTTP API cannot start: port ${busyPort} on 127.0.0.1 is already in use (choose another port with --port or TOLLBOOTH_PORT)`,
    ]);
  });
});

describe('two stacks in one folder', () => {
  let first: NpmStart;
  let second: NpmStart;
  let env: Record<string, string>;

  beforeAll(async () => {
    first = npmStart(ANY_PORTS, stateDir);
    second = npmStart(['--stack', 'second', ...ANY_PORTS], stateDir);
    await Promise.all([first.waitFor('Ctrl-C stops everything'), second.waitFor('Ctrl-C stops everything')]);
    env = { [STATE_DIR_ENV]: stateDir };
  });

  afterAll(async () => {
    await Promise.all([first.stop(), second.stop()]);
  });

  it('each keeps its own record; a tool asked for neither names both and how to choose', async () => {
    // Act
    const result = await run('npm', ['run', '-s', 'token', '--', '--scope', 'orders:read'], env);
    // Assert
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `tollbooth-token: 2 local stacks are running: "default" (${first.state().apiUrl}), "second" (${second.state('second').apiUrl}); choose one with --stack <name|port> or TOLLBOOTH_STACK (see npm run token -- --help)\n`,
    );
  });

  it('prints a walkthrough whose token command works beside the other stack, as pasted into a shell', async () => {
    // Prepare: the banner's line, as printed
    const line = second
      .output()
      .stdout.split('\n')
      .find((candidate) => candidate.includes('TOKEN=$('));
    const command = /TOKEN=\$\((.*)\)$/.exec(line?.trim() ?? '')?.[1] ?? 'missing';
    // Act
    const result = await run('sh', ['-c', command], env);
    // Assert
    expect(command).toContain('--stack second');
    expect(result.code).toBe(0);
    const orders = await fetch(`${second.state('second').apiUrl}/orders`, { headers: { authorization: `Bearer ${result.stdout.trim()}` } });
    expect(orders.status).toBe(200);
  });

  it.each([
    { how: 'by name', choose: (): string[] => ['--stack', 'second'] },
    { how: 'by the port of its API', choose: (): string[] => ['--stack', String(second.state('second').ports.api)] },
  ])('mints from the stack chosen $how, whose API accepts the token and the other refuses', async ({ choose }) => {
    // Act
    const result = await run('npm', ['run', '-s', 'token', '--', '--scope', 'orders:read', ...choose()], env);
    // Assert
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const token = result.stdout.trim();
    const own = await fetch(`${second.state('second').apiUrl}/orders`, { headers: { authorization: `Bearer ${token}` } });
    const other = await fetch(`${first.state().apiUrl}/orders`, { headers: { authorization: `Bearer ${token}` } });
    expect([own.status, other.status]).toEqual([200, 403]);
  });

  it('revokes in the chosen stack only', async () => {
    // Prepare
    const minted = await run('npm', ['run', '-s', 'token', '--', '--scope', 'orders:read', '--stack', 'default'], env);
    const token = minted.stdout.trim();
    // Act
    const result = await run('npm', ['run', '-s', 'revoke', '--', '--token', token, '--stack', 'default'], env);
    // Assert
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`revoked token jti=${jtiOf(token)}`);
    expect(result.stdout).toContain(`the local stack "default" refuses it within about ${FEED_REVOCATION_BOUND_SECONDS} s`);
  });

  it('refuses to start a second stack of a name already running, saying how to start another', async () => {
    // Act
    const again = npmStart(ANY_PORTS, stateDir);
    const exit = await again.exited;
    // Assert
    const state = first.state();
    expect(exit.code).toBe(1);
    expect(again.output().stderr.trim().split('\n')).toEqual([
      `npm start: the local stack "default" is already running (pid ${state.pid}, ${state.apiUrl}): stop it first, or start another beside it with npm start -- --stack other --port ${state.ports.api + 10} --issuer-port ${state.ports.api + 11} --dynamodb-port ${state.ports.api + 12}`,
    ]);
  });

  it('names the stack holding a busy port', async () => {
    // Prepare
    const held = first.state();
    // Act
    const third = npmStart(['--stack', 'third', '--port', String(held.ports.api), '--issuer-port', '0', '--dynamodb-port', '0'], stateDir);
    const exit = await third.exited;
    // Assert
    expect(exit.code).toBe(1);
    expect(third.output().stderr.trim().split('\n')).toEqual([
      `npm start: the HTTP API cannot start: port ${held.ports.api} on 127.0.0.1 is already in use by the local stack "default" (pid ${held.pid}): stop it, or give this one other ports: npm start -- --stack third --port ${held.ports.api + 10} --issuer-port ${held.ports.api + 11} --dynamodb-port ${held.ports.api + 12}`,
    ]);
    expect(existsSync(join(stateDir, 'stacks', 'third', 'running.json'))).toBe(false);
  });
});
