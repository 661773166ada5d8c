/**
 * The command-line tools as a user runs them: child processes running the package's `bin` entries
 * (the compiled tools in `dist/bin/`, what `npx tollbooth-<name>` executes), against a local stack started in this test and
 * described by a state file in a temporary directory. Good arguments do the job; bad ones exit 2
 * with one line naming the problem — and the help command that exists for the way the tool was
 * run. Every argument rule is tabled in-process in test/unit/local/commands.test.ts; here each kind
 * of error line is checked once as the process prints it, with its exit code.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATE_DIR_ENV } from '../../bin/local/state-dir';
import { call, run, runTool, startTestStack, temporaryStateDir, type TestStack } from '../helpers/local-stack';

let local: TestStack;
let env: Record<string, string>;

beforeAll(async () => {
  local = await startTestStack();
  env = { [STATE_DIR_ENV]: local.stateDir };
});

afterAll(async () => {
  await local.close();
});

/** One line on stderr, no stack trace. */
function expectOneLineError(stderr: string, mentions: string): void {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain(mentions);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe('token', () => {
  it('prints only a token minted by the running dev issuer, which the stack accepts', async () => {
    // Act
    const result = await runTool('token', ['--sub', 'alice', '--scope', 'orders:read', '--ttl', '15m', '--jti', 'cli-jti-1'], env);
    // Assert
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const token = result.stdout.trim();
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const response = await call(local.stack, 'GET', '/orders', { token });
    expect(response).toMatchObject({ status: 200, body: { authorizer: { sub: 'alice', jti: 'cli-jti-1' } } });
  });

  it('exits 2 with one line on a bad argument, printing nothing on stdout', async () => {
    // Act
    const result = await runTool('token', ['--scope', 'orders:read', '--ttl', '2d'], env);
    // Assert
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expectOneLineError(result.stderr, '--ttl must be a duration');
  });

  it('works as `npm run -s token`, printing nothing but the token', async () => {
    // Act
    const result = await run('npm', ['run', '-s', 'token', '--', '--scope', 'orders:read'], env);
    // Assert
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
  });
});

describe('revoke', () => {
  it('revokes a token in the local table; the stack refuses it once the window has passed', async () => {
    // Prepare
    const token = local.mint({ sub: 'grace', scope: 'orders:read' });
    expect((await call(local.stack, 'GET', '/orders', { token })).status).toBe(200);
    // Act
    const result = await runTool('revoke', ['--token', token, '--reason', 'e2e'], env);
    local.clock.advanceSeconds(local.stack.authorizerCacheTtlSeconds + local.stack.notRevokedCacheSeconds);
    // Assert
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('revoked token jti=');
    expect(result.stdout).toContain('the local stack "default" refuses it within about 2 s');
    expect((await call(local.stack, 'GET', '/orders', { token })).status).toBe(403);
  });

  it('revokes every token of a subject, and says so', async () => {
    // Prepare: the tool runs on real time while the stack's clock may have moved, so the token is
    // issued a few real seconds ago (cut-offs have one-second granularity)
    const token = local.mint({ sub: 'heidi', scope: 'orders:read', claims: { iat: Math.floor(Date.now() / 1000) - 3 } });
    // Act
    const result = await runTool('revoke', ['--sub', 'heidi'], env);
    // Assert
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('revoked every token of sub=heidi');
    expect((await call(local.stack, 'GET', '/orders', { token })).status).toBe(403);
  });

  it('exits 2 with one line on a bad argument', async () => {
    // Act
    const result = await runTool('revoke', ['--sub', 'b', '--iss', 'https://elsewhere.test'], env);
    // Assert
    expect(result.code).toBe(2);
    expectOneLineError(result.stderr, 'not trusted by the local stack "default"');
  });
});

describe('decode', () => {
  it('shows header and claims, says nothing was verified, and never prints the signature', async () => {
    // Prepare
    const token = local.mint({ sub: 'ivan', scope: 'orders:read' });
    // Act
    const result = await runTool('decode', [token]);
    // Assert
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^NOTHING WAS VERIFIED/);
    expect(result.stdout).toContain('"sub": "ivan"');
    expect(result.stdout).not.toContain(token.split('.')[2]);
  });

  it('reads the token from stdin and prints JSON with --json', async () => {
    // Prepare
    const token = local.mint({ sub: 'judy' });
    // Act
    const result = await runTool('decode', ['--json'], {}, `${token}\n`);
    // Assert
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ verified: false, claims: { sub: 'judy' } });
  });

  it('exits 2 with one line on something that is not a JWT', async () => {
    // Act
    const result = await runTool('decode', ['a.b.c.d.e']);
    // Assert
    expect(result.code).toBe(2);
    expectOneLineError(result.stderr, 'encrypted token (JWE');
  });
});

describe('package bin entries', () => {
  it('run through npx (`npx tollbooth-decode --help`)', async () => {
    // Prepare: npx links the project's own bins into its cache once per project path and never
    // refreshes them (README, "Known issues in dependencies"), so a cache of its own here.
    const npmCache = mkdtempSync(join(tmpdir(), 'tollbooth-npx-'));
    // Act
    const result = await run('npx', ['--no-install', 'tollbooth-decode', '--help'], { npm_config_cache: npmCache }).finally(() =>
      rmSync(npmCache, { recursive: true, force: true }),
    );
    // Assert
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('NOTHING IS VERIFIED');
  }, 120_000); // npx starts npm, which builds its cache: seconds idle, tens of seconds on a busy machine
});

