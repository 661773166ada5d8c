/**
 * TollboothMonitoring, by assertion on the synthesised template: which alarms exist, on which
 * metrics and thresholds, what the dashboard shows, and which props are refused.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import { TollboothMonitoring, type TollboothMonitoringOptions } from '../../lib/tollbooth-monitoring';

const SERVICE = [{ Name: 'service', Value: 'tollbooth-authorizer' }];

function stackWith(options: TollboothMonitoringOptions = {}, withTopic = false): { template: Template; monitoring: TollboothMonitoring } {
  // Nothing in these stacks bundles; the context keeps it that way if something ever did.
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Test');
  const authorizerFunction = new lambda.Function(stack, 'Authorizer', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({});'),
  });
  const topic = withTopic ? new sns.Topic(stack, 'Topic') : undefined;
  const monitoring = new TollboothMonitoring(stack, 'Monitoring', {
    authorizerFunction,
    ...options,
    ...(topic ? { alarmActions: [new actions.SnsAction(topic)] } : {}),
  });
  return { template: Template.fromStack(stack), monitoring };
}

describe('TollboothMonitoring', () => {
  it('creates five alarms and one dashboard by default', () => {
    // Act
    const { template, monitoring } = stackWith();
    // Assert
    template.resourceCountIs('AWS::CloudWatch::Alarm', 5);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    expect(monitoring.alarms).toHaveLength(5);
  });

  it.each([
    { name: 'revocation store failures', metric: 'RevocationLookupFailures' },
    { name: 'JWKS fetch failures', metric: 'JwksFetchFailures' },
  ])('alarms on $name from the authorizer metrics, at one per five minutes', ({ metric }) => {
    // Act
    const { template } = stackWith();
    // Assert
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Tollbooth',
      MetricName: metric,
      Dimensions: SERVICE,
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  it('alarms on the deny rate only once a period has enough decisions', () => {
    // Act
    const { template } = stackWith();
    // Assert
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 0.5,
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'IF(decisions >= 100, denies / decisions, 0)', ReturnData: true }),
        Match.objectLike({
          Id: 'decisions',
          MetricStat: Match.objectLike({ Metric: { Namespace: 'Tollbooth', MetricName: 'Decisions', Dimensions: SERVICE } }),
        }),
        Match.objectLike({
          Id: 'denies',
          MetricStat: Match.objectLike({ Metric: { Namespace: 'Tollbooth', MetricName: 'Denies', Dimensions: SERVICE } }),
        }),
      ]),
    });
  });

  it('alarms on function errors without the REST 401s, plus internal denies', () => {
    // Act
    const { template } = stackWith();
    // Assert
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'MAX([FILL(errors, 0) - FILL(unauthorized, 0), 0 * FILL(errors, 0)]) + FILL(internal, 0)' }),
        Match.objectLike({
          Id: 'errors',
          MetricStat: Match.objectLike({ Metric: Match.objectLike({ Namespace: 'AWS/Lambda', MetricName: 'Errors' }) }),
        }),
        Match.objectLike({
          Id: 'unauthorized',
          MetricStat: Match.objectLike({ Metric: { Namespace: 'Tollbooth', MetricName: 'RestUnauthorized', Dimensions: SERVICE } }),
        }),
        Match.objectLike({
          Id: 'internal',
          MetricStat: Match.objectLike({
            Metric: {
              Namespace: 'Tollbooth',
              MetricName: 'Decisions',
              Dimensions: [{ Name: 'decision', Value: 'deny' }, { Name: 'reason', Value: 'internal' }, ...SERVICE],
            },
          }),
        }),
      ]),
    });
  });

  it("alarms on the function's throttles", () => {
    // Act
    const { template } = stackWith();
    // Assert
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Throttles',
      Dimensions: [{ Name: 'FunctionName', Value: Match.objectLike({ Ref: Match.stringLikeRegexp('Authorizer') }) }],
      Threshold: 1,
    });
  });

  it('sends every alarm to the actions it is given', () => {
    // Act
    const { template } = stackWith({}, true);
    // Assert
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(5);
    for (const alarm of alarms) expect(alarm['Properties']['AlarmActions']).toEqual([{ Ref: expect.stringMatching(/^Topic/) }]);
  });

  it('uses the namespace, service, period and thresholds it is given', () => {
    // Act
    const { template } = stackWith({
      metricsNamespace: 'Acme/Edge',
      serviceName: 'orders-authorizer',
      period: Duration.minutes(1),
      evaluationPeriods: 3,
      revocationFailuresThreshold: 5,
      denyRateThreshold: 0.8,
      denyRateMinimumDecisions: 20,
    });
    // Assert
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Acme/Edge',
      MetricName: 'RevocationLookupFailures',
      Dimensions: [{ Name: 'service', Value: 'orders-authorizer' }],
      Period: 60,
      Threshold: 5,
      EvaluationPeriods: 3,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 0.8,
      Metrics: Match.arrayWith([Match.objectLike({ Expression: 'IF(decisions >= 20, denies / decisions, 0)' })]),
    });
  });

  it('shows decisions, denies by reason, latency, the revocation cache and the alarms on the dashboard', () => {
    // Act
    const { template } = stackWith();
    // Assert
    const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(dashboards[0]?.['Properties']['DashboardBody']);
    for (const expected of [
      'Decisions',
      'Denies by reason',
      'MetricName=\\\\\\"Decisions\\\\\\"',
      'Latency',
      'hits / (hits + reads)',
      'JwksFetchFailures',
      'ColdStart',
      'Alarms',
    ]) {
      expect(body).toContain(expected);
    }
  });

  it.each([
    { name: 'the alarms', options: { alarms: false }, alarms: 0, dashboards: 1 },
    { name: 'the dashboard', options: { dashboard: false }, alarms: 5, dashboards: 0 },
    { name: 'both', options: { alarms: false, dashboard: false }, alarms: 0, dashboards: 0 },
  ])('leaves out $name when asked', ({ options, alarms, dashboards }) => {
    // Act
    const { template } = stackWith(options);
    // Assert
    template.resourceCountIs('AWS::CloudWatch::Alarm', alarms);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', dashboards);
  });

  it('watches an imported function, without creating one', () => {
    // Prepare
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Imported');
    const arn = 'arn:aws:lambda:eu-west-1:123456789012:function:tollbooth-authorizer';
    // Act
    new TollboothMonitoring(stack, 'Monitoring', { authorizerFunction: lambda.Function.fromFunctionArn(stack, 'Authorizer', arn) });
    // Assert
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Lambda::Function', 0);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Throttles',
      Dimensions: [{ Name: 'FunctionName', Value: 'tollbooth-authorizer' }],
    });
  });

  it.each([
    {
      name: 'a deny-rate threshold above 1',
      options: { denyRateThreshold: 1.5 },
      problem: 'denyRateThreshold must be greater than 0 and at most 1, got 1.5',
    },
    {
      name: 'a zero deny-rate threshold',
      options: { denyRateThreshold: 0 },
      problem: 'denyRateThreshold must be greater than 0 and at most 1, got 0',
    },
    {
      name: 'a fractional threshold',
      options: { errorsThreshold: 0.5 },
      problem: 'errorsThreshold must be a whole number of at least 1, got 0.5',
    },
    {
      name: 'zero evaluation periods',
      options: { evaluationPeriods: 0 },
      problem: 'evaluationPeriods must be a whole number of at least 1, got 0',
    },
    {
      name: 'a period in seconds',
      options: { period: Duration.seconds(90) },
      problem: 'period must be a whole number of minutes, got 90 seconds',
    },
    { name: 'an empty service name', options: { serviceName: ' ' }, problem: 'serviceName must not be empty' },
    {
      name: 'a namespace with spaces',
      options: { metricsNamespace: 'my namespace' },
      problem: 'metricsNamespace "my namespace" is not a valid CloudWatch namespace',
    },
  ])('throws on $name, naming the prop and the bound', ({ options, problem }) => {
    // Act / Assert
    expect(() => stackWith(options)).toThrow(problem);
  });

  it('names every problem at once', () => {
    // Act / Assert
    expect(() => stackWith({ denyRateThreshold: 2, throttlesThreshold: -1 })).toThrow(
      /throttlesThreshold must be[\s\S]*denyRateThreshold must be/,
    );
  });
});
