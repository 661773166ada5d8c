/**
 * The local stack on a configuration of your own (`npm start -- --config tollbooth.json`), over
 * real HTTP: your routes and scopes are what the API serves and the authorizer enforces; tokens
 * from the dev issuer and from your own IdP (a loopback JWKS server, jose-minted tokens) both work;
 * the banner's walkthrough is worked out from your scopes; an edit to the file is applied while
 * the stack runs, and an edit that does not validate leaves the running configuration in place
 * with every problem named. The sample module reloads the same way.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { banner } from '../../bin/local/banner';
import { SAMPLE_CONFIG_MODULE } from '../../bin/local/config-source';
import { startLocalStack, StartError, type LocalStack, type ReloadOutcome } from '../../bin/local/local-stack';
import { startJwksServer, type JwksServer } from '../helpers/jwks-server';
import { generateTestKey, type TestKey } from '../helpers/keys';
import { call } from '../helpers/local-stack';
import { mintToken } from '../helpers/tokens';

const AUDIENCE = 'https://api.example.test';

let folder: string;
let idp: JwksServer;
let key: TestKey;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'tollbooth-own-config-'));
  key = await generateTestKey('ES256');
  idp = await startJwksServer([key.publicJwk]);
});

afterAll(async () => {
  await idp.close();
  rmSync(folder, { recursive: true, force: true });
});

function documentWith(routes: Record<string, string[]>, more: Record<string, unknown> = {}): string {
  return `${JSON.stringify(
    {
      issuers: [{ type: 'oidc', issuer: idp.origin, audience: [AUDIENCE], jwksUri: idp.url }],
      routes,
      jwks: { allowInsecureLoopbackHttp: true },
      ...more,
    },
    null,
    2,
  )}\n`;
}

const INVOICES = { 'invoices:read': ['GET /invoices', 'GET /invoices/{id}'], 'invoices:write': ['POST /invoices', 'DELETE /invoices/*'] };

/** Starts a watched stack on `file`, collecting what each reload did. */
async function startOn(file: string): Promise<{ stack: LocalStack; reloads: ReloadOutcome[] }> {
  const reloads: ReloadOutcome[] = [];
  const stack = await startLocalStack({
    config: { kind: 'document', file: { path: file, setting: '--config' }, inline: undefined },
    watch: true,
    watchIntervalMs: 50,
    onReload: (outcome) => reloads.push(outcome),
    env: {},
  });
  return { stack, reloads };
}

