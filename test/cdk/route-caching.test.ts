/**
 * How the construct fits API Gateway's result caches to the scope → route map: a cache keyed by
 * the token alone stays off when a pattern has a `{name}` segment (an explicit TTL is refused),
 * the function is told how each kind of authorizer is cached, simple responses cached by route
 * refuse a route a scope grants in part, and IAM policies flag one a `{name}` pattern grants in
 * part.
 */
import { describe, expect, it } from 'vitest';
import { Duration, type Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { AuthorizerFunction } from '../../lib/authorizer-function';
import { TollboothAuthorizer, type TollboothAuthorizerProps } from '../../lib/tollbooth-authorizer';
import { TrustedIssuer } from '../../lib/trusted-issuer';
import { templateOf, testStack } from '../helpers/cdk';

const ISSUER = TrustedIssuer.oidc({ issuer: 'https://idp.example.com', audiences: ['https://api.example.com'] });
const WITH_ID = { 'orders:read': ['GET /orders', 'GET /orders/{id}'] };
const LITERAL_ONLY = { 'orders:read': ['GET /orders', 'GET /orders/*'] };

function backendIn(stack: Stack): lambda.IFunction {
  return new lambda.Function(stack, 'Backend', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({})'),
  });
}

function tollbooth(stack: Stack, props: Partial<TollboothAuthorizerProps>): TollboothAuthorizer {
  return new TollboothAuthorizer(stack, 'Tollbooth', { issuers: [ISSUER], scopeRoutes: WITH_ID, ...props });
}

/** A REST API with a TOKEN and a REQUEST authorizer, and an HTTP API route, all on one Tollbooth. */
function everyKind(props: Partial<TollboothAuthorizerProps>): { stack: Stack; authorizer: TollboothAuthorizer } {
  const stack = testStack();
  const authorizer = tollbooth(stack, props);
  const backend = backendIn(stack);
  const rest = new apigateway.RestApi(stack, 'RestApi');
  const orders = rest.root.addResource('orders');
  orders.addMethod('GET', new apigateway.LambdaIntegration(backend), { authorizer: authorizer.restTokenAuthorizer(rest) });
  orders.addMethod('POST', new apigateway.LambdaIntegration(backend), { authorizer: authorizer.restRequestAuthorizer(rest) });
  new apigwv2.HttpApi(stack, 'HttpApi').addRoutes({
    path: '/orders/{id}',
    methods: [apigwv2.HttpMethod.GET],
    integration: new HttpLambdaIntegration('Backend', backend),
    authorizer: authorizer.httpAuthorizer,
  });
  return { stack, authorizer };
}

const configFileOf = (authorizer: TollboothAuthorizer): Record<string, unknown> => (authorizer.function as AuthorizerFunction).configFile;

