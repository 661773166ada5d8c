/**
 * Tollbooth as its users get it: `npm pack`, the tarball installed into fresh apps outside this
 * repository — apps made by `cdk init app --generate-only` of the pinned CLI (the repository's own
 * `aws-cdk` devDependency, whose templates ship in its package: no network), as generated: their
 * package.json ranges, tsconfig, cdk.json feature flags, jest setup and sample stack and test. Into
 * the TypeScript one go the stacks of examples/multi-stack-typescript, its bin file replacing the
 * generated one; into the CommonJS JavaScript one, README's "use it in your own app" snippet
 * written with require(). Beside them, the ES-module JavaScript app of examples/esm-javascript.
 * Each is synthesized with the `cdk` CLI, offline and without AWS credentials. Then: the templates, the asset (the package's
 * own pre-built bundle with the configuration beside it) run on an event the way Lambda runs it,
 * the command-line tools through `npx`, and every TypeScript snippet of the docs compiled against
 * the installed package (as CommonJS and as ES modules) and synthesized where it is an app.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildLocalBundle, REPOSITORY_ROOT } from '../../bin/local/bundle-cache';
import { runBundle } from '../../bin/local/run-bundle';
import { startDynalite, TEST_CREDENTIALS, type Dynalite } from '../helpers/dynalite';
import { httpApiV2Event } from '../helpers/events';
import { startJwksServer, type JwksServer } from '../helpers/jwks-server';
import { generateTestKey, type TestKey } from '../helpers/keys';
import { mintToken } from '../helpers/tokens';
import { docSnippets, writeSnippetProject } from './doc-snippets';
import { CROSS_STACK_REFERENCE, expectEachApiGuardedInItsOwnStack } from './multi-stack-app';
import { copyExample, NPM_INSTALL, resources, run, type Template, templateOf, userEnvironment } from './user-app';

const exec = promisify(execFile);

const work = mkdtempSync(join(tmpdir(), 'tollbooth-package-'));
const typescriptApp = join(work, 'multi-stack-typescript');
const javascriptApp = join(work, 'esm-javascript');
const commonJsApp = join(work, 'cjs-javascript');

/** The pinned cdk CLI, as `npx aws-cdk@<pin>` would run it. */
const CDK_CLI = join(REPOSITORY_ROOT, 'node_modules', 'aws-cdk', 'bin', 'cdk');

/** `cdk init app --language <language> --generate-only` in a new folder: the layout a user starts from. */
async function cdkInit(to: string, language: 'typescript' | 'javascript'): Promise<void> {
  mkdirSync(to, { recursive: true });
  await run(process.execPath, [CDK_CLI, 'init', 'app', '--language', language, '--generate-only'], to);
}

/** The entry file the generated cdk.json runs (`bin/<folder>.ts`), which users fill in. */
function appEntry(app: string): string {
  const { app: command } = JSON.parse(readFileSync(join(app, 'cdk.json'), 'utf8')) as { app: string };
  const entry = /bin\/[\w.-]+\.[jt]s/.exec(command)?.[0];
  if (!entry) throw new Error(`no bin/ entry in the generated cdk.json's app command: ${command}`);
  return join(app, entry);
}

/** Adds the tarball to a generated app's dependencies, leaving the generated ones as they are. */
function dependOnTarball(app: string): void {
  const manifest = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  manifest.dependencies['tollbooth'] = `file:${inject('tarball')}`;
  writeFileSync(join(app, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** README's first TypeScript snippet (the "use it in your own app" one), as a CommonJS JavaScript module. */
function readmeSnippetAsCommonJs(): string {
  const [snippet] = docSnippets(REPOSITORY_ROOT).filter((candidate) => candidate.name.startsWith('README.md#'));
  if (!snippet) throw new Error('README.md has no TypeScript snippet');
  return snippet.code
    .replace(/^import \* as (\w+) from '([^']+)';$/gm, "const $1 = require('$2');")
    .replace(/^import \{ ([^}]+) \} from '([^']+)';$/gm, "const { $1 } = require('$2');");
}

/** The authorizer function of a template: the one whose description says so. */
function authorizerFunction(template: Template): [string, Template['Resources'][string]] {
  const found = resources(template, 'AWS::Lambda::Function').find(([, fn]) => fn.Properties['Description'] === 'Tollbooth JWT authorizer');
  if (!found) throw new Error('no authorizer function in the template');
  return found;
}

