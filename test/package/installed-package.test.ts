/**
 * Tollbooth as its users get it: `npm pack`, the tarball installed into fresh apps outside this
 * repository — the CommonJS TypeScript app of examples/multi-stack-typescript (laid out as
 * `cdk init app --language typescript` lays one out, type-checked by TypeScript 7 as cdk init now
 * pins) and the ES-module JavaScript app of examples/esm-javascript — each synthesized with the
 * `cdk` CLI, offline and without AWS credentials. Then: the templates, the asset (the package's
 * own pre-built bundle with the configuration beside it) run on an event the way Lambda runs it,
 * the command-line tools through `npx`, and every TypeScript snippet of the docs compiled against
 * the installed package (as CommonJS and as ES modules) and synthesized where it is an app.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
import { copyExample, NPM_INSTALL, resources, run, type Template, templateOf } from './user-app';

const work = mkdtempSync(join(tmpdir(), 'tollbooth-package-'));
const typescriptApp = join(work, 'multi-stack-typescript');
const javascriptApp = join(work, 'esm-javascript');

/** The authorizer function of a template: the one whose description says so. */
function authorizerFunction(template: Template): [string, Template['Resources'][string]] {
  const found = resources(template, 'AWS::Lambda::Function').find(([, fn]) => fn.Properties['Description'] === 'Tollbooth JWT authorizer');
  if (!found) throw new Error('no authorizer function in the template');
  return found;
}

beforeAll(async () => {
  const tollbooth = { tollbooth: `file:${inject('tarball')}` };
  copyExample('multi-stack-typescript', typescriptApp, tollbooth);
  copyExample('esm-javascript', javascriptApp, tollbooth);
  await Promise.all([run('npm', NPM_INSTALL, typescriptApp), run('npm', NPM_INSTALL, javascriptApp)]);
  // Synthesize as a user does: the cdk CLI, with the app command of each cdk.json.
  const synth = ['cdk', 'synth', '--quiet', '--no-notices'];
  await Promise.all([run('npx', synth, typescriptApp), run('npx', synth, javascriptApp)]);
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
