/**
 * cdk-nag's AwsSolutions pack and aws-cdk-lib's built-in CloudFormation validation (strict, by
 * the `@aws-cdk/core:validateAgainstDefaultRules` flag in cdk.json) on the app exactly as
 * `cdk synth` builds it: no unacknowledged finding, and every acknowledgement is one we chose,
 * on one resource, with a written reason.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type App, Aspects, CfnResource, Stack, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks as CdkNag2AwsSolutionsChecks } from 'cdk-nag-2';
import { buildTollboothApp } from '../../bin/app-context';
import { ACKNOWLEDGED_RULES_METADATA_KEY, CDK_NAG_2_METADATA_KEY } from '../../lib/nag-acknowledgement';
import { TollboothAuthorizer } from '../../lib/tollbooth-authorizer';
import { TrustedIssuer } from '../../lib/trusted-issuer';
import { testApp } from '../helpers/cdk';

interface Violation {
  readonly ruleName: string;
  readonly severity: string;
  readonly violatingConstructs: ReadonlyArray<{ readonly constructPath: string }>;
}
interface Report {
  readonly pluginReports: ReadonlyArray<{
    readonly pluginName: string;
    readonly conclusion: string;
    readonly violations: readonly Violation[];
  }>;
}
interface Acknowledgement {
  readonly path: string;
  readonly id: string;
  readonly reason: string;
}

/** Synthesizes the app as bin/app.ts builds it, with extra context. */
function synthesize(context: Record<string, string>): { report: Report; acknowledgements: Acknowledgement[] } {
  const app = testApp();
  for (const [key, value] of Object.entries(context)) app.node.setContext(key, value);
  buildTollboothApp(app);
  // Throws (in-memory mode under vitest) with the findings if any plugin fails.
  const assembly = app.synth();
  const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as Report;
  return { report, acknowledgements: acknowledgementsIn(app) };
}

function acknowledgementsIn(app: App): Acknowledgement[] {
  return app.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      // Recorded as { '<namespace>::<id>': reason }; ids without a namespace get 'Annotation::'.
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
      .map(([id, reason]) => ({ path: construct.node.path, id: id.replace(/^Annotation::/, ''), reason })),
  );
}

describe.each([
  { name: 'with its own Cognito user pool', context: {} as Record<string, string> },
  { name: 'with an OIDC issuer', context: { issuer: 'https://idp.example.com', audience: 'orders-api' } },
])('the Tollbooth app $name', ({ context }) => {
  let result: ReturnType<typeof synthesize>;
  beforeAll(() => {
    result = synthesize(context);
  });

  // Plugins without findings are left out of the report; the controls below show both plugins run.
  it('has no unacknowledged AwsSolutions finding and no CloudFormation validation finding', () => {
    const findings = result.report.pluginReports.flatMap((plugin) =>
      plugin.violations.map(
        (violation) =>
          `${plugin.pluginName}: ${violation.ruleName} on ${violation.violatingConstructs.map((c) => c.constructPath).join(', ')}`,
      ),
    );
    expect(findings).toEqual([]);
  });

  it('acknowledges only the findings we chose to, each on one resource, each with a reason', () => {
    const expected = [
      // The construct's own: its functions run the runtime the bundle targets.
      { path: 'Tollbooth/Authorizer/Function/Resource', id: 'AwsSolutions-L1' },
      { path: 'Tollbooth/Authorizer/RevokeFunction/Resource', id: 'AwsSolutions-L1' },
      { path: 'Tollbooth/Authorizer/CacheFlusher/Resource', id: 'AwsSolutions-L1' },
      { path: 'Tollbooth/Echo', id: 'AwsSolutions-L1' },
      { path: 'Tollbooth/Api/GET--health', id: 'AwsSolutions-APIG4' },
      // The construct's own: the flush policy's one wildcard is the stage segment of this API's ARN.
      {
        path: expect.stringMatching(/^Tollbooth\/Api\/Tollbooth\w+FlushPolicy$/) as unknown as string,
        id: expect.stringMatching(
          /^AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:apigateway:<AWS::Region>::\/apis\/<Api\w+>\/stages\/\*\/cache\/authorizers\]$/,
        ) as unknown as string,
      },
      ...(Object.keys(context).length === 0 ? [{ path: 'Tollbooth/SampleUserPool/Pool', id: 'AwsSolutions-COG8' }] : []),
    ];
    const acknowledged = result.acknowledgements.map(({ path, id }) => ({ path, id }));
    expect(acknowledged).toHaveLength(expected.length);
    expect(acknowledged).toEqual(expect.arrayContaining(expected));
    for (const acknowledgement of result.acknowledgements) expect(acknowledgement.reason.length).toBeGreaterThan(60);
  });
});

