/**
 * The command-line tools' argument handling, in-process (the e2e suite runs them as processes):
 * every bad invocation exits 2 with one line naming the problem, before any network or table.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand, type CommandIo } from '../../../bin/local/args';
import { decodeCommand } from '../../../bin/local/decode-command';
import { revokeCommand } from '../../../bin/local/revoke-command';
import { startCommand } from '../../../bin/local/start-command';
import { STATE_DIR_ENV, writeStateFile } from '../../../bin/local/state-file';
import { tokenCommand } from '../../../bin/local/token-command';

interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function invoke(name: string, command: (io: CommandIo) => Promise<void>): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  const io: CommandIo = { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) };
  const code = await runCommand(name, () => command(io), io);
  return { code, stdout, stderr };
}

let stateDir: string;
let stackEnv: Record<string, string>;

beforeAll(() => {
  // A state file describing a "running" stack (this process), so no command reaches the network.
  stateDir = mkdtempSync(join(tmpdir(), 'tollbooth-unit-'));
  stackEnv = { [STATE_DIR_ENV]: stateDir };
  writeStateFile(
    {
      pid: process.pid,
      startedAt: new Date().toISOString(),
      apiUrl: 'http://127.0.0.1:1',
      issuerUrl: 'http://127.0.0.1:2',
      trustedIssuers: ['http://127.0.0.1:2'],
      revocationWindowSeconds: 10,
      revocationTable: { name: 'tollbooth-revocations', endpoint: 'http://127.0.0.1:3', region: 'us-east-1' },
    },
    stackEnv,
  );
});

afterAll(() => {
  rmSync(stateDir, { recursive: true, force: true });
});

const unsigned = (claims: Record<string, unknown>): string =>
  `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2ln`;

describe('token arguments', () => {
  it.each([
    { args: ['--scopes', 'x'], mentions: "unknown option '--scopes'" },
    { args: ['--sub'], mentions: "option '--sub <value>' argument missing" },
    { args: ['--ttl', '0'], mentions: '--ttl must be from 1 s to 86400 s' },
    { args: ['--ttl', 'soon'], mentions: '--ttl must be a duration' },
    { args: ['--scope', '"quoted"'], mentions: '--scope must be scope names' },
    { args: ['--sub', 'a\u0007b'], mentions: '--sub must be at most 256 printable characters' },
    { args: ['--issuer', 'ftp://x'], mentions: '--issuer must be an http(s) URL' },
    { args: ['extra'], mentions: 'unexpected argument "extra"' },
  ])('exits 2 on $args', async ({ args, mentions }) => {
    // Act
    const outcome = await invoke('tollbooth-token', (io) => tokenCommand(args, io, stackEnv));
    // Assert
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toBe(`tollbooth-token: ${outcome.stderr.slice('tollbooth-token: '.length).split('\n')[0]}\n`);
    expect(outcome.stderr).toContain(mentions);
  });

  it('prints help on stdout and exits 0', async () => {
    const outcome = await invoke('tollbooth-token', (io) => tokenCommand(['--help'], io, stackEnv));
    expect(outcome).toMatchObject({ code: 0, stderr: '' });
    expect(outcome.stdout).toContain('Usage: npm run -s token');
  });

  it('exits 1 naming the state file when no stack is running', async () => {
    const outcome = await invoke('tollbooth-token', (io) => tokenCommand([], io, { [STATE_DIR_ENV]: join(stateDir, 'none') }));
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toContain(`no running local stack found (${join(stateDir, 'none', 'local.json')})`);
  });
});

describe('revoke arguments', () => {
  const inAnHour = Math.floor(Date.now() / 1000) + 3600;
  it.each([
    { args: [], mentions: 'exactly one of --token, --jti or --sub' },
    { args: ['--jti', 'a', '--token', 'b'], mentions: 'exactly one of --token, --jti or --sub' },
    { args: ['--sub', 'a', '--exp', '1900000000'], mentions: '--exp only applies to --jti' },
    { args: ['--jti', 'a', '--exp=-5'], mentions: '--exp must be from 1' },
    { args: ['--jti', 'a', '--exp', '-5'], mentions: 'write --exp=<value> for a value starting with "-"' },
    {
      args: ['--token', unsigned({ iss: 'http://127.0.0.1:2', exp: inAnHour }), '--iss', 'x'],
      mentions: '--iss cannot be given with --token',
    },
    { args: ['--token', unsigned({ iss: 'http://127.0.0.1:2', exp: inAnHour })], mentions: 'no jti or origin_jti' },
    { args: ['--token', unsigned({ jti: 'j', exp: inAnHour })], mentions: 'no iss claim' },
    { args: ['--token', 'a.b'], mentions: 'three dot-separated parts' },
    { args: ['--sub', 'a', '--region', 'eu-west-1'], mentions: '--region only applies to --table' },
    { args: ['--sub', 'a', '--table', 'x'], mentions: '--iss is required with --table' },
    { args: ['--sub', 'a', '--iss', 'https://x', '--table', 'no spaces allowed'], mentions: 'is not a DynamoDB table name' },
    { args: ['--sub', 'a', '--iss', 'https://elsewhere.test'], mentions: 'not trusted by the running local stack' },
    {
      args: ['--token', unsigned({ iss: 'https://elsewhere.test', jti: 'j', exp: inAnHour })],
      mentions: 'not trusted by the running local stack',
    },
  ])('exits 2 on $args', async ({ args, mentions }) => {
    // Act
    const outcome = await invoke('tollbooth-revoke', (io) => revokeCommand(args, io, stackEnv));
    // Assert
    expect(outcome.code).toBe(2);
    expect(outcome.stderr.trim().split('\n')).toHaveLength(1);
    expect(outcome.stderr).toContain(mentions);
  });

  it.each([
    {
      args: ['--token', unsigned({ iss: 'http://127.0.0.1:2', jti: 'j', exp: 1000 })],
      says: 'nothing to revoke: the token expired at 1970-01-01T00:16:40.000Z',
    },
    { args: ['--jti', 'j', '--exp', '1000'], says: 'nothing to revoke: --exp 1000' },
  ])('exits 0 without writing when there is nothing to revoke: $args', async ({ args, says }) => {
    const outcome = await invoke('tollbooth-revoke', (io) => revokeCommand(args, io, stackEnv));
    expect(outcome).toMatchObject({ code: 0, stderr: '' });
    expect(outcome.stdout).toContain(says);
  });
});

describe('decode arguments', () => {
  it.each([
    { args: ['a.b'], mentions: 'three dot-separated parts' },
    { args: ['a.b.c.d.e'], mentions: 'encrypted token (JWE' },
    { args: ['a+b.c.d'], mentions: 'header is not base64url' },
    { args: [`${Buffer.from('[1]').toString('base64url')}.e30.c2ln`], mentions: 'header is not a JSON object' },
    { args: ['x', 'y'], mentions: 'unexpected argument "y"' },
    { args: [], mentions: 'give the token as an argument, or pipe it on stdin' },
  ])('exits 2 on $args', async ({ args, mentions }) => {
    // Act
    const outcome = await invoke('tollbooth-decode', (io) => decodeCommand(args, io, async () => undefined));
    // Assert
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain(mentions);
  });

  it('accepts "Bearer <token>" and annotates times relative to now', async () => {
    // Prepare
    const nowMs = 1_800_000_000_000;
    // Act
    const outcome = await invoke('tollbooth-decode', (io) =>
      decodeCommand(
        [`Bearer ${unsigned({ sub: 'a', exp: 1_800_000_600 })}`],
        io,
        async () => undefined,
        () => nowMs,
      ),
    );
    // Assert
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toContain('exp       2027-01-15T08:10:00.000Z (in 10 min)');
    expect(outcome.stdout).toContain('signature: 3 bytes, not shown');
  });
});

describe('npm start arguments', () => {
  const never = { stopSignal: new Promise<string>(() => undefined), uptimeMs: () => 0 };
  it.each([
    { args: ['--port', 'http'], env: {}, mentions: '--port / TOLLBOOTH_PORT must be a whole number' },
    { args: [], env: { TOLLBOOTH_PORT: '70000' }, mentions: '--port / TOLLBOOTH_PORT must be from 0 to 65535' },
    { args: ['--authorizer-cache-ttl', '2h'], env: {}, mentions: '--authorizer-cache-ttl must be from 0 s to 3600 s' },
    { args: ['--revocation-cache', 'x'], env: {}, mentions: '--revocation-cache must be a duration' },
    { args: ['--verbose'], env: {}, mentions: "unknown option '--verbose'" },
  ])('exits 2 on $args $env before starting anything', async ({ args, env, mentions }) => {
    // Act
    const outcome = await invoke('npm start', (io) => startCommand(args, io, never, env));
    // Assert
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain(mentions);
  });
});
