/**
 * A REST API in a stack of its own: a TOKEN authorizer on reads and a REQUEST authorizer (cached per
 * method and resource) on writes, both created here by the shared Tollbooth. The TOKEN authorizer's
 * cache is keyed by the token alone, so with a `{id}` pattern in scopeRoutes it is left off
 * (docs/caching.md); the REQUEST authorizer is the one to use where caching matters.
 */
import * as cdk from 'aws-cdk-lib/core';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import type { TollboothAuthorizer } from 'tollbooth';

export interface RestApiStackProps extends cdk.StackProps {
  readonly tollbooth: TollboothAuthorizer;
}

export class RestApiStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props: RestApiStackProps) {
    super(scope, id, props);
    const backend = new lambda.Function(this, 'Backend', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200, body: "{}" });'),
    });
    const api = new apigateway.RestApi(this, 'Api');
    const orders = api.root.addResource('orders');
    const integration = new apigateway.LambdaIntegration(backend);
    orders.addMethod('GET', integration, { authorizer: props.tollbooth.restTokenAuthorizer(api) });
    orders.addResource('{id}').addMethod('GET', integration, { authorizer: props.tollbooth.restTokenAuthorizer(api) });
    orders.addMethod('POST', integration, { authorizer: props.tollbooth.restRequestAuthorizer(api) });
  }
}
