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
import { STATE_DIR_ENV } from '../../../bin/local/state-dir';
import { writeStateFile, type LocalStackState } from '../../../bin/local/state-file';
import { tokenCommand } from '../../../bin/local/token-command';

interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const HELP: Readonly<Record<string, string>> = {
  'tollbooth-token': 'npx tollbooth-token --help',
  'tollbooth-revoke': 'npx tollbooth-revoke --help',
  'tollbooth-decode': 'npx tollbooth-decode --help',
  'npm start': 'npm start -- --help',
};

async function invoke(name: string, command: (io: CommandIo) => Promise<void>, isTerminal?: boolean): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  const io: CommandIo = {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    ...(isTerminal === undefined ? {} : { isTerminal: () => isTerminal }),
  };
  const code = await runCommand(name, () => command(io), io, { help: HELP[name] ?? '' });
  return { code, stdout, stderr };
}

let stateRoot: string;
let stackEnv: Record<string, string>;
let twoStacksEnv: Record<string, string>;

/** A record of a "running" stack: this process's pid, so it counts as alive, and ports no command reaches. */
function record(name: string, apiPort: number): LocalStackState {
  return {
    name,
    pid: process.pid,
    startedAt: new Date().toISOString(),
    apiUrl: `http://127.0.0.1:${apiPort}`,
    ports: { api: apiPort, issuer: 2, dynamodb: 3 },
    issuerUrl: 'http://127.0.0.1:2',
    trustedIssuers: ['http://127.0.0.1:2'],
    revocationWindowSeconds: 10,
    revocationTable: { name: 'tollbooth-revocations', endpoint: 'http://127.0.0.1:3', region: 'us-east-1' },
  };
}

beforeAll(() => {
  stateRoot = mkdtempSync(join(tmpdir(), 'tollbooth-unit-'));
  stackEnv = { [STATE_DIR_ENV]: join(stateRoot, 'one', '.tollbooth') };
  writeStateFile(record('default', 1), stackEnv);
  twoStacksEnv = { [STATE_DIR_ENV]: join(stateRoot, 'two', '.tollbooth') };
  writeStateFile(record('default', 1), twoStacksEnv);
  writeStateFile(record('other', 11), twoStacksEnv);
});

afterAll(() => {
  rmSync(stateRoot, { recursive: true, force: true });
});

const unsigned = (claims: Record<string, unknown>): string =>
  `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2ln`;

