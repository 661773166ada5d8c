/**
 * `TollboothAuthorizer`: the construct users add to their own CDK app. It creates the authorizer
 * function (bundled, configured, least privilege), creates or imports the revocation table, and
 * hands out what users put on their routes — for any number of HTTP and REST APIs, in any stacks:
 *
 * - `httpAuthorizer`: an HTTP API Lambda authorizer (payload 2.0, IAM or simple responses); each
 *   API that uses it gets its own `AWS::ApiGatewayV2::Authorizer`, created in the API's scope;
 * - `restTokenAuthorizer(api)` / `restRequestAuthorizer(api)`: REST API authorizers, one per API,
 *   created in the API's scope.
 *
 * Every reference points from an API's stack to the Tollbooth's (the function's ARN), never back,
 * so the APIs can live in other stacks without dependency cycles.
 *
 * Caching, and why the defaults are what they are: API Gateway caches each authorizer decision per
 * identity source for `resultsCacheTtl`, and the function itself trusts a "not revoked" answer for
 * `notRevokedCacheDuration`: see docs/caching.md.
 */
import { Annotations, Duration, Names, Stack, Token } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { ConfigError, type HttpApiResponseMode } from '../lambdas/core/config/config';
import { RESULTS_CACHE_TTL_SECONDS, REVOCATION_SETTINGS } from '../lambdas/core/config/defaults';
import { describeProblems } from '../lambdas/core/problems';
import { FEED_KEY_PREFIX } from '../lambdas/core/revocation-feed';
import { DEFAULT_ADMIN_SCOPE } from '../lambdas/revoke/config';
import { buildAuthorizerConfig } from './authorizer-config';
import { AUTHORIZER_SERVICE_NAME, AuthorizerFunction } from './authorizer-function';
import { CacheFlusherFunction } from './cache-flusher-function';
import { LAMBDA_NODE_MAJOR } from './bundling';
import { TollboothHttpRouteAuthorizer } from './http-api-authorizer';
import { acknowledgeNagFinding } from './nag-acknowledgement';
import { TollboothRestAuthorizer } from './rest-api-authorizer';
import { RevocationTable, type RevocationTableProps } from './revocation-table';
import { RevokeFunction } from './revoke-function';
import { firstSegmentParameter, resultsCacheOf, routeFindings } from './route-cache-policy';
import { defaultTollboothRuntime, nodeMajorOf, type TollboothFunctionSettings, type TollboothLogLevel } from './tollbooth-function';
import { TollboothMonitoring, type TollboothMonitoringOptions } from './tollbooth-monitoring';
import type { TrustedIssuer } from './trusted-issuer';

/** API Gateway's upper bound on the authorizer result cache. */
const MAX_RESULTS_CACHE_SECONDS = 3600;
/** Default result cache TTL of every authorizer that answers with a policy. */
const DEFAULT_RESULTS_CACHE_SECONDS = RESULTS_CACHE_TTL_SECONDS.iam;
/** Default "not revoked" window of the function. */
const DEFAULT_NOT_REVOKED_SECONDS = REVOCATION_SETTINGS.notRevokedCacheSeconds.default;
/** Default revocation horizon of the function and the revocation endpoint. */
const DEFAULT_MAX_TOKEN_LIFETIME_SECONDS = REVOCATION_SETTINGS.maxTokenLifetimeSeconds.default;

/** Properties of a {@link TollboothAuthorizer}. */
export interface TollboothAuthorizerProps {
  /** Who may issue accepted tokens: `TrustedIssuer.cognito(…)` and/or `TrustedIssuer.oidc(…)`. */
  readonly issuers: readonly TrustedIssuer[];

  /**
   * Scope → the route patterns it grants, e.g. `{ 'orders:read': ['GET /orders', 'GET /orders/{id}'] }`
   * (docs/configuration.md, "Route patterns").
   */
  readonly scopeRoutes: { readonly [scope: string]: readonly string[] };

