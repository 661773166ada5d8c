/**
 * `npm start -- --config FILE` as processes: the stack serves the file's routes to tokens from
 * `npm run token`, says in its log when an edit was applied — or, for an edit that does not
 * validate, that the previous configuration keeps running, one line per problem — and prints the
 * reason of every decision, a cached deny's included. A file that does not validate at start ends
 * `npm start` with exit 1 and one line per problem; the variable works like the flag.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATE_DIR_ENV } from '../../bin/local/state-dir';
import { run, temporaryStateDir } from '../helpers/local-stack';
import { ANY_PORTS, npmStart } from '../helpers/npm-start';

let folder: string;
let stateDir: string;

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'tollbooth-start-config-'));
  stateDir = temporaryStateDir();
});

afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
  rmSync(dirname(stateDir), { recursive: true, force: true });
});

const INVOICES = { 'invoices:read': ['GET /invoices'], 'invoices:write': ['POST /invoices'] };
const documentWith = (routes: Record<string, string[]>): string => `${JSON.stringify({ routes }, null, 2)}\n`;

describe('npm start -- --config FILE', () => {
  it('serves the file’s routes to dev tokens, applies an edit, keeps running through a bad one, and logs every reason', async () => {
    // Prepare
    const file = join(folder, 'tollbooth.json');
    writeFileSync(file, documentWith(INVOICES));
    const started = npmStart(['--config', file, ...ANY_PORTS], stateDir);
    await started.waitFor('Ctrl-C stops everything');
    const api = started.state().apiUrl;
    const minted = await run('npm', ['run', '-s', 'token', '--', '--sub', 'alice', '--scope', 'invoices:read'], {
      [STATE_DIR_ENV]: stateDir,
    });
    const token = minted.stdout.trim();
    const status = async (method: string, path: string): Promise<number> =>
      (await fetch(`${api}${path}`, { method, headers: { authorization: `Bearer ${token}` } })).status;
    const before = [await status('GET', '/invoices'), await status('POST', '/invoices'), await status('GET', '/reports')];
    // Act: a good edit, then a bad one
    writeFileSync(file, documentWith({ ...INVOICES, 'invoices:read': ['GET /invoices', 'GET /reports'] }));
    await started.waitFor('changed: reloaded');
    const afterEdit = await status('GET', '/reports');
    writeFileSync(file, documentWith({ 'invoices:read': ['FETCH /invoices'] }));
    await started.waitFor('the previous configuration keeps running');
    const afterBadEdit = await status('GET', '/reports');
    await started.stop();
    // Assert
    const { stdout, stderr } = started.output();
    expect(minted.code).toBe(0);
    expect(before).toEqual([200, 403, 404]);
    expect([afterEdit, afterBadEdit]).toEqual([200, 200]);
    expect(stdout).toContain(`config       ${file} — edits apply without a restart`);
    expect(stdout).toContain(
      `${file} changed: reloaded, API Gateway's authorizer cache emptied (grants added: invoices:read → GET /reports)`,
    );
    expect(stdout).toContain(
      [
        `! ${file} changed but is not valid; the previous configuration keeps running (1 problem):`,
        '!   - routes["invoices:read"]: "FETCH /invoices" has unknown method "FETCH" (use one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, ANY)',
      ].join('\n'),
    );
    expect(stdout).toContain('GET /invoices → 200 OK   (GET /invoices; authorizer: allow sub=alice)');
    // The local API keys its authorizer cache by route, as the construct does: another route is decided afresh.
    expect(stdout).toContain('POST /invoices → 403 Forbidden   (POST /invoices; authorizer: deny insufficient_scope sub=alice)');
    expect(stdout).toContain('GET /reports → 404 Not Found   (no route matches GET /reports)');
    expect(stderr).toBe('');
  });

  it.each([
    { how: 'with --config', args: (file: string) => ['--config', file], env: (): Record<string, string> => ({}), setting: '--config' },
    {
      how: 'with TOLLBOOTH_CONFIG_FILE',
      args: () => [],
      env: (file: string) => ({ TOLLBOOTH_CONFIG_FILE: file }),
      setting: 'TOLLBOOTH_CONFIG_FILE',
    },
  ])('exits 1 with one line per problem when the file does not validate at start ($how)', async ({ args, env, setting }) => {
    // Prepare
    const file = join(folder, `bad-${setting}.json`);
    writeFileSync(file, JSON.stringify({ issuers: [{ issuer: 'https://idp.example.com' }], routes: { 'a b': ['GET /a'] } }));
    // Act
    const started = npmStart([...args(file), ...ANY_PORTS], stateDir, env(file));
    const exit = await started.exited;
    // Assert
    expect(exit.code).toBe(1);
    expect(started.output().stderr.trim().split('\n')).toEqual([
      `npm start: cannot start: ${setting} ${file} is not a valid configuration (2 problems):`,
      '  - issuers[0].audience: is required: list the accepted "aud" values, or set it to null to accept any audience (not recommended)',
      '  - routes["a b"]: a scope name must be an RFC 6749 scope token: printable ASCII without spaces, " or \\ (tokens carry no other)',
    ]);
  });
});
