/**
 * Configuration from a bundled file and environment variables, merged and validated, with a fake
 * file system so no real file is read.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../lambdas/core/config/config';
import { loadConfigFromEnvironment, type ConfigSourceIo } from '../../../../lambdas/core/config/environment';

const TASK_ROOT = '/var/task';
const DEFAULT_FILE = '/var/task/tollbooth.config.json';

const FILE_CONFIG = {
  issuers: [{ type: 'oidc', issuer: 'https://issuer.example', audience: ['api'] }],
  routes: { 'orders:read': ['GET /orders'] },
  revocation: { tableName: 'from-file', notRevokedCacheSeconds: 5 },
};

/** A file system holding exactly `files`; records what was read. */
function fakeIo(files: Record<string, string>): ConfigSourceIo & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    exists: (path) => path in files,
    readText: (path) => {
      reads.push(path);
      const text = files[path];
      if (text === undefined) throw new Error(`ENOENT: no such file or directory, open '${path}'`);
      return text;
    },
  };
}

function problemsOf(act: () => unknown): readonly string[] {
  try {
    act();
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('config from the environment', () => {
  it('reads tollbooth.config.json beside the handler when no variable is set', () => {
    // Prepare
    const io = fakeIo({ [DEFAULT_FILE]: JSON.stringify(FILE_CONFIG) });
    // Act
    const config = loadConfigFromEnvironment({ LAMBDA_TASK_ROOT: TASK_ROOT }, io);
    // Assert
    expect(io.reads).toEqual([DEFAULT_FILE]);
    expect(config.revocation).toMatchObject({ enabled: true, tableName: 'from-file' });
  });

  it('reads the file named by TOLLBOOTH_CONFIG_FILE instead of the default one', () => {
    // Prepare
    const io = fakeIo({ [DEFAULT_FILE]: '{}', '/opt/config.json': JSON.stringify(FILE_CONFIG) });
    // Act
    const config = loadConfigFromEnvironment({ LAMBDA_TASK_ROOT: TASK_ROOT, TOLLBOOTH_CONFIG_FILE: '/opt/config.json' }, io);
    // Assert
    expect(io.reads).toEqual(['/opt/config.json']);
    expect(config.issuers[0]?.issuer).toBe('https://issuer.example');
  });

  it('reads inline JSON from TOLLBOOTH_CONFIG alone', () => {
    // Prepare
    const io = fakeIo({});
    // Act
    const config = loadConfigFromEnvironment({ LAMBDA_TASK_ROOT: TASK_ROOT, TOLLBOOTH_CONFIG: JSON.stringify(FILE_CONFIG) }, io);
    // Assert
    expect(io.reads).toEqual([]);
    expect(config.scopeRoutes.has('orders:read')).toBe(true);
  });

  it('lets TOLLBOOTH_CONFIG override the file key by key at the top level', () => {
    // Prepare
    const io = fakeIo({ [DEFAULT_FILE]: JSON.stringify(FILE_CONFIG) });
    const inline = JSON.stringify({ routes: { admin: ['ANY /admin/{proxy+}'] }, httpApiResponseMode: 'simple' });
    // Act
    const config = loadConfigFromEnvironment({ LAMBDA_TASK_ROOT: TASK_ROOT, TOLLBOOTH_CONFIG: inline }, io);
    // Assert
    expect([...config.scopeRoutes.keys()]).toEqual(['admin']);
    expect(config.httpApiResponseMode).toBe('simple');
    expect(config.issuers[0]?.issuer).toBe('https://issuer.example');
  });

  it('sets the revocation table from TOLLBOOTH_REVOCATION_TABLE, keeping the other revocation settings', () => {
    // Prepare
    const io = fakeIo({ [DEFAULT_FILE]: JSON.stringify(FILE_CONFIG) });
    // Act
    const config = loadConfigFromEnvironment({ LAMBDA_TASK_ROOT: TASK_ROOT, TOLLBOOTH_REVOCATION_TABLE: 'deployed-table' }, io);
    // Assert
    expect(config.revocation).toMatchObject({ enabled: true, tableName: 'deployed-table', notRevokedCacheSeconds: 5 });
  });

  it('supplies the revocation table when the file has no revocation section', () => {
    // Prepare
    const { revocation: _omitted, ...withoutRevocation } = FILE_CONFIG;
    const io = fakeIo({ [DEFAULT_FILE]: JSON.stringify(withoutRevocation) });
    // Act
    const config = loadConfigFromEnvironment({ LAMBDA_TASK_ROOT: TASK_ROOT, TOLLBOOTH_REVOCATION_TABLE: 'deployed-table' }, io);
    // Assert
    expect(config.revocation).toMatchObject({ enabled: true, tableName: 'deployed-table' });
  });

  it('names TOLLBOOTH_CONFIG when its JSON does not parse', () => {
    // Act
    const problems = problemsOf(() =>
      loadConfigFromEnvironment({ LAMBDA_TASK_ROOT: TASK_ROOT, TOLLBOOTH_CONFIG: '{"issuers": [' }, fakeIo({})),
    );
    // Assert
    expect(problems[0]).toMatch(/^TOLLBOOTH_CONFIG: not readable JSON \(/);
  });

  it('names the variable and the file when the file does not parse', () => {
    // Prepare
    const io = fakeIo({ '/opt/config.json': 'issuers: []' });
    // Act
    const problems = problemsOf(() =>
      loadConfigFromEnvironment({ LAMBDA_TASK_ROOT: TASK_ROOT, TOLLBOOTH_CONFIG_FILE: '/opt/config.json' }, io),
    );
    // Assert
    expect(problems[0]).toMatch(/^TOLLBOOTH_CONFIG_FILE \(\/opt\/config\.json\): not readable JSON/);
  });

  it('names the variable when the file it points at does not exist', () => {
    // Act
    const problems = problemsOf(() =>
      loadConfigFromEnvironment({ LAMBDA_TASK_ROOT: TASK_ROOT, TOLLBOOTH_CONFIG_FILE: '/nope.json' }, fakeIo({})),
    );
    // Assert
    expect(problems[0]).toContain('TOLLBOOTH_CONFIG_FILE (/nope.json): not readable JSON (ENOENT');
  });

  it.each(['[]', '"text"', 'null', '42'])('refuses TOLLBOOTH_CONFIG holding %s instead of an object', (inline) => {
    // Act
    const problems = problemsOf(() => loadConfigFromEnvironment({ LAMBDA_TASK_ROOT: TASK_ROOT, TOLLBOOTH_CONFIG: inline }, fakeIo({})));
    // Assert
    expect(problems[0]).toBe('TOLLBOOTH_CONFIG: must hold a JSON object');
  });

  it('reports a source problem together with the validation problems of the rest', () => {
    // Prepare
    const io = fakeIo({ [DEFAULT_FILE]: JSON.stringify({ ...FILE_CONFIG, clockSkewSeconds: 999 }) });
    // Act
    const problems = problemsOf(() => loadConfigFromEnvironment({ LAMBDA_TASK_ROOT: TASK_ROOT, TOLLBOOTH_CONFIG: '{oops' }, io));
    // Assert
    expect(problems).toEqual([
      expect.stringMatching(/^TOLLBOOTH_CONFIG: not readable JSON/),
      'clockSkewSeconds: must be an integer from 0 to 300, got 999',
    ]);
  });

  it('says how to configure when there is no source at all, and nothing else', () => {
    // Act
    const problems = problemsOf(() =>
      loadConfigFromEnvironment({ LAMBDA_TASK_ROOT: TASK_ROOT, TOLLBOOTH_REVOCATION_TABLE: 'tbl' }, fakeIo({})),
    );
    // Assert
    expect(problems).toEqual([
      'no configuration: set TOLLBOOTH_CONFIG to JSON, or TOLLBOOTH_CONFIG_FILE to a JSON file, or ship tollbooth.config.json beside the handler',
    ]);
  });
});