  /**
   * How the HTTP API authorizer answers: `'iam'` (an IAM policy) or `'simple'` (`isAuthorized`).
   * The function and every HTTP API authorizer are configured alike; REST APIs always get policies.
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
   * An existing revocation table (partition key `pk` of type string, TTL attribute `expiresAt`),
   * for example `dynamodb.Table.fromTableName(this, 'Revocations', 'tollbooth-revocations')` or a
   * global table's replica in this region.
   *
   * @default - a table is created with `revocationTableProps`
   */
  readonly revocationTable?: dynamodb.ITable;

  /**
   * Settings of the created revocation table.
   *
   * @default - on-demand, PITR, AWS-managed encryption, RETAIN, no replicas
   */
  readonly revocationTableProps?: Omit<RevocationTableProps, 'existingTable'>;

  /**
   * How long the function trusts a "not revoked" answer when the revocation feed does not keep it
   * current (feed off or unreadable), 0–3600 s; while the feed is followed the function's bound is
   * the smaller of this and one second (0: every request consults DynamoDB).
   *
   * @default Duration.seconds(30)
   */
  readonly notRevokedCacheDuration?: Duration;

  /**
   * The revocation horizon: the longest your issuers' tokens live (1 minute to 30 days). Subject and
   * session revocations are kept this long, so the function refuses tokens issued longer ago than
   * this (`token_too_old`) rather than let one outlive its revocation. Written into the configuration
   * the function and the revocation endpoint share (`revocation.maxTokenLifetimeSeconds`); set it to
   * your identity provider's longest token lifetime (docs/revocation.md, "The revocation horizon").
   *
   * @default Duration.days(1)
   */
  readonly maxTokenLifetime?: Duration;

  /**
   * How long API Gateway caches a decision (0 turns the cache off, at most one hour), for every
   * authorizer handed out: REST `TOKEN` and `REQUEST` authorizers and HTTP API authorizers.
   * The cache flusher flushes it after each revocation (docs/caching.md); without one (an imported
   * table without a stream) it adds to the revocation delay.
   *
   * A cache keyed by the token alone (a REST `TOKEN` authorizer, or `cacheByRoute: false`) cannot
   * be used with a `{name}` segment in `scopeRoutes` (docs/caching.md): such a cache is off by
   * default, and a TTL set here is refused for it.
   *
   * @default - Duration.seconds(30), except 0 (no cache) for the HTTP API authorizer with simple
   * responses (a cached "yes" has no routes in it) and for caches keyed by the token alone when a
   * scope's pattern has a `{name}` segment (docs/caching.md)
   */
  readonly resultsCacheTtl?: Duration;

  /**
   * Key API Gateway's result cache by route as well as by token: `$context.routeKey` for HTTP
   * APIs, `context.httpMethod` and `context.resourcePath` for REST `REQUEST` authorizers (`TOKEN`
   * authorizers can only be keyed by the token). Required with simple responses and a cache.
   *
   * @default true
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
   * Instruction set of the function. `sam local` on an x86_64 machine runs arm64 functions under
   * QEMU emulation: choose `Architecture.X86_64` there (docs/sam-local.md).
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
   * Concurrent executions reserved for the authorizer, so a burst elsewhere in the account cannot
   * starve the function every request waits for (and so it cannot take more than this).
   *
   * @default - no reservation: the account's unreserved pool
   */
  readonly reservedConcurrentExecutions?: number;

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
  readonly logLevel?: TollboothLogLevel;

  /**
   * Any other setting of the authorizer's configuration (docs/configuration.md): `jwks`,
   * `algorithms`, `clockSkewSeconds`, `headerName`, `revocation.requestTimeoutMs`, … Validated at
   * synth time together with everything else.
   *
   * @default - the authorizer's defaults
   */
  readonly advancedConfig?: { readonly [key: string]: unknown };

