/**
 * Tollbooth in the oldest app it promises to support: the packed tarball installed with plain
 * `npm install` (no `--legacy-peer-deps`, no `--force`) beside the lower bounds of its peer ranges
 * — aws-cdk-lib and constructs as peer-floors.ts names them — into a fresh copy of
 * examples/multi-stack-typescript, synthesized with the app's cdk CLI, offline and without AWS
 * credentials. Then the docs' TypeScript snippets and the construct library's own sources are
 * compiled against that release's declarations: an older aws-cdk-lib silently ignores a property
 * it does not know, so only the compiler shows that one the construct sets (and would lose) is
 * missing.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { REPOSITORY_ROOT } from '../../bin/local/bundle-cache';
import { docSnippets, writeSnippetProject } from './doc-snippets';
import { expectEachApiGuardedInItsOwnStack } from './multi-stack-app';
import { PEER_FLOORS } from './peer-floors';
import { copyExample, NPM_INSTALL, resources, run, templateOf } from './user-app';

const work = mkdtempSync(join(tmpdir(), 'tollbooth-peer-floor-'));
const app = join(work, 'multi-stack-typescript');

beforeAll(async () => {
  copyExample('multi-stack-typescript', app, { ...PEER_FLOORS, tollbooth: `file:${inject('tarball')}` });
  await run('npm', NPM_INSTALL, app);
  await run('npx', ['cdk', 'synth', '--quiet', '--no-notices'], app);
}, 900_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

function installedVersion(name: string): string {
  return (JSON.parse(readFileSync(join(app, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

describe(`an app on aws-cdk-lib ${PEER_FLOORS['aws-cdk-lib']} and constructs ${PEER_FLOORS.constructs}`, () => {
  it('installs the package beside exactly those releases, every peer satisfied', async () => {
    expect({ 'aws-cdk-lib': installedVersion('aws-cdk-lib'), constructs: installedVersion('constructs') }).toEqual(PEER_FLOORS);
    // npm ls exits non-zero on a missing or invalid peer.
    await run('npm', ['ls', 'tollbooth', 'aws-cdk-lib', 'constructs'], app);
  });

  it('synthesizes with each API’s authorizer and invoke permission in the API’s own stack', () => {
    expectEachApiGuardedInItsOwnStack(app);
  });

  it('deploys the functions on nodejs22.x and the revocation table with point-in-time recovery', () => {
    const template = templateOf(app, 'Auth');
    const runtimes = resources(template, 'AWS::Lambda::Function').map(([, fn]) => fn.Properties['Runtime']);
    expect(runtimes).toEqual(['nodejs22.x', 'nodejs22.x', 'nodejs22.x']);
    const tables = resources(template, 'AWS::DynamoDB::GlobalTable');
    expect(tables).toHaveLength(1);
    expect(tables[0]?.[1].Properties['Replicas']).toEqual([
      expect.objectContaining({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
    ]);
  });

  it('compiles every TypeScript snippet of README.md and docs/ against that release', async () => {
    writeSnippetProject(join(app, 'snippets'), docSnippets(REPOSITORY_ROOT), 'commonjs');
    // tsc exits non-zero on any error, naming the snippet's file.
    await run('npx', ['tsc', '-p', 'snippets'], app);
  });

  it('compiles the construct library’s sources against that release’s declarations', async () => {
    // Prepare: the repository's compiler settings, aws-cdk-lib and constructs resolved to the app's.
    const modules = join(app, 'node_modules');
    const tsconfig = join(work, 'tsconfig.floor.json');
    writeFileSync(
      tsconfig,
      JSON.stringify({
        extends: join(REPOSITORY_ROOT, 'tsconfig.json'),
        compilerOptions: {
          typeRoots: [join(REPOSITORY_ROOT, 'node_modules', '@types')],
          paths: {
            'aws-cdk-lib': [join(modules, 'aws-cdk-lib', 'index.d.ts')],
            'aws-cdk-lib/*': [join(modules, 'aws-cdk-lib', '*', 'index.d.ts')],
            constructs: [join(modules, 'constructs', 'lib', 'index.d.ts')],
          },
        },
        // What the package's entry reaches: the public constructs and everything they use.
        files: [join(REPOSITORY_ROOT, 'lib', 'index.ts')],
        include: [],
      }),
    );
    // Act, Assert: tsc exits non-zero on an unknown property or a missing member, naming it.
    await run('npx', ['tsc', '-p', tsconfig], REPOSITORY_ROOT);
  });
});
