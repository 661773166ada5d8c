/**
 * The deployable sample: an HTTP API whose routes are protected by scopes through
 * `TollboothAuthorizer`, a backend that echoes what the authorizer decided, the revocation table
 * with its admin endpoint (`POST /revocations`), and — unless an issuer of your own is given — a
 * Cognito user pool to get tokens from.
 *
 * Routes and scopes come from `sample-config.ts`, shared with `npm start`, so what runs locally
 * is what `cdk deploy` deploys.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CfnOutput, Stack, Validations, type Duration, type StackProps } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { HttpApiResponseMode } from '../lambdas/core/config/config';
import { LAMBDA_NODE_MAJOR } from './bundling';
import { ADMIN_SCOPE, SAMPLE_PUBLIC_ROUTES, SAMPLE_SCOPE_ROUTES } from './sample-config';
import { SampleUserPool } from './sample-user-pool';
import { TollboothAuthorizer } from './tollbooth-authorizer';
import { defaultTollboothRuntime } from './tollbooth-function';
import type { TrustedIssuer } from './trusted-issuer';

/** The authorizer function's logical id: what `sam local invoke` is given. */
export const AUTHORIZER_FUNCTION_LOGICAL_ID = 'TollboothAuthorizerFunction';

/** Properties of a {@link TollboothStack}. */
export interface TollboothStackProps extends StackProps {
  /**
   * Trusted issuers.
   *
   * @default - a Cognito user pool created by this stack, with a client-credentials app client
   */
  readonly issuers?: readonly TrustedIssuer[];

  /**
   * Scope → routes. Must cover the sample routes to be useful.
   *
   * @default - `SAMPLE_SCOPE_ROUTES` (with the user pool's `tollbooth/` prefix when the stack creates the pool)
   */
  readonly scopeRoutes?: { readonly [scope: string]: readonly string[] };

  /**
   * Other settings of the authorizer's configuration.
   *
   * @default - none
   */
  readonly advancedConfig?: { readonly [key: string]: unknown };

  /**
   * How the HTTP API authorizer answers.
   *
   * @default 'iam'
   */
  readonly httpApiResponseMode?: HttpApiResponseMode;

  /**
   * Check tokens against the revocation table.
   *
   * @default true
   */
  readonly revocation?: boolean;

  /**
   * How long the authorizer trusts a "not revoked" answer.
   *
   * @default Duration.seconds(30)
   */
  readonly notRevokedCacheDuration?: Duration;

  /**
   * The revocation horizon: the longest the issuers' tokens live; older tokens are refused while
   * revocation is on (`TollboothAuthorizerProps.maxTokenLifetime`).
   *
   * @default Duration.days(1)
   */
  readonly maxTokenLifetime?: Duration;

  /**
   * The name of an existing revocation table to use — for instance the one a deleted stack
   * retained — instead of creating one.
   *
   * @default - a table named `<stack name>-revocations` is created (RETAIN)
   */
  readonly revocationTableName?: string;

  /**
   * Prefix of the created user pool's Cognito domain.
   *
   * @default - `tollbooth-<account id>`
   */
  readonly cognitoDomainPrefix?: string;

  /**
   * Name of the API's one stage. `sam local start-api` needs a name without `$`: it reads each
   * policy resource as a regular expression, in which `$default`'s `$` ends the pattern, so every
   * allowed request is refused there (docs/sam-local.md). On AWS, `$default` serves the API at the
   * root of its URL; a named stage serves it under `/<name>`.
   *
   * @default '$default'
   */
  readonly stageName?: string;

  /**
   * Instruction set of the stack's functions (authorizer, revocation endpoint, sample backend).
   * `sam local` on an x86_64 machine runs arm64 functions under QEMU emulation, which Docker must
   * have installed: choose `Architecture.X86_64` there.
   *
   * @default lambda.Architecture.ARM_64
   */
  readonly architecture?: lambda.Architecture;
}

/** Stage names API Gateway accepts: letters, digits, `-` and `_` (up to 128), or `$default`. */
const STAGE_NAME = /^(?:[A-Za-z0-9_-]{1,128}|\$default)$/;

