/**
 * What survives a restart of the local stack: the dev issuer's signing key, so tokens minted
 * before stay valid (on the same issuer port, which their `iss` names), and the revocations —
 * written through the endpoint or by another process (the revoke tool) — unless
 * `--clear-revocations` asks for an empty table. Rows that expired while the stack was stopped are
 * not restored. Both files are 0600. In-process first (with a moved clock), then as `npm start`
 * processes.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../bin/local/local-stack';
import { STATE_DIR_ENV } from '../../bin/local/state-dir';
import { stateOfStack, writeStateFile } from '../../bin/local/state-file';
import { call, runTool, temporaryStateDir } from '../helpers/local-stack';
import { npmStart } from '../helpers/npm-start';

let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'tollbooth-restart-'));
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

/** A port free right now on 127.0.0.1. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** A stack folder of its own, and a stack started on it. */
async function startIn(
  folder: string,
  issuerPort: number,
  more: { clearRevocations?: boolean; now?: () => number } = {},
): Promise<LocalStack> {
  mkdirSync(folder, { recursive: true });
  return startLocalStack({ issuerPort, stateFolder: folder, env: {}, ...more });
}

const modeOf = (path: string): number => statSync(path).mode & 0o777;

describe('a restarted stack (in-process)', () => {
  it('keeps its signing key and its revocations; both files are 0600', async () => {
    // Prepare
    const folder = join(root, 'keeps');
    const issuerPort = await freePort();
    const first = await startIn(folder, issuerPort);
    const kept = first.devIssuer.mint({ sub: 'alice', scope: 'orders:read' });
    const revoked = first.devIssuer.mint({ sub: 'bob', scope: 'orders:read' });
    const admin = first.devIssuer.mint({ sub: 'ops', scope: 'tollbooth:admin' });
    expect((await call(first, 'POST', '/revocations', { token: admin, form: { token: revoked } })).status).toBe(200);
    await first.close();
    // Act
    const second = await startIn(folder, issuerPort);
    const statuses = [
      (await call(second, 'GET', '/orders', { token: kept })).status,
      (await call(second, 'GET', '/orders', { token: revoked })).status,
    ];
    await second.close();
    // Assert
    expect(first.kept).toEqual({ folder, keyCreated: true, restoredRevocations: 0 });
    expect(second.kept).toEqual({ folder, keyCreated: false, restoredRevocations: 1 });
    expect(statuses).toEqual([200, 403]);
    expect(modeOf(join(folder, 'dev-signing-key.json'))).toBe(0o600);
    expect(modeOf(join(folder, 'revocations.json'))).toBe(0o600);
  });

  it('keeps only revocation rows, not the feed; after the restart the feed still refuses a new revocation within its bound', async () => {
    // Prepare: one revocation before the restart, announced on the feed like every write
    const folder = join(root, 'feed');
    const issuerPort = await freePort();
    const first = await startIn(folder, issuerPort);
    const admin = first.devIssuer.mint({ sub: 'ops', scope: 'tollbooth:admin' });
    const before = first.devIssuer.mint({ sub: 'frank', scope: 'orders:read' });
    await call(first, 'POST', '/revocations', { token: admin, form: { token: before } });
    await first.close();
    const saved = JSON.parse(readFileSync(join(folder, 'revocations.json'), 'utf8')) as { items: Array<{ pk: { S: string } }> };
    // Act: after the restart, a token allowed and cached by both caches is revoked
    const second = await startIn(folder, issuerPort);
    const after = second.devIssuer.mint({ sub: 'grace', scope: 'orders:read' });
    const cachedAllow = (await call(second, 'GET', '/orders', { token: after })).status;
    await call(second, 'POST', '/revocations', { token: admin, form: { token: after } });
    const revokedAt = Date.now();
    let refusedAfterMs: number | undefined;
    while (refusedAfterMs === undefined && Date.now() - revokedAt < 10_000) {
      if ((await call(second, 'GET', '/orders', { token: after })).status === 403) refusedAfterMs = Date.now() - revokedAt;
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const restoredStatus = (await call(second, 'GET', '/orders', { token: before })).status;
    await second.close();
    // Assert
    expect(saved.items.map((item) => item.pk.S.split('#')[0])).toEqual(['jti']);
    expect(second.kept?.restoredRevocations).toBe(1);
    expect(restoredStatus).toBe(403);
    expect(cachedAllow).toBe(200);
    expect(refusedAfterMs).toBeDefined();
    expect(refusedAfterMs).toBeLessThan(second.authorizerCacheTtlSeconds * 1000);
  });

  it('saves a revocation another process wrote (the revoke tool), and restores it', async () => {
    // Prepare: the tool finds the stack through its record, as it would find npm start's
    const folder = join(root, 'tool');
    const stateDir = temporaryStateDir();
    const issuerPort = await freePort();
    const first = await startIn(folder, issuerPort);
    writeStateFile(stateOfStack('default', first, 'us-east-1'), { [STATE_DIR_ENV]: stateDir });
    // The tool runs on real time: the token predates its cut-off second.
    const token = first.devIssuer.mint({ sub: 'carol', scope: 'orders:read', claims: { iat: Math.floor(Date.now() / 1000) - 3 } });
    // Act
    const result = await runTool('revoke', ['--sub', 'carol'], { [STATE_DIR_ENV]: stateDir });
    await until(() => readFileSync(join(folder, 'revocations.json'), 'utf8').includes('carol'));
    await first.close();
    const second = await startIn(folder, issuerPort);
    const status = (await call(second, 'GET', '/orders', { token })).status;
    await second.close();
    rmSync(dirname(stateDir), { recursive: true, force: true });
    // Assert
    expect(result.code).toBe(0);
    expect(second.kept?.restoredRevocations).toBe(1);
    expect(status).toBe(403);
  });

  it('starts with an empty table with clearRevocations (--clear-revocations), and forgets the saved rows', async () => {
    // Prepare
    const folder = join(root, 'clear');
    const issuerPort = await freePort();
    const first = await startIn(folder, issuerPort);
    const token = first.devIssuer.mint({ sub: 'dave', scope: 'orders:read' });
    const admin = first.devIssuer.mint({ sub: 'ops', scope: 'tollbooth:admin' });
    await call(first, 'POST', '/revocations', { token: admin, form: { token } });
    await first.close();
    // Act
    const cleared = await startIn(folder, issuerPort, { clearRevocations: true });
    const status = (await call(cleared, 'GET', '/orders', { token })).status;
    await cleared.close();
    const third = await startIn(folder, issuerPort);
    await third.close();
    // Assert
    expect(status).toBe(200);
    expect(cleared.kept?.restoredRevocations).toBe(0);
    expect(third.kept?.restoredRevocations).toBe(0);
  });

  it('does not restore rows that expired while the stack was stopped', async () => {
    // Prepare
    const folder = join(root, 'expired');
    const issuerPort = await freePort();
    const first = await startIn(folder, issuerPort);
    const token = first.devIssuer.mint({ sub: 'erin', scope: 'orders:read', expiresIn: 60 });
    const admin = first.devIssuer.mint({ sub: 'ops', scope: 'tollbooth:admin' });
    await call(first, 'POST', '/revocations', { token: admin, form: { token } });
    await first.close();
    // Act: two minutes later, the token and its row have expired
    const later = await startIn(folder, issuerPort, { now: () => Date.now() + 120_000 });
    await later.close();
    // Assert
    expect(later.kept?.restoredRevocations).toBe(0);
  });

  it('fails with one line naming the file when the stored key is not one', async () => {
    // Prepare
    const folder = join(root, 'broken');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'dev-signing-key.json'), 'not a key');
    // Act
    const started = startIn(folder, 0);
    // Assert
    await expect(started).rejects.toThrow(
      `${join(folder, 'dev-signing-key.json')} does not hold a dev signing key: delete it for a new one (tokens minted before are then refused)`,
    );
  });
});