describe('the checks themselves (controls)', () => {
  it('cdk-nag reports a finding on a resource nobody acknowledged, and only there', () => {
    // Prepare: the app as bin/app.ts builds it, plus one function on an old runtime.
    const app = testApp();
    const stack = buildTollboothApp(app);
    new lambda.Function(stack, 'Unreviewed', {
      runtime: lambda.Runtime.NODEJS_20_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => 1'),
    });
    // Act, Assert: acknowledgements elsewhere do not cover it.
    expect(() => app.synth()).toThrow(/AwsSolutions-L1[\s\S]*Tollbooth\/Unreviewed\/Resource/);
  });

  it('the construct records its acknowledgements under the metadata key aws-cdk-lib names for them', () => {
    expect(ACKNOWLEDGED_RULES_METADATA_KEY).toBe(Validations.ACKNOWLEDGED_RULES_METADATA_KEY);
  });

  it('the construct writes each acknowledgement in cdk-nag 2’s CloudFormation form too, the finding in applies_to', () => {
    // Prepare, Act
    const app = testApp();
    buildTollboothApp(app);
    const [policy, ...others] = app.node.findAll().filter((construct) => /FlushPolicy$/.test(construct.node.path));
    // Assert: the same finding and reason as the cdk-nag 3 acknowledgement, in NagSuppressions' format.
    expect(others).toEqual([]);
    if (!(policy instanceof CfnResource)) throw new Error('no flush policy');
    const [[id, reason] = ['', '']] = acknowledgementsIn(app)
      .filter((acknowledgement) => acknowledgement.path === policy.node.path)
      .map((acknowledgement) => [acknowledgement.id, acknowledgement.reason]);
    const finding = /^AwsSolutions-IAM5\[(.+)\]$/.exec(id)?.[1];
    expect(finding).toBeDefined();
    const { rules_to_suppress: rules } = policy.getMetadata(CDK_NAG_2_METADATA_KEY) as {
      rules_to_suppress: Array<{ id: string; applies_to: string[]; reason: string; is_reason_encoded?: boolean }>;
    };
    expect(rules).toEqual([{ id: 'AwsSolutions-IAM5', applies_to: [finding], reason: expect.any(String), is_reason_encoded: true }]);
    expect(Buffer.from(rules[0]?.reason ?? '', 'base64').toString()).toBe(reason);
  });

  it('cdk-nag 2 honours the construct’s acknowledgement, and still reports what only cdk-nag 3 was told', () => {
    // Prepare: the app with cdk-nag 2's AwsSolutions aspect as well (what apps before aws-cdk-lib 2.257 run).
    const app = testApp();
    buildTollboothApp(app);
    Aspects.of(app).add(new CdkNag2AwsSolutionsChecks());
    // Act
    app.synth();
    // Assert: its findings are error annotations; none on the construct's resources, the sample stack's own remain.
    const findings = app.node
      .findAll()
      .flatMap((construct) =>
        construct.node.metadata
          .filter((entry) => entry.type === 'aws:cdk:error' && String(entry.data).startsWith('AwsSolutions-'))
          .map((entry) => `${construct.node.path}: ${String(entry.data).split(':')[0]}`),
      );
    expect(findings.filter((finding) => /FlushPolicy|^Tollbooth\/Authorizer\//.test(finding))).toEqual([]);
    expect(findings).toEqual(expect.arrayContaining([expect.stringMatching(/^Tollbooth\/Echo\/Resource: AwsSolutions-L1$/)]));
  });

  it.each([
    { name: 'the runtime the bundle targets', runtime: undefined, acknowledged: ['AwsSolutions-L1'] },
    { name: 'a runtime the user picked', runtime: lambda.Runtime.NODEJS_24_X, acknowledged: [] },
  ])('the construct acknowledges AwsSolutions-L1 for $name only', ({ runtime, acknowledged }) => {
    // Prepare
    const app = testApp();
    const stack = new Stack(app, 'Users');
    // Act
    const tollbooth = new TollboothAuthorizer(stack, 'Tollbooth', {
      issuers: [TrustedIssuer.oidc({ issuer: 'https://idp.example.com', audiences: ['api'] })],
      scopeRoutes: { 'orders:read': ['GET /orders'] },
      ...(runtime ? { runtime } : {}),
    });
    // Assert
    const ids = acknowledgementsIn(app)
      .filter(({ path }) => path === `${tollbooth.function.node.path}/Resource`)
      .map(({ id }) => id);
    expect(ids).toEqual(acknowledged);
  });

  it('the built-in CloudFormation validation fails synth on an invalid property', () => {
    const app = testApp();
    const stack = buildTollboothApp(app);
    new CfnResource(stack, 'Invalid', { type: 'AWS::SQS::Queue', properties: { NoSuchProperty: true } });
    expect(() => app.synth()).toThrow(/CloudFormation Validate/);
  });
});