  /**
   * Alarms (revocation store failures, JWKS fetch failures, a deny-rate spike, authorizer errors
   * other than REST 401s, throttles) and a dashboard, on the function's metrics. `false` creates
   * neither; an object tunes them (`{ alarmActions: [new SnsAction(topic)] }`).
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
  readonly function: lambda.IFunction;

  /** The revocation table, or `undefined` when revocation is off. */
  readonly table: dynamodb.ITable | undefined;

  /**
   * Put on HTTP API routes (`authorizer: tollbooth.httpAuthorizer`) of any number of APIs: each
   * API gets its own authorizer resource, in its own scope.
   */
  readonly httpAuthorizer: apigwv2.IHttpRouteAuthorizer;

  /** The identity sources of the HTTP API authorizers. */
  readonly httpIdentitySources: readonly string[];

  /** API Gateway's result cache TTL of the HTTP API authorizers. */
  readonly httpResultsCacheTtl: Duration;

  /** API Gateway's result cache TTL of the REST API `REQUEST` authorizers. */
  readonly restResultsCacheTtl: Duration;

  /** API Gateway's result cache TTL of the REST API `TOKEN` authorizers. */
  readonly restTokenResultsCacheTtl: Duration;

  /** Alarms and dashboard, unless `monitoring` is `false`. */
  readonly monitoring: TollboothMonitoring | undefined;

  /**
   * The cache flusher (`lambdas/flusher/`), triggered by the revocation table's stream: it flushes
   * API Gateway's authorizer cache on the protected APIs' stages after each revocation. `undefined`
   * when revocation is off or an imported table has no stream (`tableStreamArn`): API Gateway's
   * cached answers then expire with `resultsCacheTtl` (docs/caching.md).
   */
  readonly cacheFlusher: lambda.IFunction | undefined;

  /** The SSM path the protected APIs register under for the cache flusher. */
  readonly flushRegistryPath: string;

  private readonly authorizerFunction: AuthorizerFunction;
  private readonly headerName: string;
  private readonly cacheByRoute: boolean;
  private readonly responseMode: HttpApiResponseMode;
  private readonly scopeRoutes: { readonly [scope: string]: readonly string[] };
  /** A pattern with a `{name}` segment, which a cache keyed by the token alone cannot serve. */
  private readonly segmentParameter: string | undefined;
  /** `resultsCacheTtl` in seconds, when it was set. */
  private readonly explicitCacheSeconds: number | undefined;
  private readonly functionSettings: TollboothFunctionSettings;
  private readonly scopes: ReadonlySet<string>;
  private readonly restAuthorizers = new Map<string, TollboothRestAuthorizer>();
  private revokeFunction: RevokeFunction | undefined;
  private revokeAdminScope: string | undefined;

