/**
 * `TollboothAuthorizer`: the reusable construct users drop into their own CDK app. It creates the
 * authorizer function (bundled, configured, least privilege), creates or imports the revocation
 * table, and hands out what users attach to their routes: an HTTP API authorizer (payload 2.0,
 * IAM or simple responses) and REST API TOKEN / REQUEST authorizers.
 *
 * Caching, and why the defaults are what they are: API Gateway caches each authorizer decision per
 * identity source for `resultsCacheTtl`, and the function itself trusts a "not revoked" answer
 * for `notRevokedCacheDuration`. A revocation therefore bites within the sum of both at worst —
 * 30 s + 30 s by default. Both are 30 s because revocation is the reason to run this authorizer
 * rather than API Gateway's built-in JWT authorizer; a minute of worst-case delay keeps most
 * repeated requests off the function while keeping "revoke" meaningful.
 */
import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ConfigError, type HttpApiResponseMode } from '../lambdas/core/config/config';
import { buildAuthorizerConfig } from './authorizer-config';
import { DEFAULT_ADMIN_SCOPE } from '../lambdas/revoke/config';
import {
  AUTHORIZER_SERVICE_NAME,
  AuthorizerFunction,
  defaultAuthorizerRuntime,
  nodeMajorOf,
  type AuthorizerLogLevel,
} from './authorizer-function';
import { RevokeFunction } from './revoke-function';
import { TollboothMonitoring, type TollboothMonitoringOptions } from './tollbooth-monitoring';
import type { TollboothFunctionSettings } from './tollbooth-function';
import { LAMBDA_NODE_MAJOR } from './bundling';
import { PayloadV2HttpLambdaAuthorizer } from './http-authorizer';
import { RevocationTable, type RevocationTableProps } from './revocation-table';
import type { TrustedIssuer } from './trusted-issuer';

/** API Gateway's upper bound on the authorizer result cache. */
const MAX_RESULTS_CACHE_SECONDS = 3600;

/** Properties of a {@link TollboothAuthorizer}. */
export interface TollboothAuthorizerProps {
  /** Who may issue accepted tokens: `TrustedIssuer.cognito(…)` and/or `TrustedIssuer.oidc(…)`. */
  readonly issuers: readonly TrustedIssuer[];

  /**
   * Scope → the route patterns it grants, e.g. `{ 'orders:read': ['GET /orders', 'GET /orders/{id}'] }`
   * (README, "Route patterns and the policy").
   */
  readonly scopeRoutes: { readonly [scope: string]: readonly string[] };

  /**
   * How the HTTP API authorizer answers: `'iam'` (an IAM policy listing every granted route) or
   * `'simple'` (`isAuthorized`). The function and the API Gateway authorizer are configured alike.
   *
   * @default 'iam'
   */
  readonly httpApiResponseMode?: HttpApiResponseMode;

  /**
   * Check every token against the revocation table.
   *
   * @default true
   */
  readonly revocation?: boolean;

  /**
   * An existing revocation table (partition key `pk`, TTL attribute `expiresAt`).
   *
   * @default - a table is created with `revocationTableProps`
   */
  readonly revocationTable?: dynamodb.ITableV2;

  /**
   * Settings of the created revocation table.
   *
   * @default - on-demand, PITR, AWS-managed encryption, RETAIN, no replicas
   */
  readonly revocationTableProps?: Omit<RevocationTableProps, 'existingTable'>;

  /**
   * How long the function trusts a "not revoked" answer before asking DynamoDB again (0–3600 s).
   *
   * @default Duration.seconds(30)
   */
  readonly notRevokedCacheDuration?: Duration;

  /**
   * How long API Gateway caches a decision per identity source (0 turns the cache off, at most
   * one hour). Adds to `notRevokedCacheDuration` in the worst-case revocation delay. With simple
   * responses a cached "yes" covers every path of the route (`$context.routeKey` is added to the
   * identity sources), so only set one there when no scope grants less than a whole route.
   *
   * @default - Duration.seconds(30) with IAM responses; 0 (no cache) with simple responses
   */
  readonly resultsCacheTtl?: Duration;

