/**
 * TollboothAuthorizer in apps laid out as users lay them out: the authorizer in a stack of its own,
 * HTTP and REST APIs in others, one Tollbooth shared by several APIs, several Tollbooths on one
 * API. Every API's authorizer and Lambda permission live in the API's stack; the Tollbooth's stack
 * refers to no API, so there is no dependency cycle.
 */
import { describe, expect, it } from 'vitest';
import { type App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { TollboothAuthorizer } from '../../lib/tollbooth-authorizer';
import { TrustedIssuer } from '../../lib/trusted-issuer';
import { resourcesOf, testApp } from '../helpers/cdk';

const ISSUER = TrustedIssuer.oidc({ issuer: 'https://idp.example.com', audiences: ['https://api.example.com'] });
const ROUTES = { 'orders:read': ['GET /orders'] };

function backend(stack: Stack): lambda.IFunction {
  return new lambda.Function(stack, 'Backend', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({})'),
  });
}

function httpApiStack(app: App, id: string, authorizers: apigwv2.IHttpRouteAuthorizer[]): Stack {
  const stack = new Stack(app, id);
  const api = new apigwv2.HttpApi(stack, 'Api');
  const integration = new HttpLambdaIntegration('Backend', backend(stack));
  authorizers.forEach((authorizer, index) => {
    api.addRoutes({ path: `/orders${index}`, methods: [apigwv2.HttpMethod.GET], integration, authorizer });
  });
  return stack;
}

function restApiStack(app: App, id: string, tollbooth: TollboothAuthorizer, apis = 1): Stack {
  const stack = new Stack(app, id);
  const handler = backend(stack);
  for (let index = 0; index < apis; index++) {
    const api = new apigateway.RestApi(stack, `Api${index}`);
    const orders = api.root.addResource('orders');
    orders.addMethod('GET', new apigateway.LambdaIntegration(handler), { authorizer: tollbooth.restTokenAuthorizer(api) });
    orders.addMethod('POST', new apigateway.LambdaIntegration(handler), { authorizer: tollbooth.restRequestAuthorizer(api) });
    // Asked again for the same API: the same authorizer.
    orders.addMethod('PUT', new apigateway.LambdaIntegration(handler), { authorizer: tollbooth.restTokenAuthorizer(api) });
  }
  return stack;
}

/** Synthesizes the whole app (which fails on a cross-stack cycle) and returns each stack's template. */
function synth(app: App, ...stacks: Stack[]): Template[] {
  app.synth();
  return stacks.map((stack) => Template.fromStack(stack));
}

describe('one Tollbooth in its own stack, APIs in other stacks', () => {
  const app = testApp();
  const auth = new Stack(app, 'Auth');
  const tollbooth = new TollboothAuthorizer(auth, 'Tollbooth', { issuers: [ISSUER], scopeRoutes: ROUTES });
  const ordersApi = httpApiStack(app, 'OrdersHttp', [tollbooth.httpAuthorizer]);
  const billingApi = httpApiStack(app, 'BillingHttp', [tollbooth.httpAuthorizer]);
  const restApis = restApiStack(app, 'Rest', tollbooth, 2);
  const [authTemplate, ordersTemplate, billingTemplate, restTemplate] = synth(app, auth, ordersApi, billingApi, restApis);

  it('synthesizes without a dependency cycle: only the API stacks depend on the Tollbooth stack', () => {
    expect(auth.dependencies).toEqual([]);
    for (const stack of [ordersApi, billingApi, restApis]) expect(stack.dependencies).toEqual([auth]);
  });

  it.each([
    { name: 'orders', template: () => ordersTemplate },
    { name: 'billing', template: () => billingTemplate },
  ])('gives the $name HTTP API its own authorizer and invoke permission, in its own stack', ({ template }) => {
    template()?.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    template()?.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: false,
    });
    template()?.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'apigateway.amazonaws.com',
      FunctionName: { 'Fn::ImportValue': Match.stringLikeRegexp('^Auth:') },
    });
    template()?.hasResourceProperties('AWS::ApiGatewayV2::Route', { AuthorizationType: 'CUSTOM' });
  });

  it('gives each REST API one TOKEN and one REQUEST authorizer, reused across its methods, in the API stack', () => {
    const authorizers = Object.values(resourcesOf(restTemplate as Template, 'AWS::ApiGateway::Authorizer'));
    expect(authorizers.map((authorizer) => authorizer.Properties['Type']).sort()).toEqual(['REQUEST', 'REQUEST', 'TOKEN', 'TOKEN']);
    const permissions = Object.values(resourcesOf(restTemplate as Template, 'AWS::Lambda::Permission')).filter(
      (permission) =>
        permission.Properties['Principal'] === 'apigateway.amazonaws.com' && JSON.stringify(permission).includes('authorizers/'),
    );
    expect(permissions).toHaveLength(4);
    restTemplate?.resourceCountIs('AWS::ApiGateway::Method', 6);
  });

  it('keeps every authorizer and permission for an API out of the Tollbooth stack', () => {
    authTemplate?.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 0);
    authTemplate?.resourceCountIs('AWS::ApiGateway::Authorizer', 0);
    authTemplate?.resourceCountIs('AWS::Lambda::Permission', 0);
    expect(JSON.stringify(authTemplate?.toJSON())).not.toContain('Fn::ImportValue');
  });
});

describe('several Tollbooths on one HTTP API', () => {
  it('gives each its own authorizer under a unique id, on the routes it guards', () => {
    const app = testApp();
    const auth = new Stack(app, 'Auth');
    const staff = new TollboothAuthorizer(auth, 'Staff', { issuers: [ISSUER], scopeRoutes: ROUTES });
    const partners = new TollboothAuthorizer(auth, 'Partners', { issuers: [ISSUER], scopeRoutes: ROUTES, revocation: false });
    const api = httpApiStack(app, 'Http', [staff.httpAuthorizer, partners.httpAuthorizer]);
    const [template] = synth(app, api);
    const authorizers = Object.values(resourcesOf(template as Template, 'AWS::ApiGatewayV2::Authorizer'));
    expect(authorizers).toHaveLength(2);
    expect(new Set(authorizers.map((authorizer) => authorizer.Properties['Name'])).size).toBe(2);
    const routes = Object.values(resourcesOf(template as Template, 'AWS::ApiGatewayV2::Route'));
    expect(new Set(routes.map((route) => JSON.stringify(route.Properties['AuthorizerId']))).size).toBe(2);
  });
});
