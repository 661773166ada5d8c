/**
 * The REST API side of a Tollbooth: a `TOKEN` or `REQUEST` Lambda authorizer for one REST API,
 * created in the API's own scope.
 *
 * aws-cdk-lib's `TokenAuthorizer` and `RequestAuthorizer` live wherever they are constructed and
 * put the Lambda permission beside the function: with the API in another stack, the function's
 * stack then refers to the API's authorizer and the API's stack to the function — a dependency
 * cycle — and one authorizer can only ever serve one API. This `IAuthorizer` is created in the
 * API's scope, so every reference points from the API's stack to the function's, and the
 * permission sits beside the authorizer. Only public API is used: `CfnAuthorizer`,
 * `IFunction.addPermission({ scope })`, `Deployment.addToLogicalId`.
 */
import { type Duration, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { lambdaAuthorizerUri } from './authorizer-uri';

/** Properties of a {@link TollboothRestAuthorizer}. */
export interface TollboothRestAuthorizerProps {
  readonly handler: lambda.IFunction;
  /** `TOKEN` (the bearer header only) or `REQUEST` (headers, query, context). */
  readonly type: 'TOKEN' | 'REQUEST';
  /** Mapping expressions, e.g. `method.request.header.Authorization`, `context.resourcePath`. */
  readonly identitySources: readonly string[];
  readonly resultsCacheTtl: Duration;
}

/** A Lambda authorizer of one REST API; see the file comment. */
export class TollboothRestAuthorizer extends Construct implements apigateway.IAuthorizer {
  readonly authorizerId: string;
  readonly authorizationType = apigateway.AuthorizationType.CUSTOM;
  /** The API it belongs to. */
  readonly restApi: apigateway.IRestApi;

  /** Created in `api`'s scope under `id`, which must be unique there; the authorizer's name is `id`. */
  constructor(api: apigateway.IRestApi, id: string, props: TollboothRestAuthorizerProps) {
    super(api, id);
    this.restApi = api;
    const identitySource = props.identitySources.join(',');
    const ttlSeconds = props.resultsCacheTtl.toSeconds();
    const authorizer = new apigateway.CfnAuthorizer(this, 'Resource', {
      restApiId: api.restApiId,
      name: id,
      type: props.type,
      authorizerUri: lambdaAuthorizerUri(props.handler),
      identitySource,
      authorizerResultTtlInSeconds: ttlSeconds,
    });
    this.authorizerId = authorizer.ref;
    props.handler.addPermission(`${id}Invoke`, {
      scope: this,
      principal: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      sourceArn: Stack.of(this).formatArn({
        service: 'execute-api',
        resource: api.restApiId,
        resourceName: `authorizers/${this.authorizerId}`,
      }),
    });
    // A changed authorizer only takes effect in a new deployment of the API's stage.
    const deployment = api.latestDeployment;
    if (deployment) {
      deployment.node.addDependency(authorizer);
      deployment.addToLogicalId({ tollboothAuthorizer: { id, type: props.type, identitySource, ttlSeconds } });
    }
  }
}
