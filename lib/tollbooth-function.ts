/**
 * A Tollbooth Lambda function (the authorizer, the revocation endpoint): `NodejsFunction` with the
 * bundling settings of `lib/bundling.ts` (the one definition `npm run invoke` and the benchmarks
 * use too), the shared configuration file written into the bundle, every environment variable
 * the code reads declared, its own log group, and a role that may write to that log group and
 * nothing else — table access is granted by `TollboothAuthorizer`, per function.
 *
 * Every variable is declared, even when empty, because `sam local invoke --env-vars` only
 * overrides variables the template already declares. Empty values are ignored by their readers
 * (`lambdas/core/config/environment.ts`; the AWS SDK for `AWS_ENDPOINT_URL_DYNAMODB`).
 */
import { fileURLToPath } from 'node:url';
import type { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { CONFIG_ENV, DEFAULT_CONFIG_FILE_NAME } from '../lambdas/core/config/environment';
import { LAMBDA_ENTRIES, LAMBDA_ESBUILD_OPTIONS, LAMBDA_NODE_MAJOR } from './bundling';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');

/** The largest configuration file the construct writes (it travels base64-encoded in one shell command). */
export const MAX_CONFIG_FILE_BYTES = 64 * 1024;

/** Every environment variable both functions read, declared on each. */
export const COMMON_ENVIRONMENT = [
  CONFIG_ENV.file,
  CONFIG_ENV.inline,
  CONFIG_ENV.revocationTable,
  'AWS_ENDPOINT_URL_DYNAMODB',
  'POWERTOOLS_LOG_LEVEL',
  'POWERTOOLS_SERVICE_NAME',
  'NODE_OPTIONS',
] as const;

/** Powertools Logger levels. */
export type AuthorizerLogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/** Properties every Tollbooth function takes. */
export interface TollboothFunctionSettings {
  /** Contents of `tollbooth.config.json`, written beside the bundle. */
  readonly configFile: Readonly<Record<string, unknown>>;
  /** `TOLLBOOTH_CONFIG`: JSON with deploy-time values, or empty. */
  readonly inlineConfig: string;
  /** `TOLLBOOTH_REVOCATION_TABLE`, or empty when revocation is off. */
  readonly revocationTableName: string;
  readonly runtime: lambda.Runtime;
  readonly architecture: lambda.Architecture;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly logRetention: logs.RetentionDays;
  readonly logLevel: AuthorizerLogLevel;
}

/** What distinguishes one Tollbooth function from another. */
export interface TollboothFunctionProps extends TollboothFunctionSettings {
  /** Which Lambda entry of `lib/bundling.ts` to bundle. */
  readonly entry: keyof typeof LAMBDA_ENTRIES;
  /** `POWERTOOLS_SERVICE_NAME`: the service in every log line. */
  readonly serviceName: string;
  readonly description: string;
  /** What the role is for, in one sentence. */
  readonly roleDescription: string;
  /** Variables beyond {@link COMMON_ENVIRONMENT}. */
  readonly extraEnvironment?: Readonly<Record<string, string>>;
}

/** A Tollbooth Lambda function; see the file comment. */
export class TollboothFunction extends NodejsFunction {
  /** What is written to `tollbooth.config.json` in the bundle. */
  readonly configFile: Readonly<Record<string, unknown>>;

  constructor(scope: Construct, id: string, props: TollboothFunctionProps) {
    const configJson = JSON.stringify(props.configFile);
    if (Buffer.byteLength(configJson) > MAX_CONFIG_FILE_BYTES) {
      throw new Error(
        `${scope.node.path}/${id}: the authorizer configuration is ${Buffer.byteLength(configJson)} bytes; at most ${MAX_CONFIG_FILE_BYTES} are supported (use route wildcards to shorten the scope map)`,
      );
    }
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, { retention: props.logRetention });
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: props.roleDescription,
    });
    logGroup.grantWrite(role);
    super(scope, id, {
      // Resolved from this file, so apps that consume the construct from elsewhere still find the code.
      entry: fileURLToPath(new URL(`../${LAMBDA_ENTRIES[props.entry]}`, import.meta.url)),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}/package-lock.json`,
      runtime: props.runtime,
      architecture: props.architecture,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role,
      logGroup,
      description: props.description,
      environment: {
        [CONFIG_ENV.file]: '',
        [CONFIG_ENV.inline]: props.inlineConfig,
        [CONFIG_ENV.revocationTable]: props.revocationTableName,
        AWS_ENDPOINT_URL_DYNAMODB: '',
        POWERTOOLS_LOG_LEVEL: props.logLevel,
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        // Source maps are shipped so stack traces point at TypeScript; Node only uses them when asked.
        NODE_OPTIONS: '--enable-source-maps',
        ...props.extraEnvironment,
      } satisfies Record<(typeof COMMON_ENVIRONMENT)[number], string>,
      bundling: {
        ...lambdaBundlingOptions(),
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_inputDir, outputDir) => [writeFileCommand(`${outputDir}/${DEFAULT_CONFIG_FILE_NAME}`, configJson)],
        },
      },
    });
    this.configFile = props.configFile;
  }
}

/** The Lambda runtime matching the bundle's target (`LAMBDA_NODE_MAJOR`). */
export function defaultAuthorizerRuntime(): lambda.Runtime {
  const name = `nodejs${LAMBDA_NODE_MAJOR}.x`;
  const runtime = lambda.Runtime.ALL.find((candidate) => candidate.name === name);
  if (!runtime) throw new Error(`aws-cdk-lib does not know the Lambda runtime ${name}`);
  return runtime;
}

/** The major Node.js version of a Lambda runtime, or `undefined` for non-Node.js runtimes. */
export function nodeMajorOf(runtime: lambda.Runtime): number | undefined {
  const match = /^nodejs(\d+)\.x$/.exec(runtime.name);
  return runtime.family === lambda.RuntimeFamily.NODEJS && match ? Number(match[1]) : undefined;
}

type EsbuildOptions = typeof LAMBDA_ESBUILD_OPTIONS;

/**
 * How each esbuild option of `lib/bundling.ts` reaches `NodejsFunction`. The `satisfies` clause
 * makes an option added there a compile error here until it is mapped.
 */
const ESBUILD_TO_NODEJS = {
  // NodejsFunction always passes --bundle and --platform=node.
  bundle: () => ({}),
  platform: () => ({}),
  format: (format) => ({ format: format === 'esm' ? OutputFormat.ESM : OutputFormat.CJS }),
  target: (target) => ({ target }),
  mainFields: (fields) => ({ mainFields: [...fields] }),
  // The AWS SDK is bundled (NodejsFunction excludes it unless told); the only externals are the
  // credential providers Lambda never loads (NEVER_LOADED_IN_LAMBDA in lib/bundling.ts).
  external: (external) => ({ externalModules: [...external], bundleAwsSDK: true }),
  minify: (minify) => ({ minify }),
  keepNames: (keepNames) => ({ keepNames }),
  sourcemap: (sourceMap) => ({ sourceMap }),
  sourcesContent: (sourcesContent) => ({ sourcesContent }),
  treeShaking: (treeShaking) => ({ esbuildArgs: { '--tree-shaking': String(treeShaking) } }),
  banner: (banner) => ({ banner: banner.js }),
  // NodejsFunction names an ES-module bundle index.mjs by itself.
  outExtension: () => ({}),
  legalComments: (legalComments) => ({ esbuildArgs: { '--legal-comments': legalComments } }),
} satisfies { [K in keyof EsbuildOptions]: (value: EsbuildOptions[K]) => Partial<BundlingOptions> };

/** `NodejsFunction` bundling options equivalent to `LAMBDA_ESBUILD_OPTIONS`. */
export function lambdaBundlingOptions(): BundlingOptions {
  let options: Record<string, unknown> = {};
  let esbuildArgs: Record<string, string> = {};
  for (const key of Object.keys(LAMBDA_ESBUILD_OPTIONS) as (keyof EsbuildOptions)[]) {
    const map = ESBUILD_TO_NODEJS[key] as (value: unknown) => Partial<BundlingOptions>;
    const mapped = map(LAMBDA_ESBUILD_OPTIONS[key]);
    const { esbuildArgs: args, ...rest } = mapped;
    options = { ...options, ...rest };
    esbuildArgs = { ...esbuildArgs, ...(args as Record<string, string> | undefined) };
  }
  return { ...options, esbuildArgs } as BundlingOptions;
}

/** A shell command writing `content` to `path`, safe for any content (base64) and any path (quoted). */
function writeFileCommand(path: string, content: string): string {
  const script = "require('node:fs').writeFileSync(process.argv[1], Buffer.from(process.argv[2], 'base64'))";
  return `node -e "${script}" ${shellQuote(path)} ${Buffer.from(content).toString('base64')}`;
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
