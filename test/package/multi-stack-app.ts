/**
 * What examples/multi-stack-typescript must synthesize to, whichever aws-cdk-lib the app has: the
 * authorizer in the Auth stack, and each API stack holding its own authorizer and invoke permission.
 * Shared by the test of the current release and the test of the oldest supported one.
 */
import { expect } from 'vitest';
import { resources, templateOf } from './user-app';

/**
 * How one stack refers to another's output: `Fn::GetStackOutput` under the feature flags cdk init
 * sets today, `Fn::ImportValue` in releases before those flags (the app's cdk.json sets them; older
 * releases ignore them).
 */
export const CROSS_STACK_REFERENCE = /Fn::ImportValue|Fn::GetStackOutput/;

/** Each HTTP API stack has one authorizer and one invoke permission, importing only the function ARN; the REST API has both kinds. */
export function expectEachApiGuardedInItsOwnStack(app: string): void {
  for (const stack of ['OrdersApi', 'BillingApi']) {
    const template = templateOf(app, stack);
    expect(resources(template, 'AWS::ApiGatewayV2::Authorizer')).toHaveLength(1);
    const [[, authorizer] = ['', undefined]] = resources(template, 'AWS::ApiGatewayV2::Authorizer');
    expect(authorizer?.Properties).toMatchObject({ AuthorizerPayloadFormatVersion: '2.0', EnableSimpleResponses: false });
    const permissions = resources(template, 'AWS::Lambda::Permission').filter(([, permission]) =>
      JSON.stringify(permission).includes('authorizers/'),
    );
    expect(permissions).toHaveLength(1);
    expect(JSON.stringify(permissions[0]?.[1].Properties['FunctionName'])).toMatch(CROSS_STACK_REFERENCE);
  }
  const rest = templateOf(app, 'LegacyApi');
  expect(
    resources(rest, 'AWS::ApiGateway::Authorizer')
      .map(([, authorizer]) => authorizer.Properties['Type'])
      .sort(),
  ).toEqual(['REQUEST', 'TOKEN']);
}
