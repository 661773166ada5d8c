/**
 * The deployable sample stack: scoped routes behind the authorizer, /health public, the echo
 * backend, the revocation endpoint (the only writer of the table), outputs, and what `sam local`
 * needs from the template (logical id, asset metadata, declared environment).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { Duration } from 'aws-cdk-lib';
import { AUTHORIZER_ENVIRONMENT, type AuthorizerFunction } from '../../lib/authorizer-function';
import { REVOKE_ENVIRONMENT } from '../../lib/revoke-function';
import { SAMPLE_PUBLIC_ROUTES, SAMPLE_SCOPE_ROUTES } from '../../lib/sample-config';
import { AUTHORIZER_FUNCTION_LOGICAL_ID, TollboothStack } from '../../lib/tollbooth-stack';
import { TrustedIssuer } from '../../lib/trusted-issuer';
import { defined, resourcesOf, templateOf, testApp } from '../helpers/cdk';

describe('TollboothStack with its own Cognito user pool', () => {
  let template: Template;
  beforeAll(() => {
    template = templateOf(new TollboothStack(testApp(), 'Tollbooth'));
  });

  it.each(['GET /orders', 'GET /orders/{id}', 'POST /orders', 'POST /revocations'])(
    'protects %s with the Tollbooth authorizer',
    (routeKey) => {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: routeKey,
        AuthorizationType: 'CUSTOM',
        AuthorizerId: { Ref: Match.stringLikeRegexp('TollboothAuthorizer') },
      });
    },
  );

  it.each(SAMPLE_PUBLIC_ROUTES)('leaves %s public', (routeKey) => {
    const route = Object.values(resourcesOf(template, 'AWS::ApiGatewayV2::Route')).find(
      (candidate) => candidate.Properties['RouteKey'] === routeKey,
    );
    expect(route?.Properties['AuthorizationType'] ?? 'NONE').toBe('NONE');
    expect(route?.Properties['AuthorizerId']).toBeUndefined();
  });

  it('serves exactly the sample routes and the revocation endpoint', () => {
    const routeKeys = Object.values(resourcesOf(template, 'AWS::ApiGatewayV2::Route')).map((route) => route.Properties['RouteKey']);
    expect(routeKeys.sort()).toEqual(['GET /health', 'GET /orders', 'GET /orders/{id}', 'POST /orders', 'POST /revocations']);
  });

  it('lets only the revocation function write revocation rows (PutItem), the flusher only feed items', () => {
    const functions = resourcesOf(template, 'AWS::Lambda::Function');
    const [revokeId, revoke] =
      Object.entries(functions).find(([, fn]) => fn.Properties['Description'] === 'Tollbooth revocation endpoint (POST /revocations)') ??
      [];
    expect(revokeId).toBeDefined();
    const variables = (defined(revoke).Properties['Environment'] as { Variables: Record<string, unknown> }).Variables;
    expect(Object.keys(variables).sort()).toEqual([...REVOKE_ENVIRONMENT].sort());
    expect(variables['TOLLBOOTH_ADMIN_SCOPE']).toBe('tollbooth/tollbooth:admin');
    // Every PutItem statement but the endpoint's is limited to feed items.
    const putStatements = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).flatMap((policy) =>
      (policy.Properties['PolicyDocument'] as { Statement: Array<{ Action: unknown; Condition?: unknown }> }).Statement.filter(
        (statement) => JSON.stringify(statement.Action).includes('dynamodb:PutItem'),
      ).map((statement) => ({ policy, statement })),
    );
    const unrestricted = putStatements.filter(({ statement }) => statement.Condition === undefined);
    expect(unrestricted).toHaveLength(1);
    const writers = unrestricted.map(({ policy }) => policy);
    expect(unrestricted[0]?.statement).toEqual(
      expect.objectContaining({
        Action: 'dynamodb:PutItem',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^AuthorizerRevocationsTable/), 'Arn'] },
      }),
    );
    for (const { statement } of putStatements.filter(({ statement }) => statement.Condition !== undefined))
      expect(statement.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['feed#*'] } });
    const revokeRole = (defined(revoke).Properties['Role'] as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    expect(JSON.stringify(defined(writers[0]).Properties['Roles'])).toContain(revokeRole);
  });

  it("gives the authorizer function a stable logical id, SAM's asset metadata, and every environment variable", () => {
    const fn = resourcesOf(template, 'AWS::Lambda::Function')[AUTHORIZER_FUNCTION_LOGICAL_ID];
    // Without bundling the path is the source folder; bundle.test.ts checks the bundled asset.
    expect(fn?.Metadata).toMatchObject({ 'aws:asset:path': expect.any(String), 'aws:asset:property': 'Code' });
    const variables = (defined(fn).Properties['Environment'] as { Variables: Record<string, unknown> }).Variables;
    expect(Object.keys(variables).sort()).toEqual([...AUTHORIZER_ENVIRONMENT].sort());
  });

  it('trusts the user pool and its client through TOLLBOOTH_CONFIG, resolved at deploy time', () => {
    const variables = (
      defined(resourcesOf(template, 'AWS::Lambda::Function')[AUTHORIZER_FUNCTION_LOGICAL_ID]).Properties['Environment'] as {
        Variables: Record<string, unknown>;
      }
    ).Variables;
    const rendered = JSON.stringify(variables['TOLLBOOTH_CONFIG']);
    expect(rendered).toContain('\\"type\\":\\"cognito\\"');
    expect(rendered).toMatch(/"Ref":"SampleUserPool[0-9A-F]+"/);
    expect(rendered).toMatch(/"Ref":"SampleUserPoolSampleClient[0-9A-F]+"/);
  });

  it('creates a resource server with the sample scopes, a client-credentials client, and an admin client', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', {
      Identifier: 'tollbooth',
      Scopes: Object.keys(SAMPLE_SCOPE_ROUTES).map((name) => ({ ScopeName: name, ScopeDescription: Match.anyValue() })),
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', { AllowedOAuthFlows: ['client_credentials'], GenerateSecret: true });
    const scopes = JSON.stringify(
      Object.values(resourcesOf(template, 'AWS::Cognito::UserPoolClient'))[0]?.Properties['AllowedOAuthScopes'],
    );
    expect(scopes).toContain('/orders:read');
    expect(scopes).toContain('/orders:write');
    expect(scopes).not.toContain('tollbooth:admin');
    const adminScopes = JSON.stringify(
      Object.values(resourcesOf(template, 'AWS::Cognito::UserPoolClient'))[1]?.Properties['AllowedOAuthScopes'],
    );
    expect(adminScopes).toContain('/tollbooth:admin');
    expect(adminScopes).not.toContain('orders');
  });

  it('echoes the authorizer context from a backend behind every route, built from a file asset (sam local runs no inline code)', () => {
    const [logicalId, echo] = Object.entries(resourcesOf(template, 'AWS::Lambda::Function')).find(
      ([, fn]) => fn.Properties['Description'] === 'Tollbooth sample backend: echoes the authorizer context',
    ) ?? ['', undefined];
    expect(echo?.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Handler: 'index.handler' });
    expect(echo?.Properties['Code']).toEqual({ S3Bucket: expect.anything(), S3Key: expect.anything() });
    expect(template.toJSON()['Resources'][logicalId]['Metadata']).toMatchObject({
      'aws:asset:property': 'Code',
      'aws:asset:path': expect.stringMatching(/^asset\./),
    });
  });

  it('logs API access and outputs the API URL, table, function and token endpoint', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
    expect(Object.keys(template.toJSON()['Outputs']).sort()).toEqual([
      'AdminClientId',
      'ApiUrl',
      'AuthorizerFunctionName',
      'ClientId',
      'RevocationTableName',
      'TokenEndpoint',
      'UserPoolId',
    ]);
  });
});

describe('TollboothStack with an OIDC issuer', () => {
  it('creates no user pool and writes the issuer into the bundled file instead of the environment', () => {
    const stack = new TollboothStack(testApp(), 'Tollbooth', {
      issuers: [TrustedIssuer.oidc({ issuer: 'https://idp.example.com', audiences: ['orders-api'] })],
    });
    const template = templateOf(stack);
    template.resourceCountIs('AWS::Cognito::UserPool', 0);
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ TOLLBOOTH_CONFIG: '' }) } });
    expect(Object.keys(template.toJSON()['Outputs']).sort()).toEqual(['ApiUrl', 'AuthorizerFunctionName', 'RevocationTableName']);
  });
});

describe('TollboothStack and its revocation table', () => {
  const issuers = [TrustedIssuer.oidc({ issuer: 'https://idp.example.com', audiences: ['orders-api'] })];

  it('names the table it creates after the stack, so a redeploy after a delete fails loudly instead of starting empty', () => {
    const template = templateOf(new TollboothStack(testApp(), 'Orders', { issuers }));
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', { TableName: 'Orders-revocations' });
    template.hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('writes its revocation horizon into the configuration the authorizer and the revocation endpoint share', () => {
    // Act
    const stack = new TollboothStack(testApp(), 'Orders', { issuers, maxTokenLifetime: Duration.days(7) });
    // Assert
    expect((stack.authorizer.function as AuthorizerFunction).configFile['revocation']).toMatchObject({ maxTokenLifetimeSeconds: 604_800 });
  });

  it('imports an existing table by name instead, reading and writing exactly that table', () => {
    const template = templateOf(new TollboothStack(testApp(), 'Orders', { issuers, revocationTableName: 'Orders-revocations' }));
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 0);
    const policies = JSON.stringify(resourcesOf(template, 'AWS::IAM::Policy'));
    expect(policies).toContain(':table/Orders-revocations');
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ TOLLBOOTH_REVOCATION_TABLE: 'Orders-revocations' }) },
    });
  });
});