/** The revocation endpoint's route (granted by the admin scope in `sample-config.ts`). */
const REVOCATION_ROUTE = 'POST /revocations';

/** Protected sample routes served by the echo backend: every scoped route except the admin ones. */
function protectedRoutes(): string[] {
  return Object.entries(SAMPLE_SCOPE_ROUTES)
    .filter(([scope]) => scope !== ADMIN_SCOPE)
    .flatMap(([, routes]) => routes);
}

/** HTTP API + Tollbooth authorizer + echo backend + revocation table. */
export class TollboothStack extends Stack {
  readonly authorizer: TollboothAuthorizer;
  readonly api: apigwv2.HttpApi;
  readonly userPool: SampleUserPool | undefined;
  /** The revocation endpoint's function, when revocation is on and a scope grants its route. */
  readonly revokeFunction: lambda.IFunction | undefined;

  constructor(scope: Construct, id: string, props: TollboothStackProps = {}) {
    super(scope, id, props);
    const stageName = props.stageName ?? '$default';
    if (!STAGE_NAME.test(stageName))
      throw new Error(`${this.node.path}: stageName "${stageName}" is not a stage name (letters, digits, - and _, up to 128; or $default)`);
    const architecture = props.architecture ?? lambda.Architecture.ARM_64;
    let issuers = props.issuers;
    let scopeRoutes = props.scopeRoutes ?? SAMPLE_SCOPE_ROUTES;
    if (!issuers) {
      const sampleScopes = Object.keys(SAMPLE_SCOPE_ROUTES);
      this.userPool = new SampleUserPool(this, 'SampleUserPool', {
        scopes: sampleScopes,
        // The admin scope (the revocation endpoint) has a client of its own.
        clientScopes: sampleScopes.filter((name) => name !== ADMIN_SCOPE),
        adminClientScopes: props.revocation === false ? undefined : [ADMIN_SCOPE],
        domainPrefix: props.cognitoDomainPrefix,
      });
      issuers = [this.userPool.issuer];
      Validations.of(this.userPool.userPool).acknowledge({
        id: 'AwsSolutions-COG8',
        reason:
          'The sample pool only issues client-credentials tokens to its own app client; the Plus plan adds threat protection for user sign-ins, which this pool never has, at a per-user price.',
      });
      if (!props.scopeRoutes)
        scopeRoutes = Object.fromEntries(
          Object.entries(SAMPLE_SCOPE_ROUTES).map(([name, routes]) => [SampleUserPool.scopeName(name), routes]),
        );
    }

    this.authorizer = new TollboothAuthorizer(this, 'Authorizer', {
      issuers,
      scopeRoutes,
      advancedConfig: props.advancedConfig,
      httpApiResponseMode: props.httpApiResponseMode,
      revocation: props.revocation,
      notRevokedCacheDuration: props.notRevokedCacheDuration,
      maxTokenLifetime: props.maxTokenLifetime,
      functionLogicalId: AUTHORIZER_FUNCTION_LOGICAL_ID,
      architecture,
      // A fixed name: after the stack is deleted, the retained table makes a redeploy fail loudly
      // ("already exists") instead of silently starting over with an empty table; import it then.
      ...(props.revocation === false
        ? {}
        : props.revocationTableName
          ? { revocationTable: dynamodb.Table.fromTableName(this, 'RetainedRevocations', props.revocationTableName) }
          : { revocationTableProps: { tableName: `${this.stackName}-revocations` } }),
    });

    const echo = echoFunction(this, architecture);
    // The revocation endpoint, on the routes of whichever scope grants POST /revocations.
    const adminEntry = Object.entries(scopeRoutes).find(([, routes]) => routes.includes(REVOCATION_ROUTE));
    this.revokeFunction =
      adminEntry && props.revocation !== false ? this.authorizer.addRevocationEndpoint({ adminScope: adminEntry[0] }) : undefined;
    // Tollbooth's own functions acknowledge AwsSolutions-L1 themselves (tollbooth-function.ts).
    Validations.of(echo).acknowledge({
      id: 'AwsSolutions-L1',
      reason: `Pinned to nodejs${LAMBDA_NODE_MAJOR}.x (LAMBDA_NODE_MAJOR in lib/bundling.ts), like Tollbooth's own functions: the runtime the tests cover; moving to a newer runtime is a deliberate one-line change there.`,
    });
    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', { retention: logs.RetentionDays.ONE_MONTH });
    this.api = new apigwv2.HttpApi(this, 'Api', { apiName: `${this.stackName}-api`, createDefaultStage: false });
    const stage = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName,
      autoDeploy: true,
      accessLogSettings: { destination: new apigwv2.LogGroupLogDestination(accessLogs) },
    });
    const integration = new HttpLambdaIntegration('Echo', echo);
    for (const route of protectedRoutes()) addRoute(this.api, route, integration, this.authorizer);
    for (const route of SAMPLE_PUBLIC_ROUTES) {
      const [health] = addRoute(this.api, route, integration, undefined);
      if (health) {
        Validations.of(health).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: 'GET /health is public by design: it tells a load balancer or a person that the API is up, and returns no data.',
        });
      }
    }
    if (this.revokeFunction)
      addRoute(this.api, REVOCATION_ROUTE, new HttpLambdaIntegration('Revoke', this.revokeFunction), this.authorizer);

    new CfnOutput(this, 'ApiUrl', { value: stage.url, description: 'Base URL of the sample HTTP API' });
    new CfnOutput(this, 'RevocationTableName', {
      value: this.authorizer.table?.tableName ?? 'revocation off',
      description: 'Revocation table',
    });
    new CfnOutput(this, 'AuthorizerFunctionName', {
      value: this.authorizer.function.functionName,
      description: 'Authorizer Lambda function',
    });
    if (this.userPool) {
      new CfnOutput(this, 'TokenEndpoint', {
        value: this.userPool.tokenEndpoint,
        description: 'OAuth 2 token endpoint of the sample user pool',
      });
      new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPool.userPoolId });
      new CfnOutput(this, 'ClientId', {
        value: this.userPool.client.userPoolClientId,
        description: 'Client-credentials app client (secret: aws cognito-idp describe-user-pool-client)',
      });
      if (this.userPool.adminClient) {
        new CfnOutput(this, 'AdminClientId', {
          value: this.userPool.adminClient.userPoolClientId,
          description: 'Client-credentials app client for POST /revocations',
        });
      }
    }
  }
}

