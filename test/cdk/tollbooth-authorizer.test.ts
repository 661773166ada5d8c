/**
 * TollboothAuthorizer attached to an HTTP API and a REST API in the same stack: the API Gateway
 * authorizers (payload 2.0 with IAM responses, identity sources, cache TTL), the function
 * (runtime, architecture, environment, logs), least privilege, and the constructor's validation.
 * APIs in other stacks, several APIs and several Tollbooths: tollbooth-authorizer-apps.test.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Duration, type Stack } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AUTHORIZER_ENVIRONMENT, type AuthorizerFunction } from '../../lib/authorizer-function';
import { TollboothAuthorizer, type TollboothAuthorizerProps } from '../../lib/tollbooth-authorizer';
import { TrustedIssuer } from '../../lib/trusted-issuer';
import { parseConfig } from '../../lambdas/core/config/config';
import { revokeConfigFrom } from '../../lambdas/revoke/config';
import type { RevokeFunction } from '../../lib/revoke-function';
import { defined, resourcesOf, templateOf, testStack } from '../helpers/cdk';

const ISSUER = TrustedIssuer.oidc({ issuer: 'https://idp.example.com', audiences: ['https://api.example.com'] });
const ROUTES = { 'orders:read': ['GET /orders'] };
const SHARED_TABLE_ARN = 'arn:aws:dynamodb:eu-west-1:123456789012:table/shared-revocations';

/** A stack with the authorizer on an HTTP API route and on REST TOKEN and REQUEST methods. */
function apiStack(props: Partial<TollboothAuthorizerProps> = {}, rest = true): { stack: Stack; authorizer: TollboothAuthorizer } {
  const stack = testStack();
  const authorizer = new TollboothAuthorizer(stack, 'Tollbooth', { issuers: [ISSUER], scopeRoutes: ROUTES, ...props });
  const backend = new lambda.Function(stack, 'Backend', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({})'),
  });
  const httpApi = new apigwv2.HttpApi(stack, 'HttpApi');
  httpApi.addRoutes({
    path: '/orders',
    methods: [apigwv2.HttpMethod.GET],
    integration: new HttpLambdaIntegration('Backend', backend),
    authorizer: authorizer.httpAuthorizer,
  });
  if (rest) {
    const restApi = new apigateway.RestApi(stack, 'RestApi');
    const orders = restApi.root.addResource('orders');
    orders.addMethod('GET', new apigateway.LambdaIntegration(backend), { authorizer: authorizer.restTokenAuthorizer(restApi) });
    orders.addMethod('POST', new apigateway.LambdaIntegration(backend), { authorizer: authorizer.restRequestAuthorizer(restApi) });
  }
  return { stack, authorizer };
}