beforeAll(async () => {
  await Promise.all([cdkInit(typescriptApp, 'typescript'), cdkInit(commonJsApp, 'javascript')]);
  // The generated sample stack and its jest test stay, as in a user's app; the entry is the example's.
  cpSync(join(REPOSITORY_ROOT, 'examples', 'multi-stack-typescript', 'lib'), join(typescriptApp, 'lib'), { recursive: true });
  cpSync(join(REPOSITORY_ROOT, 'examples', 'multi-stack-typescript', 'bin', 'app.ts'), appEntry(typescriptApp));
  writeFileSync(appEntry(commonJsApp), readmeSnippetAsCommonJs());
  dependOnTarball(typescriptApp);
  dependOnTarball(commonJsApp);
  copyExample('esm-javascript', javascriptApp, { tollbooth: `file:${inject('tarball')}` });
  await Promise.all([run('npm', NPM_INSTALL, typescriptApp), run('npm', NPM_INSTALL, javascriptApp), run('npm', NPM_INSTALL, commonJsApp)]);
  // Synthesize as a user does: the cdk CLI, with the app command of each cdk.json.
  const synth = ['cdk', 'synth', '--quiet', '--no-notices'];
  await Promise.all([run('npx', synth, typescriptApp), run('npx', synth, javascriptApp)]);
  await run('npx', synth, commonJsApp);
}, 900_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** Synthesizes a snippet written by the CommonJS compile test, with the cdk CLI. */
async function synthesizeSnippet(fileName: string): Promise<void> {
  const output = join(work, `cdk.out-${fileName}`);
  await run(
    'npx',
    ['cdk', 'synth', '--quiet', '--no-notices', '--app', `npx tsx snippets-commonjs/${fileName}`, '--output', output],
    typescriptApp,
  );
}

describe('the packed tarball', () => {
  it('holds the compiled library, its declarations, the pre-built Lambdas and the tools, and no sources or tests', () => {
    const installed = join(typescriptApp, 'node_modules', 'tollbooth');
    const files = readdirSync(installed, { recursive: true, encoding: 'utf8' }).filter((file) => !file.includes('node_modules'));
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'dist/lib/index.js',
        'dist/types/lib/index.d.ts',
        'dist/assets/authorizer/index.mjs',
        'dist/assets/revoke/index.mjs',
        'dist/bin/tollbooth-token.js',
        'dist/bin/tollbooth-revoke.js',
        'dist/bin/tollbooth-decode.js',
      ]),
    );
    expect(files.filter((file) => /\.ts$/.test(file) && !file.endsWith('.d.ts'))).toEqual([]);
    expect(files.some((file) => file.startsWith('test/') || file.startsWith('lambdas/') || file.startsWith('lib/'))).toBe(false);
  });

  it('installs no runtime dependency besides the app’s own aws-cdk-lib and constructs', () => {
    const manifest = JSON.parse(readFileSync(join(typescriptApp, 'node_modules', 'tollbooth', 'package.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(manifest['dependencies']).toBeUndefined();
    expect(Object.keys(manifest['peerDependencies'] as object).sort()).toEqual(['aws-cdk-lib', 'constructs']);
  });
});

describe('the CommonJS TypeScript app (cdk init layout, TypeScript 7), synthesized with the cdk CLI', () => {
  it('puts each API’s authorizer and invoke permission in the API’s own stack, importing only the function ARN', () => {
    expectEachApiGuardedInItsOwnStack(typescriptApp);
  });

  it('has no dependency cycle: the Auth stack refers to no API stack, every API stack to Auth', () => {
    expect(JSON.stringify(templateOf(typescriptApp, 'Auth'))).not.toMatch(CROSS_STACK_REFERENCE);
    const manifest = JSON.parse(readFileSync(join(typescriptApp, 'cdk.out', 'manifest.json'), 'utf8')) as {
      artifacts: Record<string, { dependencies?: string[] }>;
    };
    for (const stack of ['OrdersApi', 'BillingApi', 'LegacyApi']) expect(manifest.artifacts[stack]?.dependencies).toContain('Auth');
    expect(manifest.artifacts['Auth']?.dependencies ?? []).not.toEqual(expect.arrayContaining(['OrdersApi', 'BillingApi', 'LegacyApi']));
  });

  it('grants the authorizer only BatchGetItem on its table and its logs; the revocation endpoint only its writes', () => {
    const template = templateOf(typescriptApp, 'Auth');
    const byDescription = (description: string): Array<{ Action: unknown; Condition?: unknown }> => {
      const [, fn] =
        resources(template, 'AWS::Lambda::Function').find(([, candidate]) => candidate.Properties['Description'] === description) ?? [];
      const roleId = (fn?.Properties['Role'] as { 'Fn::GetAtt': [string, string] } | undefined)?.['Fn::GetAtt'][0] ?? 'no role';
      return resources(template, 'AWS::IAM::Policy')
        .filter(([, policy]) => JSON.stringify(policy.Properties['Roles']).includes(roleId))
        .flatMap(
          ([, policy]) => (policy.Properties['PolicyDocument'] as { Statement: Array<{ Action: unknown; Condition?: unknown }> }).Statement,
        );
    };
    const actionsOf = (statements: Array<{ Action: unknown }>): string[] =>
      statements.flatMap((statement) => [statement.Action].flat().map(String)).sort();
    expect(actionsOf(byDescription('Tollbooth JWT authorizer'))).toEqual([
      'dynamodb:BatchGetItem',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
    ]);
    const revoke = byDescription('Tollbooth revocation endpoint (POST /revocations)');
    expect(actionsOf(revoke).filter((action) => action.startsWith('dynamodb:'))).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    ]);
    // Reading and moving the revocation feed's head: on feed items only.
    for (const statement of revoke.filter((candidate) => /GetItem|UpdateItem/.test(JSON.stringify(candidate.Action))))
      expect(JSON.stringify(statement.Condition)).toContain('dynamodb:LeadingKeys');
  });

  it('uses the package’s own pre-built bundle as the function’s asset, with the configuration beside it', () => {
    const [, fn] = authorizerFunction(templateOf(typescriptApp, 'Auth'));
    expect(fn.Properties).toMatchObject({ Handler: 'index.handler', Runtime: 'nodejs22.x', Architectures: ['arm64'] });
    const asset = join(typescriptApp, 'cdk.out', fn.Metadata?.['aws:asset:path'] ?? 'missing');
    const shipped = join(typescriptApp, 'node_modules', 'tollbooth', 'dist', 'assets', 'authorizer', 'index.mjs');
    expect(readFileSync(join(asset, 'index.mjs')).equals(readFileSync(shipped))).toBe(true);
    const config = JSON.parse(readFileSync(join(asset, 'tollbooth.config.json'), 'utf8')) as { routes: Record<string, string[]> };
    expect(Object.keys(config.routes).sort()).toEqual(['billing:read', 'orders:read', 'orders:write', 'tollbooth:admin']);
  });
});

