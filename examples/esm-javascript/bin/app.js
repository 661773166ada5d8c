#!/usr/bin/env node
/**
 * Tollbooth from an ES-module JavaScript CDK app: a Cognito user pool and an HTTP API in one stack,
 * the pool's tokens accepted on the API's routes, the revocation endpoint on POST /revocations.
 * `npx cdk synth` needs no AWS account.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { TollboothAuthorizer, TrustedIssuer } from 'tollbooth';

const app = new App();
const stack = new Stack(app, 'OrdersService');

const userPool = new cognito.UserPool(stack, 'Users');
const resourceServer = userPool.addResourceServer('Orders', {
  identifier: 'orders',
  scopes: [new cognito.ResourceServerScope({ scopeName: 'read', scopeDescription: 'Read orders' })],
});
const client = userPool.addClient('Service', {
  generateSecret: true,
  oAuth: {
    flows: { clientCredentials: true },
    scopes: [
      cognito.OAuthScope.resourceServer(
        resourceServer,
        new cognito.ResourceServerScope({ scopeName: 'read', scopeDescription: 'Read orders' }),
      ),
    ],
  },
});

const tollbooth = new TollboothAuthorizer(stack, 'Tollbooth', {
  // The pool's id is only known at deploy time: Tollbooth passes it to the function as such.
  issuers: [TrustedIssuer.cognito({ userPool, appClients: [client] })],
  scopeRoutes: { 'orders/read': ['GET /orders', 'GET /orders/{id}'], 'orders/admin': ['POST /revocations'] },
});

const backend = new lambda.Function(stack, 'Orders', {
  runtime: lambda.Runtime.NODEJS_22_X,
  handler: 'index.handler',
  code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200, body: "[]" });'),
});
const api = new apigwv2.HttpApi(stack, 'Api');
api.addRoutes({
  path: '/orders',
  methods: [apigwv2.HttpMethod.GET],
  integration: new HttpLambdaIntegration('Orders', backend),
  authorizer: tollbooth.httpAuthorizer,
});
api.addRoutes({
  path: '/revocations',
  methods: [apigwv2.HttpMethod.POST],
  integration: new HttpLambdaIntegration('Revoke', tollbooth.addRevocationEndpoint({ adminScope: 'orders/admin' })),
  authorizer: tollbooth.httpAuthorizer,
});