describe('TollboothAuthorizer with defaults', () => {
  let template: Template;
  let functionId: string;
  beforeAll(() => {
    const { stack, authorizer } = apiStack();
    template = templateOf(stack);
    functionId = stack.getLogicalId(authorizer.function.node.defaultChild as lambda.CfnFunction);
  });

  it('gives the HTTP API payload format 2.0 with IAM policy responses (aws-cdk#21492 closed)', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: false,
      IdentitySource: ['$request.header.Authorization', '$context.routeKey'],
      AuthorizerResultTtlInSeconds: 30,
      AuthorizerUri: Match.objectLike({
        'Fn::Join': Match.arrayWith([Match.arrayWith([Match.objectLike({ 'Fn::GetAtt': [functionId, 'Arn'] })])]),
      }),
    });
  });

  it('attaches the HTTP authorizer to the route', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'GET /orders',
      AuthorizationType: 'CUSTOM',
      AuthorizerId: Match.anyValue(),
    });
  });

  it.each([
    { type: 'TOKEN', method: 'GET', identitySource: 'method.request.header.Authorization' },
    {
      type: 'REQUEST',
      method: 'POST',
      identitySource: 'method.request.header.Authorization,context.httpMethod,context.resourcePath',
    },
  ])(
    'gives REST APIs a $type authorizer keyed on the Authorization header (and the route where it can be)',
    ({ type, method, identitySource }) => {
      template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
        Type: type,
        IdentitySource: identitySource,
        AuthorizerResultTtlInSeconds: 30,
      });
      template.hasResourceProperties('AWS::ApiGateway::Method', { HttpMethod: method, AuthorizationType: 'CUSTOM' });
    },
  );

  it('lets API Gateway invoke the function, from each API only', () => {
    const permissions = Object.values(resourcesOf(template, 'AWS::Lambda::Permission')).filter((permission) =>
      JSON.stringify(permission.Properties['FunctionName']).includes(functionId),
    );
    expect(permissions.length).toBeGreaterThanOrEqual(3);
    for (const permission of permissions) {
      expect(permission.Properties).toMatchObject({
        Action: 'lambda:InvokeFunction',
        Principal: 'apigateway.amazonaws.com',
        SourceArn: expect.anything(),
      });
    }
  });

  it('runs on Node.js 22, arm64, 512 MiB, with a 5 s timeout and its own log group kept a month', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      MemorySize: 512,
      Timeout: 5,
      Handler: 'index.handler',
      LoggingConfig: { LogGroup: Match.objectLike({ Ref: Match.stringLikeRegexp('TollboothFunctionLogs') }) },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    template.resourceCountIs('Custom::LogRetention', 0);
  });

  it('declares every environment variable the authorizer reads, the table name among them', () => {
    const variables = (template.toJSON()['Resources'][functionId].Properties.Environment.Variables ?? {}) as Record<string, unknown>;
    expect(Object.keys(variables).sort()).toEqual([...AUTHORIZER_ENVIRONMENT].sort());
    expect(variables).toMatchObject({
      TOLLBOOTH_CONFIG_FILE: '',
      TOLLBOOTH_CONFIG: '',
      TOLLBOOTH_REVOCATION_TABLE: { Ref: expect.stringMatching(/^TollboothRevocationsTable/) },
      AWS_ENDPOINT_URL_DYNAMODB: '',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      POWERTOOLS_SERVICE_NAME: 'tollbooth-authorizer',
    });
  });

  it('lets the function read the revocation table with exactly BatchGetItem, write its own logs, and nothing else', () => {
    const roleRef = template.toJSON()['Resources'][functionId].Properties.Role as { 'Fn::GetAtt': [string, string] };
    const roleId = roleRef['Fn::GetAtt'][0];
    const role = resourcesOf(template, 'AWS::IAM::Role')[roleId];
    expect(role?.Properties['ManagedPolicyArns']).toBeUndefined();
    expect(role?.Properties['Policies']).toBeUndefined();
    const policies = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).filter((policy) =>
      JSON.stringify(policy.Properties['Roles']).includes(roleId),
    );
    expect(policies).toHaveLength(1);
    const statements = (defined(policies[0]).Properties['PolicyDocument'] as { Statement: unknown[] }).Statement;
    const tableId = Object.keys(resourcesOf(template, 'AWS::DynamoDB::GlobalTable'))[0];
    const logGroupId = Object.keys(resourcesOf(template, 'AWS::Logs::LogGroup'))[0];
    expect(statements).toHaveLength(2);
    expect(statements).toContainEqual({ Effect: 'Allow', Action: 'dynamodb:BatchGetItem', Resource: { 'Fn::GetAtt': [tableId, 'Arn'] } });
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] },
    });
  });

  it('creates the revocation table', () => {
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
  });
});