describe('route-keyed caches and {name} segments', () => {
  it('keeps the REST TOKEN cache off with a {name} pattern, and tells the function how each kind is cached', () => {
    // Prepare, Act
    const { stack, authorizer } = everyKind({});
    // Assert
    const template = templateOf(stack);
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', { Type: 'TOKEN', AuthorizerResultTtlInSeconds: 0 });
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', { Type: 'REQUEST', AuthorizerResultTtlInSeconds: 30 });
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      IdentitySource: ['$request.header.Authorization', '$context.routeKey'],
      AuthorizerResultTtlInSeconds: 30,
    });
    expect(authorizer.restTokenResultsCacheTtl.toSeconds()).toBe(0);
    expect(configFileOf(authorizer)['resultsCache']).toEqual({ httpApi: 'route', restRequest: 'route', restToken: 'off' });
  });

  it('caches REST TOKEN answers when every pattern is one IAM can express', () => {
    const { stack, authorizer } = everyKind({ scopeRoutes: LITERAL_ONLY });
    templateOf(stack).hasResourceProperties('AWS::ApiGateway::Authorizer', { Type: 'TOKEN', AuthorizerResultTtlInSeconds: 30 });
    expect(configFileOf(authorizer)['resultsCache']).toEqual({ httpApi: 'route', restRequest: 'route', restToken: 'token' });
  });

  it('tells the function a cache is off when the TTL is 0', () => {
    const { authorizer } = everyKind({ resultsCacheTtl: Duration.seconds(0) });
    expect(configFileOf(authorizer)['resultsCache']).toEqual({ httpApi: 'off', restRequest: 'off', restToken: 'off' });
  });

  it('refuses a REST TOKEN authorizer with an explicit cache TTL and a {name} pattern, pointing at restRequestAuthorizer', () => {
    // Prepare
    const stack = testStack();
    const authorizer = tollbooth(stack, { resultsCacheTtl: Duration.minutes(5) });
    // Act, Assert
    expect(() => authorizer.restTokenAuthorizer(new apigateway.RestApi(stack, 'RestApi'))).toThrow(
      /REST TOKEN authorizer's cache is keyed by the token alone, and "GET \/orders\/\{id\}" grants one path segment.*Use restRequestAuthorizer\(api\)/,
    );
  });

  it('leaves token-keyed HTTP and REST REQUEST caches off by default with cacheByRoute false and a {name} pattern', () => {
    const { stack, authorizer } = everyKind({ cacheByRoute: false });
    const template = templateOf(stack);
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', { Type: 'REQUEST', AuthorizerResultTtlInSeconds: 0 });
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      IdentitySource: ['$request.header.Authorization'],
      AuthorizerResultTtlInSeconds: 0,
    });
    expect(configFileOf(authorizer)['resultsCache']).toEqual({ httpApi: 'off', restRequest: 'off', restToken: 'off' });
  });

  it('refuses cacheByRoute false with an explicit TTL and a {name} pattern', () => {
    expect(() => tollbooth(testStack(), { cacheByRoute: false, resultsCacheTtl: Duration.seconds(60) })).toThrow(
      /cacheByRoute: false keys API Gateway's cache by the token alone, and "GET \/orders\/\{id\}" grants one path segment/,
    );
  });

  it('keeps cacheByRoute false with a TTL when every pattern is one IAM can express, and tells the function', () => {
    const { authorizer } = everyKind({ cacheByRoute: false, resultsCacheTtl: Duration.seconds(60), scopeRoutes: LITERAL_ONLY });
    expect(configFileOf(authorizer)['resultsCache']).toEqual({ httpApi: 'token', restRequest: 'token', restToken: 'token' });
  });

  it.each([
    {
      name: 'registers no REST API for cache flushes when its only authorizer is an uncached TOKEN one',
      requestToo: false,
      registrations: 0,
    },
    {
      name: 'registers the REST API for cache flushes once a cached REQUEST authorizer joins the TOKEN one',
      requestToo: true,
      registrations: 1,
    },
  ])('$name', ({ requestToo, registrations }) => {
    // Prepare
    const stack = testStack();
    const authorizer = tollbooth(stack, {});
    const rest = new apigateway.RestApi(stack, 'RestApi');
    const orders = rest.root.addResource('orders');
    const integration = new apigateway.LambdaIntegration(backendIn(stack));
    // Act
    orders.addMethod('GET', integration, { authorizer: authorizer.restTokenAuthorizer(rest) });
    if (requestToo) orders.addMethod('POST', integration, { authorizer: authorizer.restRequestAuthorizer(rest) });
    // Assert: nothing to flush means no permission to flush
    const template = templateOf(stack);
    template.resourceCountIs('AWS::SSM::Parameter', registrations);
    expect(JSON.stringify(template.toJSON()).includes('apigateway:DELETE')).toBe(registrations > 0);
  });

  it('refuses resultsCache in advancedConfig (the construct sets it from the authorizers it makes)', () => {
    expect(() => tollbooth(testStack(), { advancedConfig: { resultsCache: { httpApi: 'route' } } })).toThrow(
      /advancedConfig.resultsCache: set it with the "resultsCacheTtl and cacheByRoute" property instead/,
    );
  });
});

describe('HTTP API routes under a cache keyed by route', () => {
  /** An HTTP API with the authorizer on one route, synthesized. */
  function httpRoute(routePath: string, props: Partial<TollboothAuthorizerProps>): Stack {
    const stack = testStack();
    const authorizer = tollbooth(stack, props);
    new apigwv2.HttpApi(stack, 'HttpApi').addRoutes({
      path: routePath,
      methods: [apigwv2.HttpMethod.GET],
      integration: new HttpLambdaIntegration('Backend', backendIn(stack)),
      authorizer: authorizer.httpAuthorizer,
    });
    return stack;
  }

  const SIMPLE_CACHED = { httpApiResponseMode: 'simple' as const, resultsCacheTtl: Duration.seconds(30) };

  it('refuses, with simple responses cached, a route a scope grants only part of', () => {
    const partial = { 'orders:one': ['GET /orders/42'], 'orders:read': ['GET /orders/{id}'] };
    expect(() => templateOf(httpRoute('/orders/{id}', { ...SIMPLE_CACHED, scopeRoutes: partial }))).toThrow(
      /route "GET \/orders\/\{id\}": scope "orders:one" grants only part of it \("GET \/orders\/42"\)/,
    );
  });

  it('accepts, with simple responses cached, routes every scope grants whole or not at all', () => {
    expect(() =>
      templateOf(httpRoute('/orders/{id}', { ...SIMPLE_CACHED, scopeRoutes: { 'orders:read': ['GET /orders/*'], other: ['POST /x'] } })),
    ).not.toThrow();
  });

  it('accepts a partly granted route with simple responses when nothing is cached', () => {
    expect(() =>
      templateOf(httpRoute('/orders/{id}', { httpApiResponseMode: 'simple', scopeRoutes: { one: ['GET /orders/42'] } })),
    ).not.toThrow();
  });

  it('warns, with IAM policies cached, of a route a {name} pattern grants only part of', () => {
    // Prepare, Act
    const stack = httpRoute('/orders/{proxy+}', { scopeRoutes: WITH_ID });
    // Assert
    Annotations.fromStack(stack).hasWarning(
      '*',
      Match.stringLikeRegexp('route "GET /orders/\\{proxy\\+\\}": scope "orders:read" grants only part of it with a \\{name\\} segment'),
    );
  });

  it('does not warn of a route a {name} pattern grants whole', () => {
    const stack = httpRoute('/orders/{id}', { scopeRoutes: WITH_ID });
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('grants only part of it'));
  });
});