describe('the apps the pinned cdk CLI generates', () => {
  const generated = (file: string): Record<string, unknown> => JSON.parse(readFileSync(join(typescriptApp, file), 'utf8'));
  const example = (file: string): Record<string, unknown> =>
    JSON.parse(readFileSync(join(REPOSITORY_ROOT, 'examples', 'multi-stack-typescript', file), 'utf8'));

  it('lays examples/multi-stack-typescript out as cdk init does: its tsconfig (less jest) and cdk.json flags', () => {
    // The example has no jest test, so no jest types; everything else is the template's.
    const { types, ...generatedOptions } = generated('tsconfig.json')['compilerOptions'] as { types: string[] };
    expect(example('tsconfig.json')['compilerOptions']).toEqual({ ...generatedOptions, types: types.filter((name) => name !== 'jest') });
    expect(example('cdk.json')['context']).toEqual(generated('cdk.json')['context']);
    expect(example('cdk.json')['watch']).toEqual(generated('cdk.json')['watch']);
    const versions = (manifest: Record<string, unknown>) => manifest['devDependencies'] as Record<string, string>;
    for (const tool of ['aws-cdk', 'typescript'])
      expect(versions(example('package.json'))[tool], tool).toBe(versions(generated('package.json'))[tool]?.replace(/^[~^]/, ''));
  });

  it('synthesizes README’s snippet written with require() in a CommonJS JavaScript app, as plain node runs it', () => {
    expect(JSON.parse(readFileSync(join(commonJsApp, 'package.json'), 'utf8'))['type']).toBeUndefined();
    expect(readFileSync(appEntry(commonJsApp), 'utf8')).toContain("require('tollbooth')");
    expect(authorizerFunction(templateOf(commonJsApp, 'Auth'))[1].Properties['Runtime']).toBe('nodejs22.x');
    expect(resources(templateOf(commonJsApp, 'Orders'), 'AWS::ApiGatewayV2::Authorizer')).toHaveLength(1);
  });
});