  /**
   * Add `$context.routeKey` to the HTTP API authorizer's identity sources, so API Gateway caches
   * one decision per token and route instead of per token. Forced on in simple-response mode with
   * a non-zero cache TTL, where a cached `isAuthorized: true` would otherwise open every route.
   *
   * @default - true in simple-response mode with a non-zero cache TTL, false otherwise
   */
  readonly cacheByRoute?: boolean;

  /**
   * Memory of the function, in MiB. Lambda allots CPU in proportion, and signature checks and
   * cold-start key imports are CPU-bound on the request path.
   *
   * @default 512
   */
  readonly memorySize?: number;

  /**
   * Instruction set of the function.
   *
   * @default lambda.Architecture.ARM_64
   */
  readonly architecture?: lambda.Architecture;

  /**
   * Node.js runtime of the function; Node.js 22 or later.
   *
   * @default - Node.js 22 (`LAMBDA_NODE_MAJOR`, the bundle's target)
   */
  readonly runtime?: lambda.Runtime;

  /**
   * Function timeout. The authorizer bounds its own work (JWKS fetch 1.5 s, revocation about
   * 1.25 s by default), so this is a backstop.
   *
   * @default Duration.seconds(5)
   */
  readonly timeout?: Duration;

  /**
   * Retention of the function's log group.
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Powertools log level of the function.
   *
   * @default 'INFO'
   */
  readonly logLevel?: AuthorizerLogLevel;

  /**
   * Any other setting of the authorizer's configuration (README, "Configuration"): `jwks`,
   * `algorithms`, `clockSkewSeconds`, `headerName`, `revocation.requestTimeoutMs`, … Validated at
   * synth time together with everything else.
   *
   * @default - the authorizer's defaults
   */
  readonly advancedConfig?: { readonly [key: string]: unknown };

  /**
   * Alarms (revocation store failures, JWKS fetch failures, a deny-rate spike, authorizer errors
   * other than REST 401s, throttles) and a dashboard, on the function's EMF metrics
   * (`TollboothMonitoring`). `false` creates neither; an object tunes them.
   *
   * @default true
   */
  readonly monitoring?: boolean | Omit<TollboothMonitoringOptions, 'serviceName'>;

  /**
   * CloudFormation logical id of the function, for tools that address it by name
   * (`sam local invoke <LogicalId>`). Must be unique in the stack.
   *
   * @default - generated by the CDK from the construct path
   */
  readonly functionLogicalId?: string;
}

/** Options of {@link TollboothAuthorizer.addRevocationEndpoint}. */
export interface RevocationEndpointOptions {
  /**
   * The scope an admin token must carry. It must be a key of `scopeRoutes` granting the route the
   * endpoint is attached to; the function checks it again itself.
   *
   * @default 'tollbooth:admin'
   */
  readonly adminScope?: string;
}

/** Tollbooth's JWT authorizer: function, revocation table, and API Gateway authorizers. */
export class TollboothAuthorizer extends Construct {
  /** The authorizer function. */
  readonly function: AuthorizerFunction;

  /** The revocation table, or `undefined` when revocation is off. */
  readonly table: dynamodb.ITableV2 | undefined;

  /** Attach to HTTP API routes (`authorizer: tollbooth.httpAuthorizer`). */
  readonly httpAuthorizer: PayloadV2HttpLambdaAuthorizer;

  /** The identity sources of {@link httpAuthorizer}. */
  readonly httpIdentitySources: readonly string[];

  /** API Gateway's authorizer result cache TTL, for every authorizer handed out. */
  readonly resultsCacheTtl: Duration;

  /** Alarms and dashboard, unless `monitoring` is `false`. */
  readonly monitoring: TollboothMonitoring | undefined;

  private readonly headerName: string;
  private readonly functionSettings: TollboothFunctionSettings;
  private readonly scopes: ReadonlySet<string>;
  private revokeFunction: RevokeFunction | undefined;
  private revokeAdminScope: string | undefined;
  private tokenAuthorizer: apigateway.TokenAuthorizer | undefined;
  private requestAuthorizer: apigateway.RequestAuthorizer | undefined;

