/**
 * `sam local start-api` on the synthesized sample stack, judged without Docker: the template as SAM
 * reads it (stage name, authorizer, identity sources, the backend's code) and SAM's own decision
 * rules (test/helpers/sam-local.ts, re-implemented from aws/aws-sam-cli 1.164.0 with file and line
 * references) applied to the real authorizer's answers to the events SAM sends.
 *
 * What this shows, and docs/sam-local.md says: with `-c stageName=local` every granted route is
 * allowed and nothing else, whatever the token's scopes; with the default `$default` stage SAM
 * refuses every allowed request (its regular expression reads `$` as the end) — until
 * aws/aws-sam-cli#9155 — unless the HTTP API answers with simple responses; the backend is a file
 * asset, so an allowed request reaches it instead of SAM's 501 for inline code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthorizer, type Authorizer } from '../../lambdas/authorizer/handler';
import { settingsFromContext } from '../../bin/app-context';
import { SAMPLE_SCOPE_ROUTES } from '../../lib/sample-config';
import { AUTHORIZER_FUNCTION_LOGICAL_ID, TollboothStack, type TollboothStackProps } from '../../lib/tollbooth-stack';
import { templateOf, testApp } from '../helpers/cdk';
import { samEvent, samMethodArn } from '../helpers/emulator-events';
import { AUDIENCE, startFixture, type Fixture } from '../helpers/fixture';
import { LogCapture } from '../helpers/log-capture';
import {
  samApiOf,
  samDecide,
  samIdentitySourcesPresent,
  samResourceMatches,
  type AuthorizerRun,
  type CfnResource,
  type SamApi,
  type SamMatching,
} from '../helpers/sam-local';
import { mintToken } from '../helpers/tokens';

const POOL = { userPoolId: 'eu-west-1_AbCdEf123', clientId: 'client1', scopePrefix: 'tollbooth/' };
const SCOPES = Object.keys(SAMPLE_SCOPE_ROUTES).map((scope) => `tollbooth/${scope}`);

/** The sample stack as `npx cdk synth -c …` builds it from this context. */
function synthesize(context: Record<string, string>, extra: TollboothStackProps = {}): Record<string, CfnResource> {
  const { stackName, stackProps } = settingsFromContext((key) => ({ ...POOL, ...context })[key]);
  const template = templateOf(new TollboothStack(testApp(), stackName, { ...stackProps, ...extra })).toJSON() as {
    Resources: Record<string, CfnResource>;
  };
  return template.Resources;
}

let fixture: Fixture;
const authorizers: Partial<Record<'iam' | 'simple', Authorizer>> = {};
const tokens = new Map<string, string>();

beforeAll(async () => {
  fixture = await startFixture();
  const routes = Object.fromEntries(Object.entries(SAMPLE_SCOPE_ROUTES).map(([scope, patterns]) => [`tollbooth/${scope}`, patterns]));
  for (const mode of ['iam', 'simple'] as const) {
    authorizers[mode] = createAuthorizer(fixture.config({ routes, httpApiResponseMode: mode, revocation: { enabled: false } }), {
      logger: new LogCapture(),
    });
  }
  for (const scope of SCOPES)
    tokens.set(scope, await mintToken({ key: fixture.keys.rsa, issuer: fixture.issuer, audience: AUDIENCE, scope }));
}, 60_000);

afterAll(async () => {
  await fixture.close();
});

/** SAM's answer to `METHOD path` on this API, with this Authorization header (or none). */
async function throughSam(api: SamApi, routeKey: string, authorization: string | undefined, matching: SamMatching = 'sam-1.164.0') {
  const [method = 'GET', route = '/'] = routeKey.split(' ');
  const path = route.replace(/\{[^}]+\}/g, '42');
  const event = samEvent('http-v2', {
    method,
    route,
    path,
    stage: api.stageName ?? 'None',
    ...(authorization === undefined ? {} : { authorization }),
  });
  const request = { headers: event['headers'] as Record<string, string>, context: event['requestContext'] as Record<string, unknown> };
  if (!samIdentitySourcesPresent(api.authorizer, request)) return 401;
  const authorizer = authorizers[api.authorizer.simpleResponses ? 'simple' : 'iam'];
  if (!authorizer) throw new Error('no authorizer');
  let run: AuthorizerRun;
  try {
    run = { threw: false, body: JSON.parse(JSON.stringify(await authorizer.handler(event))) as unknown };
  } catch {
    run = { threw: true };
  }
  return samDecide(api.authorizer, run, samMethodArn(api.stageName, method, path), matching);
}