function addRoute(
  api: apigwv2.HttpApi,
  route: string,
  integration: apigwv2.HttpRouteIntegration,
  authorizer: TollboothAuthorizer | undefined,
): apigwv2.HttpRoute[] {
  const [method, path] = route.split(' ');
  if (!method || !path) throw new Error(`route "${route}" is not "METHOD /path"`);
  return api.addRoutes({
    path,
    methods: [method as apigwv2.HttpMethod],
    integration,
    ...(authorizer ? { authorizer: authorizer.httpAuthorizer } : {}),
  });
}

/** The sample backend's code (`sample-echo/index.mjs`): a file asset, which `sam local` can run. */
const ECHO_CODE_DIRECTORY = join(dirname(fileURLToPath(import.meta.url)), 'sample-echo');

/** A backend that answers with the route and the authorizer's context, nothing else. */
function echoFunction(scope: Construct, architecture: lambda.Architecture): lambda.Function {
  const logGroup = new logs.LogGroup(scope, 'EchoLogs', { retention: logs.RetentionDays.ONE_MONTH });
  const role = new iam.Role(scope, 'EchoRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  logGroup.grantWrite(role);
  return new lambda.Function(scope, 'Echo', {
    runtime: defaultTollboothRuntime(),
    architecture,
    handler: 'index.handler',
    role,
    logGroup,
    description: 'Tollbooth sample backend: echoes the authorizer context',
    code: lambda.Code.fromAsset(ECHO_CODE_DIRECTORY),
  });
}
