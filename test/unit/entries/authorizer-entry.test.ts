/**
 * The authorizer's Lambda entry (`lambdas/authorizer/index.ts`), imported in process the way the
 * Lambda runtime imports it: a bad configuration fails the cold start inside Lambda with every
 * problem named, a JWKS that cannot be fetched at cold start is not fatal, and the handler it
 * exports decides requests. The bundle test (test/cdk/bundle.test.ts) runs the bundled entry in a
 * child process; this one counts its lines. Unit tests cannot open sockets, so a cold-start JWKS
 * fetch fails as an unreachable identity provider would.
 */
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import type { AuthorizerHandler } from '../../../lambdas/authorizer/handler';
import { httpApiV2Event } from '../../helpers/events';

const DOCUMENT = {
  issuers: [{ type: 'oidc', issuer: 'https://idp.tollbooth.test', audience: ['https://api.tollbooth.test'] }],
  routes: { 'orders:read': ['GET /orders'] },
  revocation: { enabled: false },
};

let stdout: MockInstance<typeof process.stdout.write>;

/** A fresh copy of the entry, imported with the variables set now. */
async function importEntry(): Promise<{ handler: AuthorizerHandler }> {
  vi.resetModules();
  return import('../../../lambdas/authorizer/index');
}

beforeEach(() => {
  // The EMF line per invocation goes to standard output.
  stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.stubEnv('AWS_REGION', 'us-east-1');
  vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', 'tollbooth-authorizer');
  vi.stubEnv('LAMBDA_TASK_ROOT', '/nonexistent/tollbooth-task-root');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
});

afterEach(() => {
  stdout.mockRestore();
  vi.unstubAllEnvs();
});

describe('the authorizer entry', () => {
  it('fails the cold start inside Lambda naming every problem of its configuration', async () => {
    // Prepare
    vi.stubEnv('TOLLBOOTH_CONFIG', JSON.stringify({ ...DOCUMENT, issuers: [], httpApiResponseMode: 'loose' }));
    // Act
    const imported = importEntry();
    // Assert
    await expect(imported).rejects.toThrow(/issuers[\s\S]*httpApiResponseMode/);
  });

  it.each([
    { name: 'without fetching the JWKS when hydration is off', hydrateOnColdStart: false },
    { name: 'when the JWKS cannot be fetched at cold start (not fatal)', hydrateOnColdStart: true },
  ])('starts $name, and denies a request without a token', async ({ hydrateOnColdStart }) => {
    // Prepare
    vi.stubEnv('TOLLBOOTH_CONFIG', JSON.stringify({ ...DOCUMENT, jwks: { hydrateOnColdStart } }));
    // Act
    const { handler } = await importEntry();
    const response = await handler(httpApiV2Event({ path: '/orders' }));
    // Assert
    expect(response).toMatchObject({ policyDocument: { Statement: [{ Effect: 'Deny' }] } });
  });
});
