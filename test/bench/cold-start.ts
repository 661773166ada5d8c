/**
 * Table 3 — cold start: the shipped bundle, built exactly as the CDK construct builds it (the
 * esbuild API with `LAMBDA_ESBUILD_OPTIONS` from lib/bundling.ts), its size, how long `node`
 * takes to load it against `node -e 0`, and the init and first requests timed from inside.
 */
import { fork, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Metafile, type Plugin } from 'esbuild';
import { LAMBDA_ENTRIES, LAMBDA_ESBUILD_OPTIONS } from '../../lib/bundling';
import { TEST_CREDENTIALS } from '../helpers/dynalite';
import { httpApiV2Event } from '../helpers/events';
import { BENCH_ROUTES } from './lib/authorizers';
import type { ProbeResult } from './lib/cold-start-probe';
import { startDynaliteProcess } from './lib/dynalite-process';
import { BENCH_AUDIENCE, benchIssuer, generateBenchKeys, signToken, startBenchJwks } from './lib/fixtures';
import { formatRatio, median } from './lib/measure';
import { progress, runTable, type Budget } from './lib/report';

const GZIP_BUDGET_BYTES = 120 * 1024;
const SPAWN_ROUNDS = 15;
const PROBE_RUNS = 7;

await runTable('cold-start', 'Cold start: the shipped bundle', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'tollbooth-bench-'));
  try {
    progress('building the bundle with LAMBDA_ESBUILD_OPTIONS');
    const { bundlePath, metafile } = await buildBundle(directory);
    // Reference only, never shipped: the same bundle with the DynamoDB client replaced by a stub,
    // to show how much of the start-up is the AWS SDK's.
    const withoutSdkPath = await buildBundleWithoutSdk(directory);
    const raw = readFileSync(bundlePath);
    const gzipBytes = gzipSync(raw).length;
    const mapBytes = statSync(`${bundlePath}.map`).size;

    const keys = generateBenchKeys();
    const jwks = await startBenchJwks(keys);
    const dynamo = await startDynaliteProcess();
    const issuer = benchIssuer(jwks);
    const configJson = (hydrate: boolean): string =>
      JSON.stringify({
        issuers: [{ type: 'oidc', issuer, audience: [BENCH_AUDIENCE], jwksUri: jwks.url }],
        routes: BENCH_ROUTES,
        jwks: { allowInsecureLoopbackHttp: true, hydrateOnColdStart: hydrate },
        revocation: { tableName: dynamo.tableName },
      });
    const lambdaLikeEnv = (hydrate: boolean): NodeJS.ProcessEnv => ({
      PATH: process.env['PATH'],
      TOLLBOOTH_CONFIG: configJson(hydrate),
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    });

    progress(`timing process start, ${SPAWN_ROUNDS} interleaved rounds`);
    const variants: Array<{ name: string; args: string[]; env: NodeJS.ProcessEnv }> = [
      { name: 'node -e 0', args: ['-e', '0'], env: { PATH: process.env['PATH'] } },
      { name: 'node bundle.mjs (no configuration: module evaluation only)', args: [bundlePath], env: { PATH: process.env['PATH'] } },
      { name: 'node bundle.mjs (configured: authorizer built, no JWKS fetch)', args: [bundlePath], env: lambdaLikeEnv(false) },
      { name: 'node --enable-source-maps bundle.mjs (configured)', args: ['--enable-source-maps', bundlePath], env: lambdaLikeEnv(false) },
      { name: 'reference: same bundle, DynamoDB client stubbed out (configured)', args: [withoutSdkPath], env: lambdaLikeEnv(false) },
    ];
    const spawnMs = new Map<string, number[]>(variants.map((variant) => [variant.name, []]));
    for (let round = 0; round < SPAWN_ROUNDS + 1; round++) {
      for (let k = 0; k < variants.length; k++) {
        const variant = variants[(k + round) % variants.length];
        if (!variant) continue;
        const started = performance.now();
        const result = spawnSync(process.execPath, variant.args, { env: variant.env, stdio: ['ignore', 'ignore', 'pipe'] });
        const elapsed = performance.now() - started;
        if (result.status !== 0) throw new Error(`${variant.name} failed: ${result.stderr.toString()}`);
        // Round 0 warms the file cache and is not counted.
        if (round > 0) spawnMs.get(variant.name)?.push(elapsed);
      }
    }
    const baseMs = median(spawnMs.get('node -e 0') ?? []);

    progress(`timing init and first requests from inside, ${PROBE_RUNS} fresh processes`);
    const probePath = await buildProbe(directory);
    const tokens = [signToken(keys.RS256, { issuer, subject: 'cold-1' }), signToken(keys.RS256, { issuer, subject: 'cold-2' })];
    const events = [...tokens, tokens[1] ?? ''].map((token) =>
      httpApiV2Event({ authorization: `Bearer ${token}`, method: 'GET', path: '/orders/42' }),
    );
    const probes: ProbeResult[] = [];
    for (let run = 0; run < PROBE_RUNS; run++) {
      probes.push(await runProbe(probePath, bundlePath, events, lambdaLikeEnv(true)));
    }
    dynamo.stop();
    await jwks.close();

    const probeMedian = (pick: (probe: ProbeResult) => number): number => median(probes.map(pick));
    const builtins = (probes[0]?.builtins ?? []).filter((name) => !name.startsWith('internal/'));
    const spawnRow = (name: string): string[] => {
      const ms = median(spawnMs.get(name) ?? []);
      return [name, `${ms.toFixed(1)} ms`, formatRatio(ms / baseMs)];
    };
    const configuredRatio = median(spawnMs.get(variants[2]?.name ?? '') ?? []) / baseMs;
    const bareRatio = median(spawnMs.get(variants[1]?.name ?? '') ?? []) / baseMs;

    const budgets: Budget[] = [
      {
        name: 'Bundle with the DynamoDB client, gzip',
        target: '≤ 120 KiB',
        measured: `${kib(gzipBytes)} (${kib(raw.length)} raw)`,
        pass: gzipBytes <= GZIP_BUDGET_BYTES,
      },
      {
        name: '`node bundle.mjs` against `node -e 0`',
        target: '≤ 2.0×',
        measured: `${formatRatio(configuredRatio)} configured, ${formatRatio(bareRatio)} bare`,
        pass: configuredRatio <= 2 && bareRatio <= 2,
        note: 'process spawn to exit, medians',
      },
    ];
    return {
      columns: ['Measure', 'Value', '× node -e 0'],
      rows: [
        ['bundle, raw', kib(raw.length), ''],
        ['bundle, gzip', kib(gzipBytes), ''],
        ['source map (separate file)', kib(mapBytes), ''],
        ...[...spawnMs.keys()].map(spawnRow),
        ['in-process: Node bootstrap before the handler module', `${probeMedian((probe) => probe.bootstrapMs).toFixed(1)} ms`, ''],
        [
          'in-process: import + init (config, verifiers, DynamoDB client, JWKS hydrate over HTTP)',
          `${probeMedian((probe) => probe.importMs).toFixed(1)} ms`,
          '',
        ],
        [
          'in-process: first request (new token: verify + DynamoDB read)',
          `${probeMedian((probe) => probe.requestMs[0] ?? Number.NaN).toFixed(2)} ms`,
          '',
        ],
        ['in-process: second request (another new token)', `${probeMedian((probe) => probe.requestMs[1] ?? Number.NaN).toFixed(2)} ms`, ''],
        ['in-process: third request (repeated token)', `${probeMedian((probe) => probe.requestMs[2] ?? Number.NaN).toFixed(2)} ms`, ''],
      ],
      budgets,
      figures: { rawBytes: raw.length, gzipBytes, mapBytes, baseMs, configuredRatio, bareRatio },
      notes: [
        `Built with esbuild's API and \`LAMBDA_ESBUILD_OPTIONS\` (lib/bundling.ts), entry \`${LAMBDA_ENTRIES.authorizer}\`; gzip at zlib's default level.`,
        `Largest inputs in the bundle: ${largestPackages(metafile, 8)}.`,
        `Process rows: ${SPAWN_ROUNDS} interleaved rounds of fresh \`node\` processes, spawn to exit, medians; "configured" reads TOLLBOOTH_CONFIG and builds the authorizer and its DynamoDB client (JWKS hydration off: no network). NodejsFunction sets NODE_OPTIONS=--enable-source-maps when source maps are on, hence that row.`,
        `In-process rows: ${PROBE_RUNS} fresh processes running the bundle with JWKS hydration over loopback HTTP and dynalite as the table; requests are HTTP API payload 2.0 events, with the decision log and EMF lines written as deployed.`,
        `Node built-ins the import loads: ${builtins.join(', ')}.`,
        'Every process runs with a clean environment, as in Lambda. NODE_EXTRA_CA_CERTS (set on some machines, not by Lambda) makes Node read a CA bundle at start, ~35 ms more for every process including `node -e 0`, which would flatter the ratios.',
      ],
    };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

async function buildBundle(directory: string): Promise<{ bundlePath: string; metafile: Metafile }> {
  const result = await build({
    ...LAMBDA_ESBUILD_OPTIONS,
    entryPoints: [LAMBDA_ENTRIES.authorizer],
    outdir: directory,
    metafile: true,
    logLevel: 'warning',
  });
  return { bundlePath: join(directory, 'index.mjs'), metafile: result.metafile };
}

/** The bundle with `@aws-sdk/client-dynamodb` replaced by a stub: a reference row, never shipped. */
async function buildBundleWithoutSdk(directory: string): Promise<string> {
  const stub: Plugin = {
    name: 'stub-dynamodb-client',
    setup(plugin) {
      plugin.onResolve({ filter: /^@aws-sdk\/client-dynamodb$/ }, (args) => ({ path: args.path, namespace: 'stub' }));
      plugin.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({
        contents:
          'export class DynamoDBClient { send() { throw new Error("stub"); } } export class BatchGetItemCommand { constructor(input) { this.input = input; } }',
        loader: 'js',
      }));
    },
  };
  const outdir = join(directory, 'without-sdk');
  await build({ ...LAMBDA_ESBUILD_OPTIONS, entryPoints: [LAMBDA_ENTRIES.authorizer], outdir, plugins: [stub], logLevel: 'warning' });
  return join(outdir, 'index.mjs');
}

