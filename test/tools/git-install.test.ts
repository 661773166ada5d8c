/**
 * Installing Tollbooth straight from git, as docs/attach.md offers (`npm install git+https://…`):
 * npm clones the repository, installs its devDependencies in that clone and runs its `prepare`
 * script (the build), then packs the result as `npm pack` would. Here the repository's own
 * committed HEAD is installed through `git+file://` into a copy of examples/esm-javascript, whose
 * app is then synthesized with the cdk CLI, offline and without AWS credentials. What is proved:
 * a git install builds (no dist/ is committed), ships the same files a tarball does, drags none of
 * the build's devDependencies into the app, and works.
 *
 * Uncommitted changes are not in HEAD, so this checks the last commit: slow (a full devDependency
 * install in the clone), which is why it sits with the other real-software tests.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPOSITORY_ROOT } from '../../bin/local/bundle-cache';
import { toolEnvironment } from '../helpers/npm-tool';

const exec = promisify(execFile);

const work = mkdtempSync(join(tmpdir(), 'tollbooth-git-install-'));
const app = join(work, 'app');
let commit: string;

async function run(command: string, args: readonly string[], cwd: string): Promise<string> {
  try {
    const env = toolEnvironment({ AWS_EC2_METADATA_DISABLED: 'true', CDK_DISABLE_CLI_TELEMETRY: 'true' });
    return (await exec(command, [...args], { cwd, env, maxBuffer: 64 * 1024 * 1024, timeout: 600_000 })).stdout;
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `${command} ${args.join(' ')} failed in ${cwd}:\n${failed.stderr ?? failed.message}\n${failed.stdout ?? ''}`.slice(0, 8000),
    );
  }
}

beforeAll(async () => {
  commit = (await run('git', ['rev-parse', 'HEAD'], REPOSITORY_ROOT)).trim();
  cpSync(join(REPOSITORY_ROOT, 'examples', 'esm-javascript'), app, {
    recursive: true,
    filter: (path) => !/node_modules|cdk\.out/.test(path),
  });
  const manifest = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  manifest.dependencies['tollbooth'] = `git+file://${REPOSITORY_ROOT.replace(/\/$/, '')}#${commit}`;
  writeFileSync(join(app, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], app);
  await run('npx', ['cdk', 'synth', '--quiet', '--no-notices'], app);
}, 900_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('npm install git+file://<repository>#<commit>', () => {
  it('builds the package through prepare: the compiled library, the pre-built Lambdas and the tools', () => {
    const installed = join(app, 'node_modules', 'tollbooth');
    for (const file of [
      'dist/lib/index.js',
      'dist/types/lib/index.d.ts',
      'dist/assets/authorizer/index.mjs',
      'dist/assets/revoke/index.mjs',
      'dist/assets/flusher/index.mjs',
      'dist/bin/tollbooth-revoke.js',
    ])
      expect(existsSync(join(installed, file)), file).toBe(true);
    expect(existsSync(join(installed, 'lambdas')) || existsSync(join(installed, 'test'))).toBe(false);
  });

  it('brings none of the build’s devDependencies into the app', () => {
    for (const tool of ['esbuild', 'vitest', 'aws-jwt-verify', 'dynalite', 'tsx'])
      expect(existsSync(join(app, 'node_modules', tool)), tool).toBe(false);
  });

  it('synthesizes the app with the cdk CLI, the authorizer on the package’s own bundle', () => {
    const template = JSON.parse(readFileSync(join(app, 'cdk.out', 'OrdersService.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown>; Metadata?: Record<string, string> }>;
    };
    const authorizer = Object.values(template.Resources).find(
      (resource) => resource.Type === 'AWS::Lambda::Function' && resource.Properties['Description'] === 'Tollbooth JWT authorizer',
    );
    const asset = join(app, 'cdk.out', authorizer?.Metadata?.['aws:asset:path'] ?? 'missing', 'index.mjs');
    const shipped = join(app, 'node_modules', 'tollbooth', 'dist', 'assets', 'authorizer', 'index.mjs');
    expect(readFileSync(asset).equals(readFileSync(shipped))).toBe(true);
  });
});