describe('token arguments', () => {
  it.each([
    { args: ['--scopes', 'x'], line: "unknown option '--scopes' (see npx tollbooth-token --help)" },
    { args: ['--sub'], line: "option '--sub <value>' argument missing (see npx tollbooth-token --help)" },
    { args: ['--ttl', '0'], line: '--ttl must be from 1 s to 86400 s, got 0 s (see npx tollbooth-token --help)' },
    {
      args: ['--ttl', 'soon'],
      line: '--ttl must be a duration in seconds like 600, or 15m or 1h, got "soon" (see npx tollbooth-token --help)',
    },
    {
      args: ['--scope', 'orders:read', '--scope', '"quoted"'],
      line: '--scope: ""quoted"" is not a scope name (RFC 6749 §3.3: printable, no quotes or backslashes), e.g. orders:read (see npx tollbooth-token --help)',
    },
    { args: ['--sub', 'a\u0007b'], line: '--sub must be at most 256 printable characters (see npx tollbooth-token --help)' },
    { args: ['--issuer', 'ftp://x'], line: '--issuer must be an http(s) URL, got "ftp://x" (see npx tollbooth-token --help)' },
    { args: ['extra'], line: 'unexpected argument "extra" (see npx tollbooth-token --help)' },
    {
      args: ['--stack', '../x'],
      line: '--stack must be 1 to 40 letters, digits, "-" or "_", starting with a letter or digit, got "../x" (see npx tollbooth-token --help)',
    },
  ])('exits 2 with one line on $args', async ({ args, line }) => {
    // Act
    const outcome = await invoke('tollbooth-token', (io) => tokenCommand(args, io, stackEnv));
    // Assert
    expect(outcome).toEqual({ code: 2, stdout: '', stderr: `tollbooth-token: ${line}\n` });
  });

  it('blames TOLLBOOTH_ISSUER_URL, not the flag, for its bad value', async () => {
    const outcome = await invoke('tollbooth-token', (io) => tokenCommand([], io, { ...stackEnv, TOLLBOOTH_ISSUER_URL: 'nonsense' }));
    expect(outcome).toMatchObject({ code: 2, stderr: expect.stringMatching(/^tollbooth-token: TOLLBOOTH_ISSUER_URL must be a URL/) });
  });

  it('prints help on stdout and exits 0', async () => {
    const outcome = await invoke('tollbooth-token', (io) => tokenCommand(['--help'], io, stackEnv));
    expect(outcome).toMatchObject({ code: 0, stderr: '' });
    expect(outcome.stdout).toContain('Usage: npm run -s token');
  });

  it('refuses to print a token into captured output when npm printed its banner there (no -s)', async () => {
    // Prepare: what `TOKEN=$(npm run token …)` looks like from inside: npm's script, not silent, stdout captured
    const underNpm = { ...stackEnv, npm_lifecycle_event: 'token', npm_config_loglevel: 'notice' };
    // Act
    const outcome = await invoke('tollbooth-token', (io) => tokenCommand(['--scope', 'orders:read'], io, underNpm), false);
    // Assert
    expect(outcome).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'tollbooth-token: npm printed its own banner on the output you are capturing, so it would not hold just the token: run npm run -s token -- … (the -s keeps npm quiet), or npx tollbooth-token … (see npx tollbooth-token --help)\n',
    });
  });

  it.each([
    { case: 'npm run -s (silent)', env: { npm_lifecycle_event: 'token', npm_config_loglevel: 'silent' }, terminal: false },
    { case: 'npm run into a terminal', env: { npm_lifecycle_event: 'token' }, terminal: true },
    { case: 'npx (not an npm script)', env: {}, terminal: false },
  ])('goes on to mint under $case', async ({ env, terminal }) => {
    // Act: the unit suite has no network, so minting itself fails with exit 1
    const outcome = await invoke('tollbooth-token', (io) => tokenCommand([], io, { ...stackEnv, ...env }), terminal);
    // Assert
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toContain('cannot reach the dev issuer at http://127.0.0.1:2');
  });

  it('exits 1 saying where it looked when no stack is running', async () => {
    const nowhere = join(stateRoot, 'none', '.tollbooth');
    const outcome = await invoke('tollbooth-token', (io) => tokenCommand([], io, { [STATE_DIR_ENV]: nowhere }));
    expect(outcome).toMatchObject({
      code: 1,
      stderr: `tollbooth-token: no local stack is running (none recorded in ${join(nowhere, 'stacks')}): start one with npm start, or pass --issuer\n`,
    });
  });

  it('exits 2 naming the running stacks and how to choose when several run', async () => {
    const outcome = await invoke('tollbooth-token', (io) => tokenCommand([], io, twoStacksEnv));
    expect(outcome).toMatchObject({
      code: 2,
      stderr:
        'tollbooth-token: 2 local stacks are running: "default" (http://127.0.0.1:1), "other" (http://127.0.0.1:11); choose one with --stack <name|port> or TOLLBOOTH_STACK (see npx tollbooth-token --help)\n',
    });
  });

  it.each([
    {
      choice: ['--stack', 'nope'],
      env: {},
      line: '--stack: no running local stack is called "nope" (running: "default" (http://127.0.0.1:1), "other" (http://127.0.0.1:11))',
    },
    {
      choice: ['--stack', '4280'],
      env: {},
      line: '--stack: no running local stack listens on port 4280 (running: "default" (http://127.0.0.1:1), "other" (http://127.0.0.1:11))',
    },
    {
      choice: [],
      env: { TOLLBOOTH_STACK: 'nope' },
      line: 'TOLLBOOTH_STACK: no running local stack is called "nope" (running: "default" (http://127.0.0.1:1), "other" (http://127.0.0.1:11))',
    },
  ])('exits 1 when $choice $env names no running stack', async ({ choice, env, line }) => {
    const outcome = await invoke('tollbooth-token', (io) => tokenCommand(choice, io, { ...twoStacksEnv, ...env }));
    expect(outcome).toMatchObject({ code: 1, stderr: `tollbooth-token: ${line}\n` });
  });

  it('refuses a state directory not called .tollbooth, which would hold a private key outside what git ignores', async () => {
    const outcome = await invoke('tollbooth-token', (io) => tokenCommand([], io, { [STATE_DIR_ENV]: join(stateRoot, 'state') }));
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toMatch(/^tollbooth-token: TOLLBOOTH_STATE_DIR must name a folder called \.tollbooth/);
  });
});