/** Whether the sample configuration grants this route key to this scope. */
function grants(scope: string, routeKey: string): boolean {
  return (SAMPLE_SCOPE_ROUTES[scope.replace(/^tollbooth\//, '')] ?? []).includes(routeKey);
}

describe('the sample stack under sam local start-api', () => {
  describe('synthesized with -c stageName=local -c architecture=x86_64', () => {
    let resources: Record<string, CfnResource>;
    let api: SamApi;
    beforeAll(() => {
      resources = synthesize({ stageName: 'local', architecture: 'x86_64' });
      api = samApiOf(resources);
    });

    it('has one stage, named local, so the ARN SAM builds has no $ in it', () => {
      expect(Object.values(resources).filter((resource) => resource.Type === 'AWS::ApiGatewayV2::Stage')).toHaveLength(1);
      expect(api.stageName).toBe('local');
    });

    it('builds every function for x86_64, so SAM runs none of them under QEMU on an x86_64 machine', () => {
      const functions = Object.values(resources).filter((resource) => resource.Type === 'AWS::Lambda::Function');
      expect(functions.length).toBeGreaterThanOrEqual(3);
      for (const fn of functions) expect(fn.Properties['Architectures']).toEqual(['x86_64']);
    });

    it('builds the backend from a file asset SAM can mount (inline code is a 501 there)', () => {
      const functions = Object.entries(resources).filter(([, resource]) => resource.Type === 'AWS::Lambda::Function');
      for (const [logicalId, fn] of functions) {
        expect(JSON.stringify(fn.Properties['Code']), logicalId).not.toContain('ZipFile');
        expect((fn as CfnResource & { Metadata?: Record<string, unknown> }).Metadata, logicalId).toMatchObject({
          'aws:asset:property': 'Code',
        });
      }
      expect(Object.keys(resources)).toContain(AUTHORIZER_FUNCTION_LOGICAL_ID);
    });

    it('guards the sample routes with identity sources SAM can check (the header, and $context.routeKey)', () => {
      expect(api.authorizer).toEqual({
        payloadVersion: '2.0',
        simpleResponses: false,
        identitySources: ['$request.header.Authorization', '$context.routeKey'],
      });
      expect([...api.protectedRoutes].sort()).toEqual(['GET /orders', 'GET /orders/{id}', 'POST /orders', 'POST /revocations']);
    });

    it.each(SCOPES)('allows exactly the routes scope %s grants, and refuses the others with 403', async (scope) => {
      for (const routeKey of api.protectedRoutes) {
        // Act
        const outcome = await throughSam(api, routeKey, `Bearer ${tokens.get(scope)}`);
        // Assert
        expect(outcome, routeKey).toBe(grants(scope, routeKey) ? 'allow' : 403);
      }
    });

    it('answers 401 without a token, before calling the authorizer', async () => {
      expect(await throughSam(api, 'GET /orders', undefined)).toBe(401);
    });

    it('refuses a token that does not verify with 403 (a policy, never a thrown error SAM would turn into a 502)', async () => {
      const expired = await mintToken({
        key: fixture.keys.rsa,
        issuer: fixture.issuer,
        audience: AUDIENCE,
        scope: SCOPES[0],
        expiresIn: -120,
      });
      expect(await throughSam(api, 'GET /orders', `Bearer ${expired}`)).toBe(403);
      expect(await throughSam(api, 'GET /orders', 'Bearer not.a.jwt')).toBe(403);
    });
  });

  describe('synthesized with the default $default stage', () => {
    const scope = 'tollbooth/orders:read';

    it('is refused by SAM 1.164.0 on every granted route: the policy names $default, which SAM reads as the end of a pattern', async () => {
      const api = samApiOf(synthesize({}));
      expect(api.stageName).toBe('$default');
      expect(await throughSam(api, 'GET /orders', `Bearer ${tokens.get(scope)}`)).toBe(403);
      expect(await throughSam(api, 'GET /orders/{id}', `Bearer ${tokens.get(scope)}`)).toBe(403);
    });

    it('is allowed on granted routes once SAM takes resources literally (aws/aws-sam-cli#9155)', async () => {
      const api = samApiOf(synthesize({}));
      expect(await throughSam(api, 'GET /orders', `Bearer ${tokens.get(scope)}`, 'pr-9155')).toBe('allow');
      expect(await throughSam(api, 'POST /orders', `Bearer ${tokens.get(scope)}`, 'pr-9155')).toBe(403);
    });

    it('works with simple responses, where SAM matches no ARN', async () => {
      const api = samApiOf(synthesize({}, { httpApiResponseMode: 'simple' }));
      expect(api.authorizer.simpleResponses).toBe(true);
      expect(await throughSam(api, 'GET /orders', `Bearer ${tokens.get(scope)}`)).toBe('allow');
      expect(await throughSam(api, 'POST /orders', `Bearer ${tokens.get(scope)}`)).toBe(403);
    });
  });

  it('turns a REST authorizer’s thrown Unauthorized into 502 (SAM’s own test pins it), where API Gateway answers 401', async () => {
    // Prepare
    const authorizer = authorizers.iam;
    if (!authorizer) throw new Error('no authorizer');
    let run: AuthorizerRun;
    // Act
    try {
      run = { threw: false, body: await authorizer.handler(samEvent('rest-token', { authorization: 'Bearer not.a.jwt' })) };
    } catch {
      run = { threw: true };
    }
    // Assert
    expect(
      samDecide({ payloadVersion: '1.0', simpleResponses: false, identitySources: [] }, run, samMethodArn('local', 'GET', '/orders')),
    ).toBe(502);
  });

  it('refuses stage names API Gateway would refuse, at synth', () => {
    expect(() => synthesize({ stageName: 'my stage' })).toThrow('-c stageName: "my stage" is not a stage name');
    expect(() => synthesize({ architecture: 'arm' })).toThrow('-c architecture: must be arm64 or x86_64, got "arm"');
  });
});

describe('SAM 1.164.0’s resource matching, as re-implemented', () => {
  it.each([
    { resource: 'arn:aws:execute-api:us-east-1:123456789012:1234567890/local/GET/orders', arn: '…/local/GET/orders', sam: true, pr: true },
    {
      resource: 'arn:aws:execute-api:us-east-1:123456789012:1234567890/$default/GET/orders',
      arn: '…/$default/GET/orders',
      sam: false,
      pr: true,
    },
    {
      resource: 'arn:aws:execute-api:us-east-1:123456789012:1234567890/local/GET/orders/*',
      arn: '…/local/GET/orders/42',
      sam: true,
      pr: true,
    },
    { resource: 'arn:aws:execute-api:us-east-1:123456789012:1234567890/local/GET/a.c', arn: '…/local/GET/abc', sam: true, pr: false },
    { resource: 'arn:aws:execute-api:us-east-1:123456789012:1234567890/local/GET/a[b', arn: '…/local/GET/a[b', sam: 'error', pr: true },
  ])('matches $resource against $arn: $sam (with #9155: $pr)', ({ resource, arn, sam, pr }) => {
    const methodArn = arn.replace('…', 'arn:aws:execute-api:us-east-1:123456789012:1234567890');
    expect(samResourceMatches(resource, methodArn, 'sam-1.164.0')).toBe(sam);
    expect(samResourceMatches(resource, methodArn, 'pr-9155')).toBe(pr);
  });
});