  constructor(scope: Construct, id: string, props: TollboothAuthorizerProps) {
    super(scope, id);
    const problems: string[] = [];
    const revocationEnabled = props.revocation ?? true;
    const responseMode = props.httpApiResponseMode ?? 'iam';
    // A simple response is a bare yes for whatever the cache key covers; even keyed on the route it
    // would cover every path of a route template (GET /orders/{id}) while grants can be narrower
    // (GET /orders/42). So simple responses are only cached when asked for.
    this.resultsCacheTtl = props.resultsCacheTtl ?? (responseMode === 'simple' ? Duration.seconds(0) : Duration.seconds(30));
    const cacheSeconds = wholeSeconds(this.resultsCacheTtl, 'resultsCacheTtl', problems);
    if (cacheSeconds !== undefined && (cacheSeconds < 0 || cacheSeconds > MAX_RESULTS_CACHE_SECONDS)) {
      problems.push(
        `resultsCacheTtl: must not be greater than ${MAX_RESULTS_CACHE_SECONDS} seconds (API Gateway's limit), got ${cacheSeconds}`,
      );
    }
    const notRevokedSeconds = wholeSeconds(props.notRevokedCacheDuration ?? Duration.seconds(30), 'notRevokedCacheDuration', problems);
    const cacheByRoute = props.cacheByRoute ?? (responseMode === 'simple' && cacheSeconds !== 0);
    if (responseMode === 'simple' && cacheSeconds !== 0 && props.cacheByRoute === false) {
      problems.push(
        'cacheByRoute: cannot be false with simple responses and a result cache: a cached "isAuthorized: true" would open every route (set resultsCacheTtl to 0, or leave cacheByRoute unset)',
      );
    }
    const runtime = props.runtime ?? defaultAuthorizerRuntime();
    const nodeMajor = nodeMajorOf(runtime);
    if (nodeMajor === undefined || nodeMajor < LAMBDA_NODE_MAJOR) {
      problems.push(
        `runtime: must be Node.js ${LAMBDA_NODE_MAJOR} or later (the bundle targets node${LAMBDA_NODE_MAJOR}), got ${runtime.name}`,
      );
    }
    const memorySize = props.memorySize ?? 512;
    if (!Token.isUnresolved(memorySize) && (!Number.isInteger(memorySize) || memorySize < 128 || memorySize > 10_240)) {
      problems.push(`memorySize: must be an integer from 128 to 10240 MiB, got ${memorySize}`);
    }
    if (!revocationEnabled && (props.revocationTable || props.revocationTableProps)) {
      problems.push('revocationTable / revocationTableProps: given while revocation is false');
    }
    if (props.revocationTable && props.revocationTableProps) {
      problems.push(
        'revocationTable / revocationTableProps: give one or the other (import an existing table, or configure the created one)',
      );
    }

    const advanced = props.advancedConfig ?? {};
    let config: ReturnType<typeof buildAuthorizerConfig> | undefined;
    try {
      config = buildAuthorizerConfig({
        issuers: props.issuers,
        scopeRoutes: props.scopeRoutes,
        httpApiResponseMode: responseMode,
        notRevokedCacheSeconds: revocationEnabled ? (notRevokedSeconds ?? 30) : undefined,
        advanced,
      });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
    }
    if (!config || problems.length > 0) {
      throw new Error(
        `${this.node.path}: invalid Tollbooth authorizer (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n- ${problems.join('\n- ')}`,
      );
    }

    this.table = revocationEnabled
      ? new RevocationTable(this, 'Revocations', { ...props.revocationTableProps, existingTable: props.revocationTable }).table
      : undefined;

    this.functionSettings = {
      configFile: config.file,
      // Deploy-time values (a user pool id created in this app) resolve to JSON in the template.
      inlineConfig: Object.keys(config.deployTime).length > 0 ? Stack.of(this).toJsonString(config.deployTime) : '',
      revocationTableName: this.table?.tableName ?? '',
      runtime,
      architecture: props.architecture ?? lambda.Architecture.ARM_64,
      memorySize,
      timeout: props.timeout ?? Duration.seconds(5),
      logRetention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      logLevel: props.logLevel ?? 'INFO',
    };
    this.scopes = new Set(Object.keys(props.scopeRoutes));
    const monitoringOptions =
      props.monitoring === false ? undefined : props.monitoring === true || props.monitoring === undefined ? {} : props.monitoring;
    this.function = new AuthorizerFunction(this, 'Function', {
      ...this.functionSettings,
      metricsNamespace: monitoringOptions?.metricsNamespace,
    });
    // The alarms read the metrics the function writes: same namespace, same service dimension.
    this.monitoring = monitoringOptions
      ? new TollboothMonitoring(this, 'Monitoring', {
          ...monitoringOptions,
          authorizerFunction: this.function,
          serviceName: AUTHORIZER_SERVICE_NAME,
        })
      : undefined;
    if (props.functionLogicalId) (this.function.node.defaultChild as lambda.CfnFunction).overrideLogicalId(props.functionLogicalId);

    if (this.table) {
      // Least privilege: the two read calls the authorizer makes, on this table only.
      this.function.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem'], resources: [this.table.tableArn] }),
      );
      // An imported table encrypted with a customer-managed key cannot be read without it.
      this.table.encryptionKey?.grantDecrypt(this.function);
    }