  constructor(scope: Construct, id: string, props: TollboothAuthorizerProps) {
    super(scope, id);
    const problems: string[] = [];
    const revocationEnabled = props.revocation ?? true;
    const responseMode = props.httpApiResponseMode ?? 'iam';
    const cacheTtl = props.resultsCacheTtl;
    const cacheSeconds = cacheTtl === undefined ? undefined : wholeSeconds(cacheTtl, 'resultsCacheTtl', problems);
    if (cacheSeconds !== undefined && (cacheSeconds < 0 || cacheSeconds > MAX_RESULTS_CACHE_SECONDS)) {
      problems.push(
        `resultsCacheTtl: must not be greater than ${MAX_RESULTS_CACHE_SECONDS} seconds (API Gateway's limit), got ${cacheSeconds}`,
      );
    }
    this.cacheByRoute = props.cacheByRoute ?? true;
    this.responseMode = responseMode;
    this.scopeRoutes = props.scopeRoutes;
    this.segmentParameter = firstSegmentParameter(props.scopeRoutes);
    this.explicitCacheSeconds = cacheSeconds;
    // A cache keyed by the token alone replays a policy for the token's other paths, and IAM cannot
    // say "one segment": with a {name} pattern such a cache stays off.
    const tokenKeyedOff = this.segmentParameter !== undefined;
    this.restResultsCacheTtl = cacheTtl ?? Duration.seconds(!this.cacheByRoute && tokenKeyedOff ? 0 : DEFAULT_RESULTS_CACHE_SECONDS);
    this.restTokenResultsCacheTtl = tokenKeyedOff ? Duration.seconds(0) : (cacheTtl ?? Duration.seconds(DEFAULT_RESULTS_CACHE_SECONDS));
    // A simple response is a bare yes for whatever the cache key covers, so it is only cached when asked for.
    this.httpResultsCacheTtl =
      cacheTtl ?? Duration.seconds(!this.cacheByRoute && tokenKeyedOff ? 0 : RESULTS_CACHE_TTL_SECONDS[responseMode]);
    if (!this.cacheByRoute && tokenKeyedOff && cacheSeconds !== undefined && cacheSeconds > 0) {
      problems.push(
        `cacheByRoute: false keys API Gateway's cache by the token alone, and "${this.segmentParameter}" grants one path segment, which a cached IAM policy cannot express: the token's other paths would be refused until the cached answer expires (leave cacheByRoute unset, or set resultsCacheTtl to 0)`,
      );
    }
    if (responseMode === 'simple' && this.httpResultsCacheTtl.toSeconds() !== 0 && !this.cacheByRoute) {
      problems.push(
        'cacheByRoute: cannot be false with simple responses and a result cache: a cached "isAuthorized: true" would open every route (set resultsCacheTtl to 0, or leave cacheByRoute unset)',
      );
    }
    const notRevokedSeconds = wholeSeconds(
      props.notRevokedCacheDuration ?? Duration.seconds(DEFAULT_NOT_REVOKED_SECONDS),
      'notRevokedCacheDuration',
      problems,
    );
    const maxTokenLifetimeSeconds = wholeSeconds(
      props.maxTokenLifetime ?? Duration.seconds(DEFAULT_MAX_TOKEN_LIFETIME_SECONDS),
      'maxTokenLifetime',
      problems,
    );
    if (!revocationEnabled && props.maxTokenLifetime) problems.push('maxTokenLifetime: given while revocation is false');
    const runtime = props.runtime ?? defaultTollboothRuntime();
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
    const reserved = props.reservedConcurrentExecutions;
    if (reserved !== undefined && !Token.isUnresolved(reserved) && (!Number.isInteger(reserved) || reserved < 1)) {
      problems.push(
        `reservedConcurrentExecutions: must be a whole number of at least 1 (0 would stop the function, and every request with it), got ${reserved}`,
      );
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
    if (advanced['allowQueryStringToken'] === true) {
      problems.push(
        'advancedConfig.allowQueryStringToken: API Gateway only invokes the authorizer when every identity source is present, and the construct keys them on the bearer header, so a token in the query string could never reach the function; send it in the header (RFC 6750 §2.1)',
      );
    }
    let config: ReturnType<typeof buildAuthorizerConfig> | undefined;
    try {
      config = buildAuthorizerConfig({
        issuers: props.issuers,
        scopeRoutes: props.scopeRoutes,
        httpApiResponseMode: responseMode,
        resultsCache: resultsCacheOf({
          httpTtlSeconds: secondsOr(this.httpResultsCacheTtl),
          restRequestTtlSeconds: secondsOr(this.restResultsCacheTtl),
          restTokenTtlSeconds: secondsOr(this.restTokenResultsCacheTtl),
          cacheByRoute: this.cacheByRoute,
        }),
        notRevokedCacheSeconds: revocationEnabled ? (notRevokedSeconds ?? DEFAULT_NOT_REVOKED_SECONDS) : undefined,
        maxTokenLifetimeSeconds: maxTokenLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS,
        advanced,
      });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
    }
    if (!config || problems.length > 0) {
      throw new Error(describeProblems(`${this.node.path}: invalid Tollbooth authorizer`, problems));
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
      reservedConcurrentExecutions: reserved,
    };
    this.scopes = new Set(Object.keys(props.scopeRoutes));
    const monitoringOptions =
      props.monitoring === false ? undefined : props.monitoring === true || props.monitoring === undefined ? {} : props.monitoring;
    this.authorizerFunction = new AuthorizerFunction(this, 'Function', {
      ...this.functionSettings,
      metricsNamespace: monitoringOptions?.metricsNamespace,
    });
    this.function = this.authorizerFunction;
    // The alarms read the metrics the function writes: same namespace, same service dimension.
    this.monitoring = monitoringOptions
      ? new TollboothMonitoring(this, 'Monitoring', {
          ...monitoringOptions,
          authorizerFunction: this.function,
          serviceName: AUTHORIZER_SERVICE_NAME,
        })
      : undefined;
    if (props.functionLogicalId)
      (this.authorizerFunction.node.defaultChild as lambda.CfnFunction).overrideLogicalId(props.functionLogicalId);

    const stack = Stack.of(this);
    this.flushRegistryPath = `/tollbooth/${Token.isUnresolved(stack.stackName) ? 'stack' : stack.stackName}/${Names.uniqueId(this)}`;
    this.cacheFlusher =
      this.table?.tableStreamArn !== undefined
        ? new CacheFlusherFunction(this, 'CacheFlusher', {
            ...this.functionSettings,
            configFile: {},
            inlineConfig: '',
            table: this.table,
            registryPath: this.flushRegistryPath,
          })
        : undefined;

    if (this.table) {
      // Least privilege: the one call the authorizer makes, on this table only.
      this.authorizerFunction.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['dynamodb:BatchGetItem'], resources: [this.table.tableArn] }),
      );
      // An imported table encrypted with a customer-managed key cannot be read without it.
      this.table.encryptionKey?.grantDecrypt(this.authorizerFunction);
    }

    this.headerName = typeof advanced['headerName'] === 'string' ? advanced['headerName'] : 'Authorization';
    this.httpIdentitySources = [`$request.header.${this.headerName}`, ...(this.cacheByRoute ? ['$context.routeKey'] : [])];
    this.httpAuthorizer = new TollboothHttpRouteAuthorizer({
      handler: this.function,
      responseMode,
      identitySource: this.httpIdentitySources,
      resultsCacheTtl: this.httpResultsCacheTtl,
      id: this.idInApis(),
      onApi: (api, scope) => this.registerForFlush(scope, 'http', api.apiId, this.httpResultsCacheTtl),
      onBind: (route) => this.checkCachedRoute(route),
    });
  }

  /**
   * Registers an API with the cache flusher, in the API's own scope (its stack refers to this one,
   * never the reverse): an SSM parameter under {@link flushRegistryPath} naming it, and a policy on
   * the flusher's role allowing exactly this API's stage list and authorizer-cache flushes. Nothing
   * when there is no flusher or API Gateway caches nothing.
   */
  private registerForFlush(scope: Construct, kind: 'http' | 'rest', apiId: string, ttl: Duration): void {
    const flusher = this.cacheFlusher;
    if (!flusher?.role || ttl.toSeconds() === 0) return;
    const id = `${this.idInApis()}Flush`;
    if (scope.node.tryFindChild(`${id}Registration`)) return;
    const apiStack = Stack.of(scope);
    new ssm.StringParameter(scope, `${id}Registration`, {
      parameterName: `${this.flushRegistryPath}/apis/${Names.uniqueId(scope)}`,
      stringValue: apiStack.toJsonString({ kind, apiId }),
      description: 'Tollbooth: this API stage list is flushed after revocations',
    });
    const apis = kind === 'http' ? 'apis' : 'restapis';
    const base = `arn:${apiStack.partition}:apigateway:${apiStack.region}::/${apis}/${apiId}/stages`;
    const policy = new iam.CfnPolicy(scope, `${id}Policy`, {
      policyName: `${id}Policy`.slice(0, 128),
      roles: [flusher.role.roleName],
      policyDocument: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 'apigateway:GET', Resource: base },
          { Effect: 'Allow', Action: 'apigateway:DELETE', Resource: `${base}/*/cache/authorizers` },
        ],
      },
    });
    // The one wildcard is the stage name: every stage of this one API, and only its authorizer cache.
    // cdk-nag names the finding by the resource as it renders it (references as <LogicalId>).
    const shown = (value: string): string => {
      const resolved: unknown = apiStack.resolve(value);
      if (typeof resolved === 'string') return resolved;
      const ref = (resolved as { Ref?: unknown } | undefined)?.Ref;
      return typeof ref === 'string' ? `<${ref}>` : value;
    };
    acknowledgeNagFinding(
      policy,
      `AwsSolutions-IAM5[Resource::arn:${shown(apiStack.partition)}:apigateway:${shown(apiStack.region)}::/${apis}/${shown(apiId)}/stages/*/cache/authorizers]`,
      "The wildcard is the stage segment of one API's ARN: the cache flusher may empty the authorizer cache (DELETE …/cache/authorizers) of every stage of this API, stages it lists with the GET above — nothing else.",
    );
  }

  /**
   * The revocation endpoint (`POST /revocations`, `lambdas/revoke/`): a function sharing this
   * authorizer's configuration, allowed to write the revocation table and nothing else. Attach it
   * to a route behind {@link httpAuthorizer} that only `adminScope` grants. Created on first
   * call, then reused.
   */
  addRevocationEndpoint(options: RevocationEndpointOptions = {}): lambda.IFunction {
    const adminScope = options.adminScope ?? DEFAULT_ADMIN_SCOPE;
    if (this.revokeFunction) {
      if (this.revokeAdminScope !== adminScope) {
        throw new Error(
          `${this.node.path}: the revocation endpoint already exists with adminScope "${this.revokeAdminScope}", not "${adminScope}"`,
        );
      }
      return this.revokeFunction;
    }
    const problems: string[] = [];
    if (!this.table) problems.push('revocation is off, so there is no table to write');
    if (!this.scopes.has(adminScope))
      problems.push(`adminScope "${adminScope}" is not a key of scopeRoutes, so no token could reach the endpoint`);
    if (!this.table || problems.length > 0)
      throw new Error(describeProblems(`${this.node.path}: cannot add the revocation endpoint`, problems));
    this.revokeFunction = new RevokeFunction(this, 'RevokeFunction', { ...this.functionSettings, adminScope });
    this.revokeAdminScope = adminScope;
    this.grantRevoke(this.revokeFunction);
    return this.revokeFunction;
  }

  /**
   * Lets `grantee` write revocations to the table — what the revocation endpoint, the
   * `tollbooth-revoke` CLI and `RevocationWriter` need, and nothing else: `dynamodb:PutItem` (rows
   * and feed slots), and `dynamodb:GetItem` / `dynamodb:UpdateItem` on feed items only (the head).
   * Throws when revocation is off.
   */
  grantRevoke(grantee: iam.IGrantable): iam.Grant {
    const table = this.table;
    if (!table) throw new Error(`${this.node.path}: revocation is off, so there is no table to grant writes on`);
    table.encryptionKey?.grantEncryptDecrypt(grantee);
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
      resourceArns: [table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${FEED_KEY_PREFIX}*`] } },
    });
    return iam.Grant.addToPrincipal({ grantee, actions: ['dynamodb:PutItem'], resourceArns: [table.tableArn] });
  }

  /**
   * A REST API `TOKEN` authorizer for `api`, keyed on the bearer header; created in the API's scope
   * on the first call for that API, then reused. Its cache is keyed by the token alone, so it is
   * off when a scope's pattern has a `{name}` segment, and an explicit `resultsCacheTtl` is then
   * refused here: use {@link restRequestAuthorizer}, whose cache is keyed by method and resource.
   */
  restTokenAuthorizer(api: apigateway.IRestApi): apigateway.IAuthorizer {
    const explicitTtl = this.explicitCacheSeconds;
    if (this.segmentParameter !== undefined && explicitTtl !== undefined && explicitTtl > 0) {
      throw new Error(
        `${this.node.path}: a REST TOKEN authorizer's cache is keyed by the token alone, and "${this.segmentParameter}" grants one path segment, which a cached IAM policy cannot express: the token's other paths would be refused for resultsCacheTtl (${explicitTtl} s). Use restRequestAuthorizer(api), whose cache is keyed by method and resource, or set resultsCacheTtl to 0.`,
      );
    }
    return this.restAuthorizer(api, 'TOKEN', [apigateway.IdentitySource.header(this.headerName)]);
  }

  /**
   * A REST API `REQUEST` authorizer for `api`, keyed on the bearer header and (with
   * `cacheByRoute`, the default) the method and resource; created in the API's scope on the first
   * call for that API, then reused.
   */
  restRequestAuthorizer(api: apigateway.IRestApi): apigateway.IAuthorizer {
    const routeSources = this.cacheByRoute
      ? [apigateway.IdentitySource.context('httpMethod'), apigateway.IdentitySource.context('resourcePath')]
      : [];
    return this.restAuthorizer(api, 'REQUEST', [apigateway.IdentitySource.header(this.headerName), ...routeSources]);
  }

  private restAuthorizer(api: apigateway.IRestApi, type: 'TOKEN' | 'REQUEST', identitySources: string[]): TollboothRestAuthorizer {
    const id = `${this.idInApis()}${type === 'TOKEN' ? 'Token' : 'Request'}`;
    const key = `${Names.nodeUniqueId(api.node)}/${id}`;
    let authorizer = this.restAuthorizers.get(key);
    if (!authorizer) {
      const ttl = type === 'TOKEN' ? this.restTokenResultsCacheTtl : this.restResultsCacheTtl;
      authorizer = new TollboothRestAuthorizer(api, id, {
        handler: this.function,
        type,
        identitySources,
        resultsCacheTtl: ttl,
      });
      this.restAuthorizers.set(key, authorizer);
      this.registerForFlush(api, 'rest', api.restApiId, ttl);
    }
    return authorizer;
  }

  /**
   * Checks, at synth, a route the HTTP API authorizer is put on, when its answers are cached (by
   * route: `cacheByRoute: false` with a cache is refused for simple responses and token-keyed with
   * IAM policies): a simple response must not open more of the route than a scope grants, and a
   * policy is flagged when a `{name}` pattern grants only part of it (lib/route-cache-policy.ts).
   */
  private checkCachedRoute(route: apigwv2.IHttpRoute): void {
    if (this.httpResultsCacheTtl.toSeconds() === 0 || !this.cacheByRoute) return;
    route.node.addValidation({
      validate: () => {
        const routeKey = (route.node.defaultChild as apigwv2.CfnRoute | undefined)?.routeKey;
        if (typeof routeKey !== 'string' || Token.isUnresolved(routeKey)) return [];
        const findings = routeFindings(routeKey, this.scopeRoutes, this.responseMode);
        for (const warning of findings.warnings) Annotations.of(route).addWarningV2('tollbooth:route-partly-granted', warning);
        return [...findings.errors];
      },
    });
  }

  /** The id (and name) of this Tollbooth's authorizers inside an API: unique per Tollbooth in the app. */
  private idInApis(): string {
    return `Tollbooth${Names.uniqueId(this)}`.slice(0, 120);
  }
}

/** A TTL in seconds, or 0 for one that is not whole (already reported: the constructor throws). */
function secondsOr(duration: Duration): number {
  return duration.isUnresolved() || duration.toMilliseconds() % 1000 !== 0 ? 0 : duration.toSeconds();
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
