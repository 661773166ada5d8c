/**
 * The `authorizerUri` API Gateway invokes a Lambda authorizer through, for REST and HTTP APIs alike.
 */
import { Stack } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';

/** `arn:<partition>:apigateway:<region>:lambda:path/2015-03-31/functions/<function arn>/invocations`. */
export function lambdaAuthorizerUri(handler: lambda.IFunction): string {
  const stack = Stack.of(handler);
  return `arn:${stack.partition}:apigateway:${stack.region}:lambda:path/2015-03-31/functions/${handler.functionArn}/invocations`;
}