describe('TollboothAuthorizer cache and response modes', () => {
  it.each([
    {
      name: 'simple responses are not cached unless asked',
      props: { httpApiResponseMode: 'simple' as const },
      simple: true,
      sources: ['$request.header.Authorization', '$context.routeKey'],
      ttl: 0,
    },
    {
      name: 'simple responses cached on request add $context.routeKey to the identity sources',
      props: { httpApiResponseMode: 'simple' as const, resultsCacheTtl: Duration.seconds(30) },
      simple: true,
      sources: ['$request.header.Authorization', '$context.routeKey'],
      ttl: 30,
    },
    {
      name: 'cacheByRoute false keys IAM-mode answers on the token alone',
      props: { cacheByRoute: false, resultsCacheTtl: Duration.minutes(5) },
      simple: false,
      sources: ['$request.header.Authorization'],
      ttl: 300,
    },
    {
      name: 'a custom header name is the identity source',
      props: { advancedConfig: { headerName: 'X-Api-Token' } },
      simple: false,
      sources: ['$request.header.X-Api-Token', '$context.routeKey'],
      ttl: 30,
    },
  ])('$name', ({ props, simple, sources, ttl }) => {
    // Prepare, Act
    const { stack } = apiStack(props, false);
    // Assert
    templateOf(stack).hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: simple,
      IdentitySource: sources,
      AuthorizerResultTtlInSeconds: ttl,
    });
  });

  it.each(['simple', 'iam'] as const)('configures the function in the same response mode as the API Gateway authorizer (%s)', (mode) => {
    const { stack, authorizer } = apiStack({ httpApiResponseMode: mode }, false);
    expect((authorizer.function as AuthorizerFunction).configFile['httpApiResponseMode']).toBe(mode);
    templateOf(stack).hasResourceProperties('AWS::ApiGatewayV2::Authorizer', { EnableSimpleResponses: mode === 'simple' });
  });

  it('caches REST answers (policies) in simple mode too: REST caching does not follow the HTTP API response mode', () => {
    const { stack, authorizer } = apiStack({ httpApiResponseMode: 'simple' });
    expect(authorizer.restResultsCacheTtl.toSeconds()).toBe(30);
    const template = templateOf(stack);
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', { Type: 'TOKEN', AuthorizerResultTtlInSeconds: 30 });
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', { AuthorizerResultTtlInSeconds: 0 });
  });
});

describe('TollboothAuthorizer without revocation, or with an imported table', () => {
  it('creates no table and grants no DynamoDB access when revocation is off', () => {
    const { stack, authorizer } = apiStack({ revocation: false }, false);
    const template = templateOf(stack);
    expect(authorizer.table).toBeUndefined();
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 0);
    expect(JSON.stringify(template.toJSON())).not.toContain('dynamodb:');
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ TOLLBOOTH_REVOCATION_TABLE: '' }) },
    });
  });

  it.each([
    { kind: 'TableV2.fromTableArn', table: (stack: Stack) => dynamodb.TableV2.fromTableArn(stack, 'Shared', SHARED_TABLE_ARN) },
    { kind: 'Table.fromTableArn', table: (stack: Stack) => dynamodb.Table.fromTableArn(stack, 'Shared', SHARED_TABLE_ARN) },
  ])('grants read access on exactly the imported table ($kind)', ({ table: importTable }) => {
    const stack = testStack();
    const table = importTable(stack);
    new TollboothAuthorizer(stack, 'Tollbooth', { issuers: [ISSUER], scopeRoutes: ROUTES, revocationTable: table });
    const template = templateOf(stack);
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 0);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([{ Effect: 'Allow', Action: 'dynamodb:BatchGetItem', Resource: SHARED_TABLE_ARN }]),
      },
    });
  });

  it('gives the function the logical id it is asked for', () => {
    const stack = testStack();
    new TollboothAuthorizer(stack, 'Tollbooth', {
      issuers: [ISSUER],
      scopeRoutes: ROUTES,
      revocation: false,
      functionLogicalId: 'MyAuthorizerFunction',
    });
    expect(Object.keys(resourcesOf(templateOf(stack), 'AWS::Lambda::Function'))).toEqual(['MyAuthorizerFunction']);
  });
});

describe('TollboothAuthorizer monitoring', () => {
  it('adds the alarms and dashboard by default, watching the metrics the function writes', () => {
    const { stack } = apiStack({}, false);
    const template = templateOf(stack);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 5);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ POWERTOOLS_METRICS_NAMESPACE: 'Tollbooth', POWERTOOLS_SERVICE_NAME: 'tollbooth-authorizer' }),
      },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([
        Match.objectLike({ MetricStat: Match.objectLike({ Metric: Match.objectLike({ Namespace: 'Tollbooth' }) }) }),
      ]),
    });
  });

  it('gives the function and the alarms the same custom namespace', () => {
    const { stack } = apiStack({ monitoring: { metricsNamespace: 'Acme/Auth', dashboard: false } }, false);
    const template = templateOf(stack);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ POWERTOOLS_METRICS_NAMESPACE: 'Acme/Auth' }) },
    });
    const namespaces = JSON.stringify(resourcesOf(template, 'AWS::CloudWatch::Alarm')).match(/"Namespace":"[^"]+"/g) ?? [];
    expect(new Set(namespaces.filter((n) => !n.includes('AWS/Lambda')))).toEqual(new Set(['"Namespace":"Acme/Auth"']));
  });

  it('creates no alarm and no dashboard when monitoring is false', () => {
    const { stack, authorizer } = apiStack({ monitoring: false }, false);
    const template = templateOf(stack);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    expect(authorizer.monitoring).toBeUndefined();
  });
});

