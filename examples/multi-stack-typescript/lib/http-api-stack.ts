/**
 * An HTTP API owned by a product team: its routes carry the shared Tollbooth's authorizer, which
 * creates its API Gateway authorizer here, in this stack.
 */
import * as cdk from 'aws-cdk-lib/core';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import type { TollboothAuthorizer } from 'tollbooth';

export interface HttpApiStackProps extends cdk.StackProps {
  readonly tollbooth: TollboothAuthorizer;
  /** `METHOD /path` routes served by this API's backend. */
  readonly routes: readonly string[];
  /** Serve the Tollbooth revocation endpoint on `POST /revocations`. */
  readonly revocationEndpoint?: boolean;
}

export class HttpApiStack extends cdk.Stack {
  readonly api: apigwv2.HttpApi;

  constructor(scope: Construct, id: string, props: HttpApiStackProps) {
    super(scope, id, props);
    const backend = new lambda.Function(this, 'Backend', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline(
        'exports.handler = async (event) => ({ statusCode: 200, body: JSON.stringify(event.requestContext.authorizer) });',
      ),
    });
    this.api = new apigwv2.HttpApi(this, 'Api');
    const integration = new HttpLambdaIntegration('Backend', backend);
    for (const route of props.routes) {
      const [method, path] = route.split(' ') as [apigwv2.HttpMethod, string];
      const target =
        route === 'POST /revocations' && props.revocationEndpoint
          ? new HttpLambdaIntegration('Revoke', props.tollbooth.addRevocationEndpoint({ adminScope: 'tollbooth:admin' }))
          : integration;
      this.api.addRoutes({ path, methods: [method], integration: target, authorizer: props.tollbooth.httpAuthorizer });
    }
  }
}
