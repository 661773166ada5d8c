/**
 * A Tollbooth Lambda function (the authorizer, the revocation endpoint): a `lambda.Function` whose
 * code comes from `lambda-code.ts` (the package's pre-built bundle, or this checkout's sources)
 * with the shared configuration file written into it, every environment variable the code reads
 * declared, its own log group, and a role that may write to that log group and nothing else —
 * table access is granted by `TollboothAuthorizer`, per function.
 *
 * Every variable is declared, even when empty, because `sam local invoke --env-vars` only
 * overrides variables the template already declares. Empty values are ignored by their readers
 * (`lambdas/core/config/environment.ts`; the AWS SDK for `AWS_ENDPOINT_URL_DYNAMODB`).
 */
import type { CfnResource, Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { CONFIG_ENV } from '../lambdas/core/config/environment';
import { LAMBDA_NODE_MAJOR } from './bundling';
import { type LambdaEntry, tollboothLambdaCode } from './lambda-code';
import { acknowledgeNagFinding } from './nag-acknowledgement';

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
export type TollboothLogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

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
  readonly logLevel: TollboothLogLevel;
  /** Concurrent executions reserved for the function; `undefined` leaves it on the account's pool. */
  readonly reservedConcurrentExecutions: number | undefined;
}

/** What distinguishes one Tollbooth function from another. */
export interface TollboothFunctionProps extends TollboothFunctionSettings {
  /** Which Lambda this is. */
  readonly entry: LambdaEntry;
  /** `POWERTOOLS_SERVICE_NAME`: the service in every log line. */
  readonly serviceName: string;
  readonly description: string;
  /** What the role is for, in one sentence. */
  readonly roleDescription: string;
  /** Variables beyond {@link COMMON_ENVIRONMENT}. */
  readonly extraEnvironment?: Readonly<Record<string, string>>;
}

/** A Tollbooth Lambda function; see the file comment. */
export class TollboothFunction extends lambda.Function {
  /** What is written to `tollbooth.config.json` in the bundle. */
  readonly configFile: Readonly<Record<string, unknown>>;

  constructor(scope: Construct, id: string, props: TollboothFunctionProps) {
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, { retention: props.logRetention });
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: props.roleDescription,
    });
    logGroup.grantWrite(role);
    super(scope, id, {
      code: tollboothLambdaCode(props.entry, JSON.stringify(props.configFile)),
      handler: 'index.handler',
      runtime: props.runtime,
      architecture: props.architecture,
      memorySize: props.memorySize,
      timeout: props.timeout,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
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
    });
    this.configFile = props.configFile;
    // cdk-nag's AwsSolutions-L1 asks for the newest Node.js runtime; the bundle targets this one.
    // A runtime the user picked is theirs to answer for, so only the target runtime is acknowledged.
    if (props.runtime.name === `nodejs${LAMBDA_NODE_MAJOR}.x`) {
      acknowledgeNagFinding(
        this.node.defaultChild as CfnResource,
        'AwsSolutions-L1',
        `Tollbooth's bundle targets nodejs${LAMBDA_NODE_MAJOR}.x, the runtime its tests cover; pass the construct's runtime property to run a newer one.`,
      );
    }
  }
}

/** The Lambda runtime matching the bundle's target (`LAMBDA_NODE_MAJOR`). */
export function defaultTollboothRuntime(): lambda.Runtime {
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