describe('TollboothAuthorizer.addRevocationEndpoint', () => {
  const adminRoutes = { ...ROUTES, 'tollbooth:admin': ['POST /revocations'] };

  it.each([
    { name: 'the default one day', props: {}, seconds: 86_400 },
    { name: 'a custom 7-day horizon', props: { maxTokenLifetime: Duration.days(7) }, seconds: 604_800 },
  ])('writes $name of revocation horizon into the configuration both functions read', ({ props, seconds }) => {
    // Prepare
    const stack = testStack();
    const authorizer = new TollboothAuthorizer(stack, 'Tollbooth', { issuers: [ISSUER], scopeRoutes: adminRoutes, ...props });
    // Act
    const revoke = authorizer.addRevocationEndpoint() as RevokeFunction;
    // Assert: the revoke function reads the same document, and keeps its rows for the same horizon.
    const authorizerFile = (authorizer.function as AuthorizerFunction).configFile;
    expect(authorizerFile['revocation']).toMatchObject({ enabled: true, maxTokenLifetimeSeconds: seconds });
    expect(revoke.configFile).toEqual(authorizerFile);
    const document = revoke.configFile as { revocation: Record<string, unknown> };
    const revokeConfig = revokeConfigFrom(parseConfig({ ...document, revocation: { ...document.revocation, tableName: 'deployed' } }));
    expect(revokeConfig.maxTokenLifetimeSeconds).toBe(seconds);
  });

  it('creates one revoke function, reused on later calls, that may only put items in the table', () => {
    const stack = testStack();
    const authorizer = new TollboothAuthorizer(stack, 'Tollbooth', { issuers: [ISSUER], scopeRoutes: adminRoutes });
    const revoke = authorizer.addRevocationEndpoint();
    expect(authorizer.addRevocationEndpoint()).toBe(revoke);
    expect(() => authorizer.addRevocationEndpoint({ adminScope: 'orders:read' })).toThrow(
      'already exists with adminScope "tollbooth:admin"',
    );
    const template = templateOf(stack);
    template.resourceCountIs('AWS::Lambda::Function', 3); // authorizer, revocation endpoint, cache flusher
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Environment: { Variables: Match.objectLike({ TOLLBOOTH_ADMIN_SCOPE: 'tollbooth:admin' }) },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Action: 'dynamodb:PutItem',
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TollboothRevocationsTable'), 'Arn'] },
          },
        ]),
      },
    });
  });

  it.each([
    {
      name: 'revocation is off',
      props: { revocation: false, scopeRoutes: adminRoutes },
      adminScope: undefined,
      problem: 'revocation is off',
    },
    {
      name: 'no scope route is granted to the admin scope',
      props: { scopeRoutes: ROUTES },
      adminScope: 'admins',
      problem: 'adminScope "admins" is not a key of scopeRoutes',
    },
  ])('refuses when $name', ({ props, adminScope, problem }) => {
    const authorizer = new TollboothAuthorizer(testStack(), 'Tollbooth', { issuers: [ISSUER], ...props });
    expect(() => authorizer.addRevocationEndpoint(adminScope === undefined ? {} : { adminScope })).toThrow(problem);
  });
});