/** Waits for the next reload the watch reports. */
async function nextReload(reloads: ReloadOutcome[], seen: number): Promise<ReloadOutcome> {
  const deadline = Date.now() + 10_000;
  while (reloads.length <= seen) {
    if (Date.now() > deadline) throw new Error('no reload was reported');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return reloads[seen] as ReloadOutcome;
}

describe('your configuration file, with dev tokens', () => {
  let stack: LocalStack;
  let reloads: ReloadOutcome[];
  let file: string;

  beforeAll(async () => {
    file = join(folder, 'tollbooth.json');
    writeFileSync(file, documentWith(INVOICES));
    ({ stack, reloads } = await startOn(file));
  });

  afterAll(async () => {
    await stack.close();
  });

  it('serves your routes, not the sample’s, and trusts the dev issuer beside your issuer', async () => {
    // Prepare
    const token = stack.devIssuer.mint({ sub: 'alice', scope: 'invoices:read' });
    // Act
    const [list, one, create, orders] = await Promise.all([
      call(stack, 'GET', '/invoices', { token }),
      call(stack, 'GET', '/invoices/7', { token }),
      call(stack, 'POST', '/invoices', { token }),
      call(stack, 'GET', '/orders', { token }),
    ]);
    // Assert
    expect(stack.trustedIssuers).toEqual([idp.origin, stack.devIssuer.issuer]);
    expect([list.status, one.status, create.status, orders.status]).toEqual([200, 200, 403, 404]);
    expect(one.body).toMatchObject({ routeKey: 'GET /invoices/{id}', pathParameters: { id: '7' }, authorizer: { sub: 'alice' } });
  });

  it("accepts your IdP's tokens on the same routes", async () => {
    const token = await mintToken({ key, issuer: idp.origin, audience: AUDIENCE, subject: 'bob', scope: 'invoices:write' });
    expect((await call(stack, 'POST', '/invoices', { token })).status).toBe(200);
    expect((await call(stack, 'GET', '/invoices', { token })).status).toBe(403);
  });

  it('serves a glob pattern as a greedy route: DELETE /invoices/* answers at /invoices/7/lines/2', async () => {
    const token = stack.devIssuer.mint({ sub: 'carol', scope: 'invoices:write' });
    const response = await call(stack, 'DELETE', '/invoices/7/lines/2', { token });
    expect(response).toMatchObject({
      status: 200,
      body: { routeKey: 'DELETE /invoices/{proxy+}', pathParameters: { proxy: '7/lines/2' } },
    });
  });

  it('prints a walkthrough worked out from your scopes: a request each allows and one it refuses', () => {
    // Act
    const text = banner(stack, 'default', 0);
    // Assert
    expect(text).toContain(`config       ${file}`);
    expect(text).toContain('TOKEN=$(npm run -s token -- --sub alice --scope invoices:read)');
    expect(text).toContain(`curl -i ${stack.apiUrl}/invoices -H "Authorization: Bearer $TOKEN"`);
    expect(text).toContain(`curl -i -X POST ${stack.apiUrl}/invoices -H "Authorization: Bearer $TOKEN"`);
    expect(text).toMatch(/invoices:read +GET \/invoices, GET \/invoices\/\{id\}\n +allows GET \/invoices, refuses POST \/invoices/);
    expect(text).toMatch(/invoices:write +POST \/invoices, DELETE \/invoices\/\*\n +allows POST \/invoices, refuses GET \/invoices/);
    expect(text).toContain(`issuers      ${idp.origin}`);
    expect(text).not.toContain('/orders');
  });

  it('names a named stack in every tool command of the walkthrough, so they work beside another running stack', () => {
    // Act
    const text = banner(stack, 'other', 0);
    // Assert
    const toolCommands = text.split('\n').filter((line) => /npm run -s (token|revoke)/.test(line));
    expect(toolCommands.length).toBeGreaterThanOrEqual(3);
    for (const line of toolCommands) expect(line).not.toMatch(/npm run -s (token|revoke) -- (?!--stack other )/);
    expect(text).toContain('TOKEN=$(npm run -s token -- --stack other --sub alice --scope invoices:read)');
  });

  it('applies an edit while running: a new scope and its route answer at once', async () => {
    // Prepare
    const seen = reloads.length;
    const token = stack.devIssuer.mint({ sub: 'dave', scope: 'reports:read' });
    expect((await call(stack, 'GET', '/reports', { token })).status).toBe(404);
    // Act
    writeFileSync(file, documentWith({ ...INVOICES, 'reports:read': ['GET /reports'] }));
    const outcome = await nextReload(reloads, seen);
    // Assert
    expect(outcome).toEqual({ status: 'applied', changes: ['scopes added: reports:read', 'grants added: reports:read → GET /reports'] });
    expect((await call(stack, 'GET', '/reports', { token })).status).toBe(200);
    expect(Object.keys(stack.scopeRoutes)).toEqual(['invoices:read', 'invoices:write', 'reports:read']);
  });

  it('keeps the running configuration when an edit does not validate, and names every problem', async () => {
    // Prepare
    const seen = reloads.length;
    const token = stack.devIssuer.mint({ sub: 'erin', scope: 'reports:read' });
    // Act
    writeFileSync(
      file,
      JSON.stringify({ issuers: [{ issuer: 'https://idp.example.com' }], routes: { 'reports:read': ['FETCH /reports'] } }),
    );
    const outcome = await nextReload(reloads, seen);
    // Assert
    expect(outcome).toEqual({
      status: 'rejected',
      problems: [
        'issuers[0].audience: is required: list the accepted "aud" values, or set it to null to accept any audience (not recommended)',
        'routes["reports:read"]: "FETCH /reports" has unknown method "FETCH" (use one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, ANY)',
      ],
    });
    expect((await call(stack, 'GET', '/reports', { token })).status).toBe(200);
  });

  it('says so when the file is not JSON at all, and recovers on the next good save', async () => {
    // Prepare
    let seen = reloads.length;
    writeFileSync(file, '{ "routes": ');
    const broken = await nextReload(reloads, seen);
    seen = reloads.length;
    // Act
    writeFileSync(file, documentWith(INVOICES));
    const fixed = await nextReload(reloads, seen);
    // Assert
    expect(broken.status).toBe('rejected');
    expect(broken.status === 'rejected' && broken.problems).toEqual([
      expect.stringMatching(/^--config tollbooth\.json|^--config .*tollbooth\.json: not readable JSON/),
    ]);
    expect(fixed).toMatchObject({
      status: 'applied',
      changes: ['scopes removed: reports:read', 'grants removed: reports:read → GET /reports'],
    });
  });

  it('keeps following the revocation feed across a reload: a cached allow is refused within its bound', async () => {
    // Prepare: an edit adds the revocation endpoint; the token's allow is then cached
    const seen = reloads.length;
    writeFileSync(file, documentWith({ ...INVOICES, 'ops:admin': ['POST /revocations'] }));
    expect(await nextReload(reloads, seen)).toMatchObject({ status: 'applied' });
    const token = stack.devIssuer.mint({ sub: 'erin', scope: 'invoices:read' });
    const admin = stack.devIssuer.mint({ sub: 'ops', scope: 'ops:admin' });
    expect((await call(stack, 'GET', '/invoices', { token })).status).toBe(200);
    // Act
    const revoked = await call(stack, 'POST', '/revocations', { token: admin, form: { token } });
    const revokedAt = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - revokedAt < 5000) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = (await call(stack, 'GET', '/invoices', { token })).status;
    }
    // Assert: both caches hold the allow for 30 s; the feed refuses it within the 5 s polled
    expect(revoked.status).toBe(200);
    expect(stack.followsFeed).toBe(true);
    expect(status).toBe(403);
  });
});

