/**
 * execute-api ARNs: parsed from what API Gateway sends, rebuilt for other routes of the same stage.
 */
import { describe, expect, it } from 'vitest';
import { everyRouteArn, parseExecuteApiArn, resourceArn } from '../../../lambdas/authorizer/execute-api-arn';

const STAGE_ARN = 'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/prod';

describe('execute-api-arn', () => {
  describe('parseExecuteApiArn', () => {
    it.each([
      {
        name: 'a REST method ARN',
        arn: `${STAGE_ARN}/GET/orders/42`,
        stageArn: STAGE_ARN,
        stage: 'prod',
        method: 'GET',
        path: '/orders/42',
      },
      { name: 'the root path', arn: `${STAGE_ARN}/GET/`, stageArn: STAGE_ARN, stage: 'prod', method: 'GET', path: '/' },
      { name: 'a method without a path', arn: `${STAGE_ARN}/GET`, stageArn: STAGE_ARN, stage: 'prod', method: 'GET', path: '/' },
      {
        name: 'a path containing colons',
        arn: `${STAGE_ARN}/PUT/things/urn:x:1`,
        stageArn: STAGE_ARN,
        stage: 'prod',
        method: 'PUT',
        path: '/things/urn:x:1',
      },
      {
        name: 'an HTTP API route ARN on $default',
        arn: 'arn:aws:execute-api:us-east-1:123456789012:abcdef123/$default/POST/orders',
        stageArn: 'arn:aws:execute-api:us-east-1:123456789012:abcdef123/$default',
        stage: '$default',
        method: 'POST',
        path: '/orders',
      },
      {
        name: 'the China partition',
        arn: 'arn:aws-cn:execute-api:cn-north-1:123456789012:a1b2c3d4e5/prod/GET/orders',
        stageArn: 'arn:aws-cn:execute-api:cn-north-1:123456789012:a1b2c3d4e5/prod',
        stage: 'prod',
        method: 'GET',
        path: '/orders',
      },
      {
        name: 'the GovCloud partition',
        arn: 'arn:aws-us-gov:execute-api:us-gov-west-1:123456789012:a1b2c3d4e5/prod/DELETE/orders/1',
        stageArn: 'arn:aws-us-gov:execute-api:us-gov-west-1:123456789012:a1b2c3d4e5/prod',
        stage: 'prod',
        method: 'DELETE',
        path: '/orders/1',
      },
      {
        name: "serverless-offline's ARN (random-account-id, random-api-id, the route template)",
        arn: 'arn:aws:execute-api:us-east-1:random-account-id:random-api-id/dev/GET/orders/{id}',
        stageArn: 'arn:aws:execute-api:us-east-1:random-account-id:random-api-id/dev',
        stage: 'dev',
        method: 'GET',
        path: '/orders/{id}',
      },
      {
        name: "SAM's ARN (123456789012, 1234567890)",
        arn: 'arn:aws:execute-api:us-east-1:123456789012:1234567890/local/GET/orders/42',
        stageArn: 'arn:aws:execute-api:us-east-1:123456789012:1234567890/local',
        stage: 'local',
        method: 'GET',
        path: '/orders/42',
      },
      {
        name: "the longest api id whose every-route ARN still fits a policy Resource's 512 characters",
        arn: `arn:aws:execute-api:eu-west-1:123456789012:${'a'.repeat(462)}/prod/GET/orders`,
        stageArn: `arn:aws:execute-api:eu-west-1:123456789012:${'a'.repeat(462)}/prod`,
        stage: 'prod',
        method: 'GET',
        path: '/orders',
      },
    ])('parses $name', ({ arn, stageArn, stage, method, path }) => {
      // Act
      const parsed = parseExecuteApiArn(arn);
      // Assert
      expect(parsed).toEqual({ stageArn, apiId: stageArn.split(':')[5]?.split('/')[0], stage, method, path, resource: `${method}${path}` });
    });

    it.each([
      { name: 'undefined', arn: undefined },
      { name: 'a number', arn: 42 },
      { name: 'null', arn: null },
      { name: 'an empty string', arn: '' },
      { name: 'a non-ARN string', arn: 'hello' },
      { name: 'another service', arn: 'arn:aws:lambda:eu-west-1:123456789012:a1b2c3d4e5/prod/GET/orders' },
      { name: 'an unknown partition', arn: 'arn:evil:execute-api:eu-west-1:123456789012:a1b2c3d4e5/prod/GET/orders' },
      { name: 'an empty account', arn: 'arn:aws:execute-api:eu-west-1::a1b2c3d4e5/prod/GET/orders' },
      { name: 'an account that is a wildcard', arn: 'arn:aws:execute-api:eu-west-1:*:a1b2c3d4e5/prod/GET/orders' },
      { name: 'an account with a ? wildcard', arn: 'arn:aws:execute-api:eu-west-1:12345678901?:a1b2c3d4e5/prod/GET/orders' },
      { name: 'an account with a space', arn: 'arn:aws:execute-api:eu-west-1:random account:a1b2c3d4e5/prod/GET/orders' },
      { name: 'an upper-case region', arn: 'arn:aws:execute-api:EU-WEST-1:123456789012:a1b2c3d4e5/prod/GET/orders' },
      { name: 'no stage or method', arn: 'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5' },
      { name: 'no method', arn: 'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/prod' },
      { name: 'an empty api id', arn: 'arn:aws:execute-api:eu-west-1:123456789012:/prod/GET/orders' },
      { name: 'an api id with a * wildcard', arn: 'arn:aws:execute-api:eu-west-1:123456789012:a1*b2/prod/GET/orders' },
      { name: 'an api id that is a wildcard', arn: 'arn:aws:execute-api:eu-west-1:123456789012:*/prod/GET/orders' },
      { name: 'an api id with a ? wildcard', arn: 'arn:aws:execute-api:eu-west-1:123456789012:a1b2?/prod/GET/orders' },
      { name: 'an api id with a tab', arn: 'arn:aws:execute-api:eu-west-1:123456789012:a1\tb2/prod/GET/orders' },
      {
        name: 'a wildcard stage (an Allow would cover every stage)',
        arn: 'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/*/GET/orders',
      },
      {
        name: 'a stage with an IAM single-character wildcard',
        arn: 'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/pro?/GET/orders',
      },
      {
        name: 'a stage with a dollar sign other than $default',
        arn: 'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/$prod/GET/orders',
      },
      { name: 'an ARN longer than 4096 characters', arn: `${STAGE_ARN}/GET/${'a'.repeat(4096)}` },
      {
        name: "an api id so long that the stage's every-route ARN would pass a policy Resource's 512 characters",
        arn: `arn:aws:execute-api:eu-west-1:123456789012:${'a'.repeat(463)}/prod/GET/orders`,
      },
      {
        name: "an account so long that the stage's every-route ARN would pass a policy Resource's 512 characters",
        arn: `arn:aws:execute-api:eu-west-1:${'1'.repeat(470)}:a1b2c3d4e5/prod/GET/orders`,
      },
    ])('refuses $name', ({ arn }) => {
      // Act
      const parsed = parseExecuteApiArn(arn);
      // Assert
      expect(parsed).toBeUndefined();
    });
  });

  describe('resourceArn and everyRouteArn', () => {
    it('builds the ARN of another resource glob on the same API and stage', () => {
      // Prepare
      const arn = parseExecuteApiArn(`${STAGE_ARN}/GET/orders/42`);
      if (!arn) throw new Error('fixture ARN did not parse');
      // Act
      const built = resourceArn(arn, '*/admin/*');
      // Assert
      expect(built).toBe(`${STAGE_ARN}/*/admin/*`);
    });

    it('builds an ARN covering every route of the stage, and no other stage', () => {
      // Prepare
      const arn = parseExecuteApiArn(`${STAGE_ARN}/GET/orders/42`);
      if (!arn) throw new Error('fixture ARN did not parse');
      // Act
      const built = everyRouteArn(arn);
      // Assert
      expect(built).toBe(`${STAGE_ARN}/*`);
    });
  });
});