/** Compiles the probe to plain JavaScript, so the child runs without tsx's loader hooks. */
async function buildProbe(directory: string): Promise<string> {
  const outfile = join(directory, 'probe.mjs');
  await build({
    entryPoints: [new URL('./lib/cold-start-probe.ts', import.meta.url).pathname],
    outfile,
    bundle: false,
    platform: 'node',
    format: 'esm',
    logLevel: 'warning',
  });
  return outfile;
}

function runProbe(probePath: string, bundlePath: string, events: readonly unknown[], env: NodeJS.ProcessEnv): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    const child = fork(probePath, [], {
      execArgv: [],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      env: { ...env, PROBE_BUNDLE_URL: pathToFileURL(bundlePath).href, PROBE_EVENTS: JSON.stringify(events) },
    });
    child.once('message', (message: ProbeResult) => resolve(message));
    child.once('exit', (code) => reject(new Error(`probe exited with code ${code} before reporting`)));
  });
}

function largestPackages(metafile: Metafile, count: number): string {
  const bytes = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const name = packageOf(input);
      bytes.set(name, (bytes.get(name) ?? 0) + bytesInOutput);
    }
  }
  return [...bytes.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, size]) => `${name} ${kib(size)}`)
    .join(', ');
}

function packageOf(input: string): string {
  const inNodeModules = input.split('node_modules/').pop() ?? input;
  if (inNodeModules === input) return 'Tollbooth';
  const [scope, name] = inNodeModules.split('/');
  return scope?.startsWith('@') ? `${scope}/${name}` : (scope ?? input);
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}