describe('settings around your configuration', () => {
  it.each([
    { case: 'the flag replaces the file’s "not revoked" window', revocation: { notRevokedCacheSeconds: 60 }, flag: 7, expected: 7 },
    { case: 'without the flag, the file’s own window runs', revocation: { notRevokedCacheSeconds: 60 }, flag: undefined, expected: 60 },
  ])('$case', async ({ revocation, flag, expected }) => {
    // Prepare
    const file = join(folder, `window-${expected}.json`);
    writeFileSync(file, documentWith(INVOICES, { revocation }));
    // Act
    const stack = await startLocalStack({
      config: { kind: 'document', file: { path: file, setting: '--config' }, inline: undefined },
      ...(flag === undefined ? {} : { notRevokedCacheSeconds: flag }),
      env: {},
    });
    await stack.close();
    // Assert
    expect(stack.notRevokedCacheSeconds).toBe(expected);
  });

  it('refuses --revocation-cache when the configuration turns revocation off, instead of ignoring it', async () => {
    // Prepare
    const file = join(folder, 'no-revocation.json');
    writeFileSync(file, documentWith(INVOICES, { revocation: { enabled: false } }));
    // Act
    const started = startLocalStack({
      config: { kind: 'document', file: { path: file, setting: '--config' }, inline: undefined },
      notRevokedCacheSeconds: 7,
      env: {},
    });
    // Assert
    await expect(started).rejects.toThrow(StartError);
    await expect(started).rejects.toMatchObject({
      problems: ['--revocation-cache: the configuration turns revocation off (revocation.enabled: false), so there is no cache to set'],
    });
  });

  it('runs API Gateway’s cache at 0 s with simple responses, as the construct does (a cached "true" would open every route)', async () => {
    // Prepare
    const file = join(folder, 'simple.json');
    writeFileSync(file, documentWith(INVOICES, { httpApiResponseMode: 'simple' }));
    // Act
    const stack = await startLocalStack({
      config: { kind: 'document', file: { path: file, setting: '--config' }, inline: undefined },
      env: {},
    });
    const token = stack.devIssuer.mint({ sub: 'frank', scope: 'invoices:read' });
    const statuses = [
      (await call(stack, 'GET', '/invoices', { token })).status,
      (await call(stack, 'POST', '/invoices', { token })).status,
    ];
    await stack.close();
    // Assert
    expect(stack.authorizerCacheTtlSeconds).toBe(0);
    expect(statuses).toEqual([200, 403]);
  });

  it('fails to start with every problem named when the file does not validate', async () => {
    const file = join(folder, 'bad.json');
    writeFileSync(file, JSON.stringify({ routes: { 'a b': ['GET /a'], c: [] }, revocation: { notRevokedCacheSeconds: -1 } }));
    const started = startLocalStack({
      config: { kind: 'document', file: { path: file, setting: '--config' }, inline: undefined },
      env: {},
    });
    await expect(started).rejects.toMatchObject({
      component: 'config',
      problems: [
        'routes["a b"]: a scope name must be an RFC 6749 scope token: printable ASCII without spaces, " or \\ (tokens carry no other)',
        'routes["c"]: must be a non-empty list of route patterns like "GET /orders/*"',
        'revocation.notRevokedCacheSeconds: must be an integer from 0 to 3600, got -1',
      ],
    });
  });
});

describe('the sample configuration module', () => {
  it('reloads an edit to the TypeScript module while running', async () => {
    // Prepare: a copy, so the edit never touches the repository's sample
    const modulePath = join(folder, 'sample-config.ts');
    copyFileSync(SAMPLE_CONFIG_MODULE, modulePath);
    const reloads: ReloadOutcome[] = [];
    const stack = await startLocalStack({
      config: { kind: 'sample', modulePath },
      watch: true,
      watchIntervalMs: 50,
      onReload: (outcome) => reloads.push(outcome),
      env: {},
    });
    const token = stack.devIssuer.mint({ sub: 'grace', scope: 'reports:read' });
    const before = (await call(stack, 'GET', '/reports', { token })).status;
    // Act
    const source = readFileSync(modulePath, 'utf8').replace(
      "'orders:write': ['POST /orders'],",
      "'orders:write': ['POST /orders'],\n  'reports:read': ['GET /reports'],",
    );
    writeFileSync(modulePath, source);
    const outcome = await nextReload(reloads, 0);
    const after = (await call(stack, 'GET', '/reports', { token })).status;
    await stack.close();
    // Assert
    expect(outcome).toMatchObject({
      status: 'applied',
      changes: ['scopes added: reports:read', 'grants added: reports:read → GET /reports'],
    });
    expect([before, after]).toEqual([404, 200]);
  });
});