describe('error lines, as the processes print them', () => {
  let elsewhere: string;

  beforeAll(() => {
    // A state directory with no stack in it: npm start may start here, the tools find nothing.
    elsewhere = temporaryStateDir();
  });

  afterAll(() => {
    rmSync(dirname(elsewhere), { recursive: true, force: true });
  });

  it.each([
    {
      case: 'an environment variable’s bad value, blamed on the variable; the hint names npm start -- --help',
      command: ['npm', 'start'],
      env: (): Record<string, string> => ({ [STATE_DIR_ENV]: elsewhere, TOLLBOOTH_AUTHORIZER_CACHE_TTL: '-1' }),
      code: 2,
      line: 'npm start: TOLLBOOTH_AUTHORIZER_CACHE_TTL must be a duration in seconds like 600, or 15m or 1h, got "-1" (see npm start -- --help)',
    },
    {
      case: 'an unknown option under npm run: the hint is npm run token -- --help',
      command: ['npm', 'run', '-s', 'token', '--', '--scopes', 'orders:read'],
      env: () => env,
      code: 2,
      line: "tollbooth-token: unknown option '--scopes' (see npm run token -- --help)",
    },
    {
      case: 'an unknown option through the bin entry: the hint is npx tollbooth-token --help',
      command: ['tool:token', '--scopes', 'orders:read'],
      env: () => env,
      code: 2,
      line: "tollbooth-token: unknown option '--scopes' (see npx tollbooth-token --help)",
    },
    {
      case: '--exp in milliseconds',
      command: ['tool:revoke', '--jti', 'j', '--exp', '1767225600000'],
      env: () => env,
      code: 2,
      line: 'tollbooth-revoke: --exp must be a time in epoch seconds, got 1767225600000: milliseconds? use 1767225600 (see npx tollbooth-revoke --help)',
    },
    {
      case: 'a token followed by other text',
      command: ['tool:decode', 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln extra'],
      env: () => env,
      code: 2,
      line: 'tollbooth-decode: the token is followed by other text ("extra"): give the token alone (see npx tollbooth-decode --help)',
    },
    {
      case: 'no stack running',
      command: ['tool:revoke', '--sub', 'alice'],
      env: (): Record<string, string> => ({ [STATE_DIR_ENV]: elsewhere }),
      code: 1,
      line: `tollbooth-revoke: no local stack is running (none recorded in ${join('<elsewhere>', 'stacks')}): start one with npm start, or pass --table for a deployed table`,
    },
  ])('$case: exit $code, one line', async ({ command, env: environment, code, line }) => {
    // Act
    const [first, ...rest] = command;
    const result = first?.startsWith('tool:')
      ? await runTool(first.slice(5) as 'token' | 'revoke' | 'decode', rest, environment())
      : await run(first ?? 'npm', rest, environment());
    // Assert
    expect(result.code).toBe(code);
    expect(result.stdout.replace(/^\n> .*\n> .*\n\n/, '')).toBe('');
    expect(result.stderr).toBe(`${line.replace('<elsewhere>', elsewhere)}\n`);
  });

  it('catches a missing -s: TOKEN=$(npm run token …) would capture npm’s banner with the token', async () => {
    // Act: stdout is a pipe, as in $(…)
    const result = await run('npm', ['run', 'token', '--', '--scope', 'orders:read'], env);
    // Assert
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/^\n> tollbooth@[\d.]+ token\n> node dist\/bin\/tollbooth-token\.js --scope orders:read\n\n$/);
    expect(result.stderr.split('\n')).toContain(
      'tollbooth-token: npm printed its own banner on the output you are capturing, so it would not hold just the token: run npm run -s token -- … (the -s keeps npm quiet), or npx tollbooth-token … (see npm run token -- --help)',
    );
  });

  it('keeps every --scope given (--scope a --scope b), and the token carries both', async () => {
    // Act
    const minted = await runTool('token', ['--sub', 'kim', '--scope', 'orders:read', '--scope', 'orders:write'], env);
    const decoded = await runTool('decode', ['--json', minted.stdout.trim()]);
    // Assert
    expect(minted.code).toBe(0);
    expect(JSON.parse(decoded.stdout)).toMatchObject({ claims: { sub: 'kim', scope: 'orders:read orders:write' } });
    expect((await call(local.stack, 'POST', '/orders', { token: minted.stdout.trim() })).status).toBe(200);
  });

  it('refuses --revocation-cache with a configuration that turns revocation off, instead of ignoring it', async () => {
    // Prepare
    const file = join(dirname(elsewhere), 'no-revocation.json');
    writeFileSync(file, JSON.stringify({ routes: { 'orders:read': ['GET /orders'] }, revocation: { enabled: false } }));
    // Act
    const result = await run(
      'npm',
      ['start', '--', '--config', file, '--revocation-cache', '10', '--port', '0', '--issuer-port', '0', '--dynamodb-port', '0'],
      {
        [STATE_DIR_ENV]: elsewhere,
      },
    );
    // Assert
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      `npm start: cannot start: --config ${file} is not a valid configuration (1 problem):`,
      '  - --revocation-cache: the configuration turns revocation off (revocation.enabled: false), so there is no cache to set',
    ]);
  });
});
