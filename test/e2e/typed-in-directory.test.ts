/**
 * Paths given to `npm start` and `npm run invoke` mean the directory the command was typed in.
 * npm runs scripts from the package's root whatever the directory, so `npm start -- --config
 * tollbooth.json` typed in a sub-directory must still find the file next to the user (npm passes
 * that directory in INIT_CWD); so must an event file given to `npm run invoke`.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWS_SDK_NOTICE_OFF } from '../../bin/local/aws-sdk-notice';
import { STATE_DIR_ENV } from '../../bin/local/state-dir';
import { PROJECT_ROOT, temporaryStateDir, type ProcessResult } from '../helpers/local-stack';

let typedIn: string;
let stateDir: string;

beforeAll(() => {
  // A sub-directory of the project (node_modules is ignored by git), as a user's `cd docs` would be.
  mkdirSync(join(PROJECT_ROOT, 'node_modules', '.cache'), { recursive: true });
  typedIn = mkdtempSync(join(PROJECT_ROOT, 'node_modules', '.cache', 'tollbooth-typed-in-'));
  stateDir = temporaryStateDir();
});

afterAll(() => {
  rmSync(typedIn, { recursive: true, force: true });
  rmSync(dirname(stateDir), { recursive: true, force: true });
});

/** `npm <args>` typed in `cwd`, as from a terminal there: no INIT_CWD inherited from this test's own npm. */
function npmIn(cwd: string, args: readonly string[]): Promise<ProcessResult> {
  const { INIT_CWD: _inherited, ...env } = process.env;
  return new Promise((resolve, reject) => {
    const child = spawn('npm', [...args], { cwd, env: { ...env, ...AWS_SDK_NOTICE_OFF, [STATE_DIR_ENV]: stateDir }, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('a relative path typed in a sub-directory of the project', () => {
  it('is read there by npm start -- --config (its problems are the file’s, not "no such file")', async () => {
    // Prepare: a file only in the sub-directory, which does not validate, so npm start ends at once
    writeFileSync(join(typedIn, 'mine.json'), JSON.stringify({ routes: { 'orders:read': ['FETCH /orders'] } }));
    // Act
    const result = await npmIn(typedIn, [
      'start',
      '--',
      '--config',
      'mine.json',
      '--port',
      '0',
      '--issuer-port',
      '0',
      '--dynamodb-port',
      '0',
    ]);
    // Assert
    expect(result.code).toBe(1);
    expect(result.stderr).not.toContain('no such file');
    expect(result.stderr).toContain('"FETCH /orders" has unknown method "FETCH"');
  });

  it('is read there by npm run invoke', async () => {
    // Prepare
    writeFileSync(
      join(typedIn, 'no-token.json'),
      JSON.stringify({
        type: 'TOKEN',
        methodArn: 'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/prod/GET/orders',
        authorizationToken: '',
      }),
    );
    // Act
    const result = await npmIn(typedIn, ['run', '-s', 'invoke', '--', 'no-token.json']);
    // Assert: the authorizer ran on it (a REST 401 is its answer)
    expect(result.stderr).not.toContain('no such file');
    expect(result.stderr).toContain('invoke: no-token.json → unauthorized (missing_token)');
  });
});