    this.headerName = typeof advanced['headerName'] === 'string' ? advanced['headerName'] : 'Authorization';
    this.httpIdentitySources = [`$request.header.${this.headerName}`, ...(cacheByRoute ? ['$context.routeKey'] : [])];
    this.httpAuthorizer = new PayloadV2HttpLambdaAuthorizer('TollboothAuthorizer', this.function, {
      responseMode,
      identitySource: [...this.httpIdentitySources],
      resultsCacheTtl: this.resultsCacheTtl,
    });
  }

  /**
   * The revocation endpoint (`POST /revocations`, `lambdas/revoke/`): a function sharing this
   * authorizer's configuration, allowed `dynamodb:PutItem` on the revocation table and nothing
   * else — the only principal that writes it. Attach it to a route behind {@link httpAuthorizer}
   * that only `adminScope` grants. Created on first call, then reused.
   */
  addRevocationEndpoint(options: RevocationEndpointOptions = {}): RevokeFunction {
    const adminScope = options.adminScope ?? DEFAULT_ADMIN_SCOPE;
    if (this.revokeFunction) {
      if (this.revokeAdminScope !== adminScope)
        throw new Error(
          `${this.node.path}: the revocation endpoint already exists with adminScope "${this.revokeAdminScope}", not "${adminScope}"`,
        );
      return this.revokeFunction;
    }
    const problems: string[] = [];
    if (!this.table) problems.push('revocation is off, so there is no table to write');
    if (!this.scopes.has(adminScope))
      problems.push(`adminScope "${adminScope}" is not a key of scopeRoutes, so no token could reach the endpoint`);
    if (!this.table || problems.length > 0)
      throw new Error(`${this.node.path}: cannot add the revocation endpoint:\n- ${problems.join('\n- ')}`);
    this.revokeFunction = new RevokeFunction(this, 'RevokeFunction', { ...this.functionSettings, adminScope });
    this.revokeAdminScope = adminScope;
    this.revokeFunction.addToRolePolicy(new iam.PolicyStatement({ actions: ['dynamodb:PutItem'], resources: [this.table.tableArn] }));
    this.table.encryptionKey?.grantEncryptDecrypt(this.revokeFunction);
    return this.revokeFunction;
  }

  /** A REST API `TOKEN` authorizer on the bearer header; created on first call, then reused. */
  restTokenAuthorizer(): apigateway.TokenAuthorizer {
    this.tokenAuthorizer ??= new apigateway.TokenAuthorizer(this, 'RestTokenAuthorizer', {
      handler: this.function,
      identitySource: apigateway.IdentitySource.header(this.headerName),
      resultsCacheTtl: this.resultsCacheTtl,
    });
    return this.tokenAuthorizer;
  }

  /** A REST API `REQUEST` authorizer on the bearer header; created on first call, then reused. */
  restRequestAuthorizer(): apigateway.RequestAuthorizer {
    this.requestAuthorizer ??= new apigateway.RequestAuthorizer(this, 'RestRequestAuthorizer', {
      handler: this.function,
      identitySources: [apigateway.IdentitySource.header(this.headerName)],
      resultsCacheTtl: this.resultsCacheTtl,
    });
    return this.requestAuthorizer;
  }
}

function wholeSeconds(duration: Duration, name: string, problems: string[]): number | undefined {
  if (duration.isUnresolved()) {
    problems.push(`${name}: must be known at synth time`);
    return undefined;
  }
  const millis = duration.toMilliseconds();
  if (millis % 1000 !== 0) {
    problems.push(`${name}: must be a whole number of seconds, got ${millis} ms`);
    return undefined;
  }
  return millis / 1000;
}
