/**
 * An HTTP API Lambda authorizer on payload format 2.0 in both response modes.
 *
 * aws-cdk-lib's `HttpLambdaAuthorizer` ties the payload format to the response type: simple
 * responses get 2.0, IAM policy responses get 1.0 (aws/aws-cdk#21492). API Gateway itself allows
 * 2.0 with IAM policies, which Tollbooth answers natively — so this subclass lets the base class
 * create and wire the authorizer (permission, identity source, cache TTL) and then sets the two
 * properties it cannot express on the underlying `AWS::ApiGatewayV2::Authorizer`.
 */
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType, type HttpLambdaAuthorizerProps } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import type * as lambda from 'aws-cdk-lib/aws-lambda';

/** Properties of a {@link PayloadV2HttpLambdaAuthorizer}. */
export interface PayloadV2HttpLambdaAuthorizerProps extends Omit<HttpLambdaAuthorizerProps, 'responseTypes'> {
  /** `'iam'`: the function answers with IAM policies; `'simple'`: with `isAuthorized`. */
  readonly responseMode: 'iam' | 'simple';
}

/** `HttpLambdaAuthorizer` that always uses payload format 2.0, with IAM or simple responses. */
export class PayloadV2HttpLambdaAuthorizer extends HttpLambdaAuthorizer {
  private readonly constructId: string;
  private readonly responseMode: 'iam' | 'simple';

  constructor(id: string, handler: lambda.IFunction, props: PayloadV2HttpLambdaAuthorizerProps) {
    const { responseMode, ...rest } = props;
    super(id, handler, {
      ...rest,
      responseTypes: [responseMode === 'simple' ? HttpLambdaResponseType.SIMPLE : HttpLambdaResponseType.IAM],
    });
    this.constructId = id;
    this.responseMode = responseMode;
  }

  override bind(options: apigwv2.HttpRouteAuthorizerBindOptions): apigwv2.HttpRouteAuthorizerConfig {
    const config = super.bind(options);
    // The base class creates the authorizer once, as a child of the route's API, under our id.
    const authorizer = options.scope.node.findChild(this.constructId);
    const cfn = authorizer.node.defaultChild as apigwv2.CfnAuthorizer;
    cfn.authorizerPayloadFormatVersion = '2.0';
    cfn.enableSimpleResponses = this.responseMode === 'simple';
    return config;
  }
}
