/**
 * The revocation endpoint's Lambda entry (`lambdas/revoke/index.ts`), imported in process the way
 * the Lambda runtime imports it: a bad configuration fails the cold start inside Lambda with every
 * problem named, importing it elsewhere is not an error, a JWKS that cannot be fetched at cold
 * start is not fatal, and the handler it exports answers requests. Each test imports a fresh copy
 * of the module after setting its variables; unit tests cannot open sockets, so a cold-start JWKS
 * fetch fails as an unreachable identity provider would.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RevokeHandler } from '../../../lambdas/revoke/handler';

const DOCUMENT = {
  issuers: [{ type: 'oidc', issuer: 'https://idp.tollbooth.test', audience: ['https://api.tollbooth.test'] }],
  routes: { 'tollbooth:admin': ['POST /revocations'] },
};

/** A fresh copy of the entry, imported with the variables set now. */
async function importEntry(): Promise<{ handler: RevokeHandler }> {
  vi.resetModules();
  return import('../../../lambdas/revoke/index');
}

/** A POST /revocations behind the authorizer, from a caller with `scope`. */
const revokeRequest = (scope: string) => ({
  version: '2.0',
  headers: { 'content-type': 'application/json' },
  requestContext: { http: { method: 'POST' }, authorizer: { lambda: { sub: 'ops', scope } } },
  body: '{"jti":',
  isBase64Encoded: false,
});

beforeEach(() => {
  vi.stubEnv('AWS_REGION', 'us-east-1');
  vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', 'tollbooth-revoke');
  vi.stubEnv('LAMBDA_TASK_ROOT', '/nonexistent/tollbooth-task-root');
  vi.stubEnv('TOLLBOOTH_CONFIG', JSON.stringify({ ...DOCUMENT, jwks: { hydrateOnColdStart: false } }));
  vi.stubEnv('TOLLBOOTH_REVOCATION_TABLE', 'revocations');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('the revoke entry', () => {
  it('fails the cold start inside Lambda naming every problem: the document and the admin scope', async () => {
    // Prepare
    vi.stubEnv('TOLLBOOTH_REVOCATION_TABLE', undefined);
    vi.stubEnv('TOLLBOOTH_ADMIN_SCOPE', 'tollbooth admin');
    // Act
    const imported = importEntry();
    // Assert
    await expect(imported).rejects.toThrow(/tableName[\s\S]*TOLLBOOTH_ADMIN_SCOPE/);
  });

  it('imports outside Lambda without a configuration, and its handler reports the problem', async () => {
    // Prepare
    vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', undefined);
    vi.stubEnv('TOLLBOOTH_CONFIG', undefined);
    // Act
    const { handler } = await importEntry();
    // Assert
    await expect(handler(revokeRequest('tollbooth:admin'))).rejects.toThrow('no configuration');
  });

  it.each([
    { name: 'without fetching the JWKS when hydration is off', jwks: { hydrateOnColdStart: false } },
    { name: 'when the JWKS cannot be fetched at cold start (not fatal)', jwks: { hydrateOnColdStart: true } },
  ])('starts $name, and answers with the admin scope it was given', async ({ jwks }) => {
    // Prepare
    vi.stubEnv('TOLLBOOTH_CONFIG', JSON.stringify({ ...DOCUMENT, jwks }));
    vi.stubEnv('TOLLBOOTH_ADMIN_SCOPE', 'ops:revoke');
    // Act
    const { handler } = await importEntry();
    const refused = await handler(revokeRequest('tollbooth:admin'));
    const malformed = await handler(revokeRequest('ops:revoke'));
    // Assert
    expect(refused).toMatchObject({ statusCode: 403 });
    expect(JSON.parse(refused.body ?? '{}')).toMatchObject({ error: 'insufficient_scope' });
    expect(malformed).toMatchObject({ statusCode: 400 });
  });
});