describe('TollboothAuthorizer.grantRevoke', () => {
  it('lets another principal put revocations in the table and move the feed head, and nothing more', () => {
    const stack = testStack();
    const authorizer = new TollboothAuthorizer(stack, 'Tollbooth', { issuers: [ISSUER], scopeRoutes: ROUTES });
    const role = new iam.Role(stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() });
    authorizer.grantRevoke(role);
    const roleId = stack.getLogicalId(role.node.defaultChild as iam.CfnRole);
    const granted = Object.values(resourcesOf(templateOf(stack), 'AWS::IAM::Policy')).filter((policy) =>
      JSON.stringify(policy.Properties['Roles']).includes(roleId),
    );
    const table = { 'Fn::GetAtt': [expect.stringMatching(/^TollboothRevocationsTable/), 'Arn'] };
    expect(granted.map((policy) => (policy.Properties['PolicyDocument'] as { Statement: unknown[] }).Statement)).toEqual([
      [
        {
          Effect: 'Allow',
          Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
          Resource: table,
          Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['feed#*'] } },
        },
        { Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: table },
      ],
    ]);
  });

  it('refuses when revocation is off', () => {
    const authorizer = new TollboothAuthorizer(testStack(), 'Tollbooth', { issuers: [ISSUER], scopeRoutes: ROUTES, revocation: false });
    expect(() => authorizer.grantRevoke(new iam.AccountRootPrincipal())).toThrow('revocation is off');
  });
});

describe('TollboothAuthorizer cache flusher', () => {
  it("flushes from the table's stream, for revocation rows only, and may write feed items and nothing else of the table", () => {
    // Prepare
    const { stack, authorizer } = apiStack();
    const template = templateOf(stack);
    // Assert: the stream, the filter on the revocation key prefixes
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', { StreamSpecification: { StreamViewType: 'NEW_IMAGE' } });
    const mapping = Object.values(resourcesOf(template, 'AWS::Lambda::EventSourceMapping'))[0];
    const patterns = (defined(mapping).Properties['FilterCriteria'] as { Filters: Array<{ Pattern: string }> }).Filters.map((filter) =>
      JSON.parse(filter.Pattern),
    );
    expect(patterns.map((pattern) => pattern.dynamodb.Keys.pk.S[0].prefix).sort()).toEqual(['jti#', 'session#', 'sub#']);
    // Its role: feed writes only (LeadingKeys feed#*), row reads, its own SSM path
    const roleId = stack.getLogicalId(defined(authorizer.cacheFlusher?.role).node.defaultChild as iam.CfnRole);
    const statements = Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
      .filter((policy) => JSON.stringify(policy.Properties['Roles']).includes(roleId))
      .flatMap((policy) => (policy.Properties['PolicyDocument'] as { Statement: Array<Record<string, unknown>> }).Statement);
    expect(statements.filter((statement) => JSON.stringify(statement['Action']).includes('dynamodb:PutItem'))).toEqual([
      expect.objectContaining({ Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['feed#*'] } } }),
    ]);
    // Each protected API registers itself and grants exactly its own stages' cache flushes
    template.resourceCountIs('AWS::SSM::Parameter', 2);
    const apiPolicies = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).filter((policy) =>
      JSON.stringify(policy.Properties['PolicyDocument']).includes('apigateway:DELETE'),
    );
    expect(apiPolicies).toHaveLength(2);
    for (const policy of apiPolicies) {
      const document = JSON.stringify(policy.Properties['PolicyDocument']);
      expect(document).toMatch(/\/stages\/\*\/cache\/authorizers/);
      expect(document).not.toContain('"Resource":"*"');
    }
  });

  it('has no flusher for an imported table without a stream', () => {
    // Act
    const stack = testStack();
    const table = dynamodb.Table.fromTableArn(stack, 'Shared', SHARED_TABLE_ARN);
    const authorizer = new TollboothAuthorizer(stack, 'Tollbooth', { issuers: [ISSUER], scopeRoutes: ROUTES, revocationTable: table });
    // Assert
    expect(authorizer.cacheFlusher).toBeUndefined();
    templateOf(stack).resourceCountIs('AWS::Lambda::EventSourceMapping', 0);
  });
});

describe('TollboothAuthorizer reserved concurrency', () => {
  it('reserves the concurrency it is given', () => {
    const { stack } = apiStack({ reservedConcurrentExecutions: 50 }, false);
    templateOf(stack).hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 50 });
  });

  it('leaves the account pool by default', () => {
    const { stack } = apiStack({}, false);
    templateOf(stack).hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: Match.absent() });
  });
});

