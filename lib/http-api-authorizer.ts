/**
 * The HTTP API side of a Tollbooth: one `IHttpRouteAuthorizer` that users put on routes of any
 * number of HTTP APIs, in any stacks.
 *
 * aws-cdk-lib's `HttpLambdaAuthorizer` creates its `AWS::ApiGatewayV2::Authorizer` once, for the
 * first API it is bound to, and refuses a second API; it also ties payload format 2.0 to simple
 * responses (aws/aws-cdk#21492), while API Gateway — and Tollbooth — take 2.0 with IAM policies.
 * This class creates one authorizer per API, in the API's own scope (so the API's stack refers to
 * the function's, never the reverse: no cross-stack cycle), under an id unique to the Tollbooth
 * (so several Tollbooths can guard one API), with the Lambda permission beside it. Only public
 * aws-cdk-lib API is used.
 */
import { type Duration, Stack } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { lambdaAuthorizerUri } from './authorizer-uri';

/** Properties of a {@link TollboothHttpRouteAuthorizer}. */
export interface TollboothHttpRouteAuthorizerProps {
  /** The authorizer function. */
  readonly handler: lambda.IFunction;
  /** `'iam'`: the function answers with IAM policies; `'simple'`: with `isAuthorized`. */
  readonly responseMode: 'iam' | 'simple';
  /** Identity sources, e.g. `['$request.header.Authorization', '$context.routeKey']`. */
  readonly identitySource: readonly string[];
  /** API Gateway's authorizer result cache TTL (0 turns it off). */
  readonly resultsCacheTtl: Duration;
  /** Construct id and authorizer name inside each API: unique per Tollbooth. */
  readonly id: string;
  /** Called once per route the authorizer is put on (validation, bookkeeping). */
  readonly onBind?: (route: apigwv2.IHttpRoute) => void;
  /** Called once per API, when its authorizer is created, with a scope in the API's stack. */
  readonly onApi?: (api: apigwv2.IHttpApi, scope: Construct) => void;
}

/** An HTTP API Lambda authorizer (payload format 2.0) that can be bound to routes of many APIs. */
export class TollboothHttpRouteAuthorizer implements apigwv2.IHttpRouteAuthorizer {
  // aws-cdk-lib checks this against its (unexported) HttpRouteAuthorizationType: a Lambda authorizer is CUSTOM.
  readonly authorizationType = 'CUSTOM';
  /** By API construct path: `route.httpApi` may hand out a fresh wrapper object each time. */
  private readonly byApi = new Map<string, { readonly api: apigwv2.IHttpApi; readonly authorizer: apigwv2.HttpAuthorizer }>();

  constructor(private readonly props: TollboothHttpRouteAuthorizerProps) {}

  /** The authorizer created for `api`, once a route of it uses this authorizer. */
  authorizerFor(api: apigwv2.IHttpApi): apigwv2.IHttpAuthorizer | undefined {
    return this.byApi.get(api.node.path)?.authorizer;
  }

  /** The APIs this authorizer guards routes of, in the order they were bound. */
  get apis(): readonly apigwv2.IHttpApi[] {
    return [...this.byApi.values()].map((bound) => bound.api);
  }

  bind(options: apigwv2.HttpRouteAuthorizerBindOptions): apigwv2.HttpRouteAuthorizerConfig {
    const api = options.route.httpApi;
    let authorizer = this.byApi.get(api.node.path)?.authorizer;
    if (!authorizer) {
      const { handler, responseMode, identitySource, resultsCacheTtl, id } = this.props;
      authorizer = new apigwv2.HttpAuthorizer(options.scope, id, {
        httpApi: api,
        type: apigwv2.HttpAuthorizerType.LAMBDA,
        authorizerName: id,
        authorizerUri: lambdaAuthorizerUri(handler),
        payloadFormatVersion: apigwv2.AuthorizerPayloadVersion.VERSION_2_0,
        enableSimpleResponses: responseMode === 'simple',
        identitySource: [...identitySource],
        resultsCacheTtl,
      });
      handler.addPermission(`${id}Invoke`, {
        scope: options.scope,
        principal: new iam.ServicePrincipal('apigateway.amazonaws.com'),
        sourceArn: Stack.of(options.scope).formatArn({
          service: 'execute-api',
          resource: api.apiId,
          resourceName: `authorizers/${authorizer.authorizerId}`,
        }),
      });
      this.byApi.set(api.node.path, { api, authorizer });
      this.props.onApi?.(api, api);
    }
    this.props.onBind?.(options.route);
    return { authorizerId: authorizer.authorizerId, authorizationType: this.authorizationType };
  }
}
