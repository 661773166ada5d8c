/**
 * The revocation endpoint's configuration: the authorizer's document plus the admin scope and the
 * longest token lifetime, read from the environment as the Lambda reads it, and every problem
 * named at once when something is wrong.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../../lambdas/core/config/config';
import { DEFAULT_ADMIN_SCOPE, loadRevokeConfigFromEnvironment, revokeConfigFrom } from '../../../lambdas/revoke/config';

const DOCUMENT = {
  issuers: [{ type: 'oidc', issuer: 'https://idp.tollbooth.test', audience: ['https://api.tollbooth.test'] }],
  routes: { 'tollbooth:admin': ['POST /revocations'] },
};
const WITH_TABLE = parseConfig({ ...DOCUMENT, revocation: { tableName: 'revocations' } });
const WITHOUT_REVOCATION = parseConfig({ ...DOCUMENT, revocation: { enabled: false } });
/** A task root holding no tollbooth.config.json, so only the variables count. */
const NO_FILE = { LAMBDA_TASK_ROOT: '/nonexistent/tollbooth-task-root' };

function problemsOf(act: () => unknown): readonly string[] {
  try {
    act();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('revokeConfigFrom', () => {
  it("writes the authorizer's table, asks for tollbooth:admin and keeps rows a day, unless told otherwise", () => {
    // Act
    const defaults = revokeConfigFrom(WITH_TABLE);
    const chosen = revokeConfigFrom(WITH_TABLE, { adminScope: 'ops/revoke', maxTokenLifetimeSeconds: 172_800 });
    // Assert
    expect(defaults).toEqual({
      authorizer: WITH_TABLE,
      tableName: 'revocations',
      adminScope: DEFAULT_ADMIN_SCOPE,
      maxTokenLifetimeSeconds: 86_400,
    });
    expect(chosen).toMatchObject({ adminScope: 'ops/revoke', maxTokenLifetimeSeconds: 172_800 });
  });

  it("keeps rows for the authorizer's revocation horizon, the document's revocation.maxTokenLifetimeSeconds", () => {
    // Prepare
    const authorizer = parseConfig({ ...DOCUMENT, revocation: { tableName: 'revocations', maxTokenLifetimeSeconds: 604_800 } });
    // Act
    const config = revokeConfigFrom(authorizer);
    // Assert
    expect(config.maxTokenLifetimeSeconds).toBe(604_800);
  });

  it("refuses to keep rows for less than the authorizer's horizon: the revoked token would work again", () => {
    // Prepare
    const authorizer = parseConfig({ ...DOCUMENT, revocation: { tableName: 'revocations', maxTokenLifetimeSeconds: 604_800 } });
    // Act
    const problems = problemsOf(() => revokeConfigFrom(authorizer, { maxTokenLifetimeSeconds: 86_400 }));
    // Assert
    expect(problems).toEqual([
      "maxTokenLifetimeSeconds (86400) is shorter than the authorizer's revocation.maxTokenLifetimeSeconds (604800): a revoked token would work again once its row expired",
    ]);
  });

  it.each([
    {
      name: 'an admin scope with a space',
      options: { adminScope: 'tollbooth admin' },
      problem: 'TOLLBOOTH_ADMIN_SCOPE: "tollbooth admin" is not a scope name',
    },
    { name: 'an empty admin scope', options: { adminScope: '' }, problem: 'TOLLBOOTH_ADMIN_SCOPE: "" is not a scope name' },
    { name: 'an admin scope with a quote', options: { adminScope: 'x"y' }, problem: 'is not a scope name' },
    {
      name: 'a lifetime under a minute',
      options: { maxTokenLifetimeSeconds: 59 },
      problem: 'maxTokenLifetimeSeconds must be a whole number of seconds from 60 to 2592000',
    },
    { name: 'a lifetime over 30 days', options: { maxTokenLifetimeSeconds: 2_592_001 }, problem: 'maxTokenLifetimeSeconds must be' },
    { name: 'a fractional lifetime', options: { maxTokenLifetimeSeconds: 60.5 }, problem: 'maxTokenLifetimeSeconds must be' },
    {
      name: 'a lifetime that is not a number',
      options: { maxTokenLifetimeSeconds: Number.NaN },
      problem: 'maxTokenLifetimeSeconds must be',
    },
  ])('refuses $name', ({ options, problem }) => {
    // Act
    const problems = problemsOf(() => revokeConfigFrom(WITH_TABLE, options));
    // Assert
    expect(problems).toEqual([expect.stringContaining(problem)]);
  });

  it('refuses a document with revocation switched off: the endpoint has no table to write', () => {
    // Act
    const problems = problemsOf(() => revokeConfigFrom(WITHOUT_REVOCATION));
    // Assert
    expect(problems).toEqual([expect.stringContaining('revocation.enabled is false')]);
  });

  it('names every problem at once', () => {
    // Act
    const problems = problemsOf(() => revokeConfigFrom(WITHOUT_REVOCATION, { adminScope: 'a b', maxTokenLifetimeSeconds: 1 }));
    // Assert
    expect(problems).toEqual([
      expect.stringContaining('TOLLBOOTH_ADMIN_SCOPE'),
      expect.stringContaining('maxTokenLifetimeSeconds'),
      expect.stringContaining('revocation.enabled is false'),
    ]);
  });
});

describe('loadRevokeConfigFromEnvironment', () => {
  it('reads the document, the table and the admin scope from the variables the Lambda is given', () => {
    // Act
    const config = loadRevokeConfigFromEnvironment({
      ...NO_FILE,
      TOLLBOOTH_CONFIG: JSON.stringify(DOCUMENT),
      TOLLBOOTH_REVOCATION_TABLE: 'from-env',
      TOLLBOOTH_ADMIN_SCOPE: 'ops:revoke',
    });
    // Assert
    expect(config).toMatchObject({ tableName: 'from-env', adminScope: 'ops:revoke', maxTokenLifetimeSeconds: 86_400 });
    expect(config.authorizer.issuers.map((issuer) => issuer.issuer)).toEqual(['https://idp.tollbooth.test']);
  });

  it('asks for tollbooth:admin when TOLLBOOTH_ADMIN_SCOPE is not set', () => {
    // Act
    const config = loadRevokeConfigFromEnvironment({
      ...NO_FILE,
      TOLLBOOTH_CONFIG: JSON.stringify(DOCUMENT),
      TOLLBOOTH_REVOCATION_TABLE: 'revocations',
    });
    // Assert
    expect(config.adminScope).toBe(DEFAULT_ADMIN_SCOPE);
  });

  it('names the missing table and a bad admin scope together, so one failed cold start shows both', () => {
    // Act
    const problems = problemsOf(() =>
      loadRevokeConfigFromEnvironment({ ...NO_FILE, TOLLBOOTH_CONFIG: JSON.stringify(DOCUMENT), TOLLBOOTH_ADMIN_SCOPE: 'tollbooth admin' }),
    );
    // Assert
    expect(problems).toEqual([expect.stringContaining('tableName'), expect.stringContaining('TOLLBOOTH_ADMIN_SCOPE')]);
  });

  it('names the missing configuration when no variable is set', () => {
    // Act
    const problems = problemsOf(() => loadRevokeConfigFromEnvironment(NO_FILE));
    // Assert
    expect(problems).toEqual([expect.stringContaining('no configuration')]);
  });
});