describe('TollboothAuthorizer validation', () => {
  const build = (props: Partial<TollboothAuthorizerProps>) => () =>
    new TollboothAuthorizer(testStack(), 'Tollbooth', { issuers: [ISSUER], scopeRoutes: ROUTES, ...props });

  it.each([
    {
      name: 'a result cache TTL over one hour',
      props: { resultsCacheTtl: Duration.seconds(3601) },
      message: 'resultsCacheTtl: must not be greater than 3600 seconds',
    },
    {
      name: 'a fractional result cache TTL',
      props: { resultsCacheTtl: Duration.millis(1500) },
      message: 'resultsCacheTtl: must be a whole number of seconds',
    },
    {
      name: 'simple responses cached across routes',
      props: { httpApiResponseMode: 'simple' as const, resultsCacheTtl: Duration.seconds(30), cacheByRoute: false },
      message: 'would open every route',
    },
    {
      name: 'a runtime older than Node.js 22',
      props: { runtime: lambda.Runtime.NODEJS_20_X },
      message: 'runtime: must be Node.js 22 or later',
    },
    { name: 'a Python runtime', props: { runtime: lambda.Runtime.PYTHON_3_13 }, message: 'runtime: must be Node.js 22 or later' },
    { name: 'an out-of-range memory size', props: { memorySize: 64 }, message: 'memorySize: must be an integer from 128 to 10240' },
    {
      name: 'a revocation window over an hour',
      props: { notRevokedCacheDuration: Duration.hours(2) },
      message: 'revocation.notRevokedCacheSeconds: must be an integer from 0 to 3600',
    },
    {
      name: 'a fractional revocation horizon',
      props: { maxTokenLifetime: Duration.millis(90_500) },
      message: 'maxTokenLifetime: must be a whole number of seconds, got 90500 ms',
    },
    {
      name: 'a revocation horizon over 30 days',
      props: { maxTokenLifetime: Duration.days(31) },
      message: 'revocation.maxTokenLifetimeSeconds: must be an integer from 60 to 2592000, got 2678400',
    },
    {
      name: 'a revocation horizon while revocation is off',
      props: { revocation: false, maxTokenLifetime: Duration.days(7) },
      message: 'maxTokenLifetime: given while revocation is false',
    },
    {
      name: 'the revocation horizon repeated in advancedConfig',
      props: { advancedConfig: { revocation: { maxTokenLifetimeSeconds: 604_800 } } },
      message: 'advancedConfig.revocation.maxTokenLifetimeSeconds: set it with the "maxTokenLifetime" property instead',
    },
    {
      name: 'a table while revocation is off',
      props: { revocation: false, revocationTableProps: {} },
      message: 'given while revocation is false',
    },
    {
      name: 'a typed setting repeated in advancedConfig',
      props: { advancedConfig: { routes: {} } },
      message: 'advancedConfig.routes: set it with the "scopeRoutes" property',
    },
    { name: 'an unknown advanced setting', props: { advancedConfig: { clockSkew: 5 } }, message: 'clockSkew: unknown setting' },
    {
      name: 'query-string tokens, which API Gateway would never pass on',
      props: { advancedConfig: { allowQueryStringToken: true } },
      message: 'advancedConfig.allowQueryStringToken: API Gateway only invokes the authorizer when every identity source is present',
    },
    {
      name: 'a reserved concurrency of 0, which would stop the function',
      props: { reservedConcurrentExecutions: 0 },
      message: 'reservedConcurrentExecutions: must be a whole number of at least 1',
    },
  ])('fails synth on $name', ({ props, message }) => {
    expect(build(props)).toThrow(message);
  });

  it('names every configuration problem in one error, with the construct path', () => {
    // Prepare
    const props = {
      issuers: [TrustedIssuer.oidc({ issuer: 'http://idp.example.com' })],
      scopeRoutes: { 'orders:read': ['FETCH /orders'], 'bad scope': ['GET /x'] },
      resultsCacheTtl: Duration.hours(2),
    };
    // Act
    let message = '';
    try {
      build(props)();
    } catch (error) {
      message = error instanceof Error ? error.message : String(error);
    }
    // Assert
    expect(message).toMatch(/^Test\/Tollbooth: invalid Tollbooth authorizer \(5 problems\)/);
    expect(message).toContain('resultsCacheTtl');
    expect(message).toContain('issuers[0].issuer: "http://idp.example.com" must be an https:// URL');
    expect(message).toContain('issuers[0].audience: is required');
    expect(message).toContain('FETCH');
    expect(message).toContain('routes["bad scope"]: a scope name must be an RFC 6749 scope token');
  });
});