describe('npm start, stopped and started again', () => {
  it('accepts tokens minted before the restart, still refuses the revoked one, and forgets it with --clear-revocations', async () => {
    // Prepare
    const stateDir = temporaryStateDir();
    const env = { [STATE_DIR_ENV]: stateDir };
    const ports = ['--port', String(await freePort()), '--issuer-port', String(await freePort()), '--dynamodb-port', '0'];
    const first = npmStart(ports, stateDir);
    await first.waitFor('Ctrl-C stops everything');
    const [kept, revoked] = await Promise.all([
      runTool('token', ['--sub', 'alice', '--scope', 'orders:read'], env),
      runTool('token', ['--sub', 'bob', '--scope', 'orders:read'], env),
    ]);
    expect((await runTool('revoke', ['--token', revoked.stdout.trim()], env)).code).toBe(0);
    await first.stop();
    const orders = (token: string): Promise<number> =>
      fetch(`${second.state().apiUrl}/orders`, { headers: { authorization: `Bearer ${token.trim()}` } }).then(
        (response) => response.status,
      );
    // Act
    const second = npmStart(ports, stateDir);
    await second.waitFor('Ctrl-C stops everything');
    const afterRestart = [await orders(kept.stdout), await orders(revoked.stdout)];
    await second.stop();
    const third = npmStart([...ports, '--clear-revocations'], stateDir);
    await third.waitFor('Ctrl-C stops everything');
    const afterClearing = await fetch(`${third.state().apiUrl}/orders`, { headers: { authorization: `Bearer ${revoked.stdout.trim()}` } });
    await third.stop();
    rmSync(dirname(stateDir), { recursive: true, force: true });
    // Assert
    expect(first.output().stdout).toContain('a new dev signing key (kept from now on');
    expect(second.output().stdout).toContain('the dev signing key of the last run: its tokens stay valid');
    expect(second.output().stdout).toContain('revocations restored: 1');
    expect(afterRestart).toEqual([200, 403]);
    expect(third.output().stdout).toContain('revocations restored: 0');
    expect(afterClearing.status).toBe(200);
    expect(existsSync(join(stateDir, 'stacks', 'default', 'running.json'))).toBe(false);
  });
});

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