describe('revoke arguments', () => {
  const inAnHour = Math.floor(Date.now() / 1000) + 3600;
  it.each([
    { args: [], mentions: 'exactly one of --token, --jti or --sub' },
    { args: ['--jti', 'a', '--token', 'b'], mentions: 'exactly one of --token, --jti or --sub' },
    { args: ['--sub', 'a', '--exp', '1900000000'], mentions: '--exp only applies to --jti' },
    { args: ['--jti', 'a', '--exp=-5'], mentions: '--exp must be a time in epoch seconds from 1 to 99999999999, got -5' },
    {
      args: ['--jti', 'a', '--exp', 'tomorrow'],
      mentions: '--exp must be a time in epoch seconds (a whole number like 1767225600), got "tomorrow"',
    },
    {
      args: ['--jti', 'a', '--exp', '1767225600000'],
      mentions: '--exp must be a time in epoch seconds, got 1767225600000: milliseconds? use 1767225600',
    },
    {
      args: ['--sub', 'a', '--stack', 'default', '--table', 'x', '--iss', 'https://x'],
      mentions: '--stack chooses a local stack; it cannot be given with --table',
    },
    { args: ['--jti', 'a', '--exp', '-5'], mentions: 'write --exp=<value> for a value starting with "-"' },
    {
      args: ['--token', unsigned({ iss: 'http://127.0.0.1:2', exp: inAnHour }), '--iss', 'x'],
      mentions: '--iss cannot be given with --token',
    },
    {
      args: ['--token', unsigned({ iss: 'http://127.0.0.1:2', exp: inAnHour })],
      mentions: "no jti or origin_jti claim: name its issuer's preset (--provider entra reads uti)",
    },
    {
      args: ['--token', unsigned({ iss: 'http://127.0.0.1:2', exp: inAnHour, jti: 'j' }), '--provider', 'ping'],
      mentions: '--provider must be one of oidc, entra, okta, auth0, keycloak, cognito, not "ping"',
    },
    { args: ['--jti', 'a', '--provider', 'entra'], mentions: '--provider only applies to --token' },
    { args: ['--sub', 'a', '--token-id-claim', 'uti'], mentions: '--token-id-claim only applies to --token' },
    {
      args: ['--token', unsigned({ iss: 'http://127.0.0.1:2', exp: inAnHour }), '--session-id-claim', 'a..b'],
      mentions: '--session-id-claim: "a..b" has an empty or non-string member name',
    },
    {
      args: ['--token', unsigned({ iss: 'http://127.0.0.1:2', exp: inAnHour, jti: 'j' }), '--provider', 'entra'],
      mentions: 'no uti claim',
    },
    { args: ['--token', unsigned({ jti: 'j', exp: inAnHour })], mentions: 'no iss claim' },
    { args: ['--token', 'a.b'], mentions: 'three dot-separated parts' },
    {
      args: ['--sub', 'a', '--max-token-lifetime', '7d'],
      mentions: '--max-token-lifetime must be a number of seconds (a whole number like 604800), got "7d"',
    },
    {
      args: ['--sub', 'a', '--max-token-lifetime', '59'],
      mentions: '--max-token-lifetime must be a number of seconds from 60 to 2592000, got 59',
    },
    {
      args: ['--sub', 'a', '--max-token-lifetime', '2592001'],
      mentions: '--max-token-lifetime must be a number of seconds from 60 to 2592000, got 2592001',
    },
    {
      args: ['--jti', 'a', '--exp', '1900000000', '--max-token-lifetime', '604800'],
      mentions: '--max-token-lifetime does not apply to --jti with --exp: the row is kept until --exp',
    },
    { args: ['--sub', 'a', '--region', 'eu-west-1'], mentions: '--region only applies to --table' },
    { args: ['--sub', 'a', '--endpoint-url', 'http://127.0.0.1:8000'], mentions: '--endpoint-url only applies to --table' },
    {
      args: ['--sub', 'a', '--iss', 'https://x', '--table', 'revocations', '--endpoint-url', '127.0.0.1:8000'],
      mentions: '--endpoint-url must be an http or https URL like http://127.0.0.1:8000, got "127.0.0.1:8000"',
    },
    {
      args: ['--sub', 'a', '--iss', 'https://x', '--table', 'revocations', '--endpoint-url', 'ftp://127.0.0.1'],
      mentions: '--endpoint-url must be an http or https URL',
    },
    { args: ['--sub', 'a', '--table', 'x'], mentions: '--iss is required with --table' },
    { args: ['--sub', 'a', '--iss', 'https://x', '--table', 'no spaces allowed'], mentions: 'is not a DynamoDB table name' },
    { args: ['--sub', 'a', '--iss', 'https://elsewhere.test'], mentions: 'not trusted by the local stack "default"' },
    {
      args: ['--token', unsigned({ iss: 'https://elsewhere.test', jti: 'j', exp: inAnHour })],
      mentions: 'not trusted by the local stack "default"',
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
    { args: [`${unsigned({ sub: 'a' })} extra`], mentions: 'the token is followed by other text ("extra"): give the token alone' },
    {
      args: [`Bearer ${unsigned({ sub: 'a' })}\n${unsigned({ sub: 'b' })}`],
      mentions: 'the token is followed by other text ("eyJhbGciOiJSUzI1NiJ9…"): give the token alone',
    },
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
    { args: ['--port', 'http'], env: {}, line: '--port must be a whole number, got "http"' },
    { args: [], env: { TOLLBOOTH_PORT: '70000' }, line: 'TOLLBOOTH_PORT must be from 0 to 65535, got 70000' },
    { args: ['--port', '80000'], env: { TOLLBOOTH_PORT: '4290' }, line: '--port must be from 0 to 65535, got 80000' },
    { args: ['--authorizer-cache-ttl', '2h'], env: {}, line: '--authorizer-cache-ttl must be from 0 s to 3600 s, got 7200 s' },
    {
      args: [],
      env: { TOLLBOOTH_AUTHORIZER_CACHE_TTL: '-1' },
      line: 'TOLLBOOTH_AUTHORIZER_CACHE_TTL must be a duration in seconds like 600, or 15m or 1h, got "-1"',
    },
    {
      args: ['--revocation-cache', 'x'],
      env: {},
      line: '--revocation-cache must be a duration in seconds like 600, or 15m or 1h, got "x"',
    },
    {
      args: ['--stack', 'a b'],
      env: {},
      line: '--stack must be 1 to 40 letters, digits, "-" or "_", starting with a letter or digit, got "a b"',
    },
    {
      args: [],
      env: { TOLLBOOTH_STACK: '.' },
      line: 'TOLLBOOTH_STACK must be 1 to 40 letters, digits, "-" or "_", starting with a letter or digit, got "."',
    },
    { args: ['--config', '{"routes":{}}'], env: {}, line: '--config takes a file name; for inline JSON, set TOLLBOOTH_CONFIG' },
    { args: ['--verbos'], env: {}, line: "unknown option '--verbos'" },
  ])('exits 2 with one line on $args $env, before starting anything', async ({ args, env, line }) => {
    // Act
    const outcome = await invoke('npm start', (io) => startCommand(args, io, never, { ...stackEnv, ...env }));
    // Assert
    expect(outcome).toEqual({ code: 2, stdout: '', stderr: `npm start: ${line} (see npm start -- --help)\n` });
  });

  it('exits 1 when a stack of that name already runs, saying how to start another beside it', async () => {
    // Act: the record of "default" names this very process, so it is running
    const outcome = await invoke('npm start', (io) => startCommand([], io, never, stackEnv));
    // Assert
    expect(outcome).toEqual({
      code: 1,
      stdout: '',
      stderr: `npm start: the local stack "default" is already running (pid ${process.pid}, http://127.0.0.1:1): stop it first, or start another beside it with npm start -- --stack other --port 11 --issuer-port 12 --dynamodb-port 13\n`,
    });
  });
});