describe('the ES-module JavaScript app, synthesized with the cdk CLI', () => {
  it('trusts the user pool of its own stack through a deploy-time TOLLBOOTH_CONFIG and guards both routes', () => {
    const template = templateOf(javascriptApp, 'OrdersService');
    const [, fn] = authorizerFunction(template);
    const variables = (fn.Properties['Environment'] as { Variables: Record<string, unknown> }).Variables;
    const userPoolId = resources(template, 'AWS::Cognito::UserPool')[0]?.[0] ?? 'no user pool';
    expect(JSON.stringify(variables['TOLLBOOTH_CONFIG'])).toContain(`{"Ref":"${userPoolId}"}`);
    expect(resources(template, 'AWS::ApiGatewayV2::Route').every(([, route]) => route.Properties['AuthorizationType'] === 'CUSTOM')).toBe(
      true,
    );
    expect(resources(template, 'AWS::ApiGatewayV2::Authorizer')).toHaveLength(1);
  });
});

describe('the installed package at run time', () => {
  let key: TestKey;
  let jwks: JwksServer;
  let dynalite: Dynalite;

  beforeAll(async () => {
    key = await generateTestKey('ES256');
    [jwks, dynalite] = await Promise.all([startJwksServer([key.publicJwk]), startDynalite()]);
  });

  afterAll(async () => {
    await Promise.all([jwks?.close(), dynalite?.stop()]);
  });

  it('allows a granted request when the synthesized asset runs as Lambda runs it', async () => {
    // Prepare: the asset of the TypeScript app, its issuer swapped for a loopback one through the
    // environment (TOLLBOOTH_CONFIG's keys override the bundled file's), revocations in dynalite.
    const [, fn] = authorizerFunction(templateOf(typescriptApp, 'Auth'));
    const taskRoot = join(typescriptApp, 'cdk.out', fn.Metadata?.['aws:asset:path'] ?? 'missing');
    const issuer = `${jwks.origin}/issuer`;
    const { runner } = await buildLocalBundle();
    const token = await mintToken({ key, issuer, audience: 'https://api.example.com', scope: 'orders:read', subject: 'alice' });
    // Act
    const run = await runBundle({
      runner,
      taskRoot,
      event: httpApiV2Event({ authorization: `Bearer ${token}`, path: '/orders/7' }),
      env: {
        AWS_LAMBDA_FUNCTION_NAME: 'installed-package-test',
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
        AWS_ENDPOINT_URL_DYNAMODB: dynalite.endpoint,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        TOLLBOOTH_REVOCATION_TABLE: dynalite.tableName,
        TOLLBOOTH_CONFIG: JSON.stringify({
          issuers: [{ type: 'oidc', issuer, audience: ['https://api.example.com'], jwksUri: jwks.url }],
          jwks: { allowInsecureLoopbackHttp: true },
        }),
      },
    });
    // Assert
    expect(run.result.ok).toBe(true);
    const response = (run.result as { response: APIGatewayAuthorizerResult }).response;
    expect(response.principalId).toBe('alice');
    expect(response.policyDocument.Statement.some((statement) => statement.Effect === 'Allow')).toBe(true);
    expect(run.logs).not.toContain(token);
  });

  it.each([
    { tool: 'tollbooth-decode', args: ['--help'], says: 'Usage' },
    { tool: 'tollbooth-token', args: ['--help'], says: 'Usage' },
    { tool: 'tollbooth-revoke', args: ['--help'], says: 'Usage' },
  ])('runs $tool through npx from the app', async ({ tool, args, says }) => {
    const { stdout } = await run('npx', ['--no-install', tool, ...args], typescriptApp);
    expect(stdout).toContain(says);
  });

  it('revokes with the installed tollbooth-revoke in a table named by --table and --endpoint-url, credentials from the environment', async () => {
    // Act
    const { stdout } = await exec(
      'npx',
      [
        '--no-install',
        'tollbooth-revoke',
        '--table',
        dynalite.tableName,
        '--endpoint-url',
        dynalite.endpoint,
        '--region',
        'us-east-1',
      ].concat(['--iss', 'https://idp.example.com', '--sub', 'mallory']),
      {
        cwd: typescriptApp,
        env: {
          ...userEnvironment(),
          AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
          AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
        },
      },
    );
    // Assert
    expect(stdout).toMatch(/^revoked every token of sub=mallory issued before \S+ \(iss https:\/\/idp\.example\.com\) in table /);
    expect(stdout).toContain(`in table ${dynalite.tableName} at ${dynalite.endpoint}; the row expires`);
  });

  it('says in one line where the local stack runs when a tool meets none in the app', async () => {
    // Act
    const failed = await exec('npx', ['--no-install', 'tollbooth-revoke', '--sub', 'alice'], {
      cwd: typescriptApp,
      env: userEnvironment(),
    }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    // Assert: npm start in the app is the app's own script, not Tollbooth's local stack
    expect(failed?.code).toBe(1);
    expect(failed?.stderr.trim().split('\n')).toEqual([
      `tollbooth-revoke: no local stack is running (none recorded in ${join(typescriptApp, '.tollbooth', 'stacks')}): start one with npm start in a Tollbooth checkout and run this there (or set TOLLBOOTH_STATE_DIR to its .tollbooth folder), or pass --table for a deployed table`,
    ]);
  });

  it('decodes a token with the installed tollbooth-decode, saying nothing was verified', async () => {
    const token = await mintToken({ key, issuer: 'https://idp.example.com', audience: 'x', subject: 'bob' });
    const { stdout } = await run('npx', ['--no-install', 'tollbooth-decode', token], typescriptApp);
    expect(stdout).toContain('"sub": "bob"');
    expect(stdout).toContain('NOTHING WAS VERIFIED');
  });
});

describe('the TypeScript snippets of README.md and docs/', () => {
  const snippets = docSnippets(REPOSITORY_ROOT);

  it('exist', () => {
    expect(snippets.length).toBeGreaterThan(0);
  });

  beforeAll(() => {
    // The snippets beside the TypeScript app, so they resolve its node_modules: once as CommonJS,
    // once as ES modules.
    writeSnippetProject(join(typescriptApp, 'snippets-commonjs'), snippets, 'commonjs');
    writeSnippetProject(join(typescriptApp, 'snippets-esm'), snippets, 'module');
  });

  it.each([
    { module: 'CommonJS', folder: 'snippets-commonjs' },
    { module: 'ES modules', folder: 'snippets-esm' },
  ])('compile against the installed package as $module with the app’s strict settings', async ({ folder }) => {
    // tsc exits non-zero on any error, naming the snippet's file.
    await run('npx', ['tsc', '-p', folder], typescriptApp);
  });

  describe('that are apps', () => {
    const apps = snippets.filter((snippet) => snippet.isApp);
    const outputs = new Map<string, Promise<void>>();

    beforeAll(() => {
      // Two lanes (two cores): each synth is a cdk CLI start, a TypeScript load and a synthesis.
      for (const lane of [0, 1]) {
        let previous: Promise<void> = Promise.resolve();
        for (const snippet of apps.filter((_, index) => index % 2 === lane)) {
          const synthesized = previous.catch(() => undefined).then(() => synthesizeSnippet(snippet.fileName));
          // Awaited by its test; a failure must not surface as an unhandled rejection meanwhile.
          synthesized.catch(() => undefined);
          outputs.set(snippet.fileName, synthesized);
          previous = synthesized;
        }
      }
    });

    it.each(apps.map((snippet) => ({ name: snippet.name, fileName: snippet.fileName })))(
      'synthesizes $name with the cdk CLI',
      async ({ fileName }) => {
        await outputs.get(fileName);
        expect(existsSync(join(work, `cdk.out-${fileName}`, 'manifest.json'))).toBe(true);
      },
    );
  });
});
