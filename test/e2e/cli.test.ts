/**
 * The command-line tools as a user runs them: child processes running the package's `bin` entries
 * (the compiled tools in `dist/bin/`, what `npx tollbooth-<name>` executes), against a local stack started in this test and
 * described by a state file in a temporary directory. Good arguments do the job; bad ones exit 2
 * with one line naming the problem. Every argument rule, and the missing-stack exit 1, are
 * tabled in-process in test/unit/local/commands.test.ts; spawning is kept to one case each.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATE_DIR_ENV } from '../../bin/local/state-dir';
import { call, run, runTool, startTestStack, type TestStack } from '../helpers/local-stack';

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
  });
});
