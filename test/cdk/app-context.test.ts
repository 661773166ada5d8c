/**
 * The app's settings from CDK context and configuration files (bin/app-context.ts).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Duration } from 'aws-cdk-lib';
import { AppContextError, CONTEXT_KEYS, settingsFromContext } from '../../bin/app-context';
import { PROJECT_ROOT } from '../helpers/local-stack';

const contextOf = (values: Record<string, unknown>) => (key: string) => values[key];
const noFiles = (path: string): string => {
  throw new Error(`ENOENT: ${path}`);
};

describe('settingsFromContext', () => {
  it('creates its own user pool (no issuers) when nothing is given', () => {
    expect(settingsFromContext(contextOf({}), noFiles)).toEqual({ stackName: 'Tollbooth', stackProps: {} });
  });

  it('trusts an OIDC issuer with its audiences and JWKS URI', () => {
    const { stackProps } = settingsFromContext(
      contextOf({ issuer: 'https://idp.example.com', audience: 'a, b', jwksUri: 'https://idp.example.com/keys' }),
      noFiles,
    );
    expect(stackProps.issuers?.map((issuer) => issuer.toJson())).toEqual([
      { type: 'oidc', issuer: 'https://idp.example.com', audience: ['a', 'b'], jwksUri: 'https://idp.example.com/keys' },
    ]);
  });

  it('trusts an existing Cognito user pool and prefixes the sample scopes', () => {
    const { stackProps } = settingsFromContext(
      contextOf({ userPoolId: 'eu-west-1_AbCdEf123', clientId: 'client1', scopePrefix: 'orders-api/' }),
      noFiles,
    );
    expect(stackProps.issuers?.map((issuer) => issuer.toJson())).toEqual([
      { type: 'cognito', userPoolId: 'eu-west-1_AbCdEf123', clientId: ['client1'] },
    ]);
    expect(Object.keys(stackProps.scopeRoutes ?? {})).toContain('orders-api/orders:read');
  });

  it('reads issuers, routes, typed settings and the rest from a configuration file', () => {
    const file = JSON.stringify({
      issuers: [{ type: 'oidc', issuer: 'https://idp.example.com', audience: ['api'] }],
      routes: { 'orders:read': ['GET /orders'] },
      httpApiResponseMode: 'simple',
      revocation: { enabled: true, notRevokedCacheSeconds: 10, requestTimeoutMs: 300, maxTokenLifetimeSeconds: 604_800 },
      clockSkewSeconds: 5,
    });
    const { stackProps } = settingsFromContext(contextOf({ configFile: 'tollbooth.json', stackName: 'Orders' }), () => file);
    expect(stackProps).toMatchObject({
      scopeRoutes: { 'orders:read': ['GET /orders'] },
      httpApiResponseMode: 'simple',
      revocation: true,
      notRevokedCacheDuration: Duration.seconds(10),
      maxTokenLifetime: Duration.seconds(604_800),
      advancedConfig: { clockSkewSeconds: 5, revocation: { requestTimeoutMs: 300 } },
    });
    expect(stackProps.issuers).toHaveLength(1);
  });

  it('refuses, each with its fix, the two settings of a local-stack file the sample stack sets itself', () => {
    // Prepare
    const file = JSON.stringify({ revocation: { tableName: 'mine' }, resultsCache: { httpApi: 'token' } });
    // Act
    let problems: readonly string[] = [];
    try {
      settingsFromContext(contextOf({ configFile: 'tollbooth.json' }), () => file);
    } catch (error) {
      if (error instanceof AppContextError) problems = error.problems;
    }
    // Assert
    expect(problems).toEqual([
      '-c configFile=tollbooth.json: revocation.tableName is not used: the stack creates its own table (remove it, or import an existing table with -c revocationTableName=<name>)',
      "-c configFile=tollbooth.json: resultsCache is not used: the construct sets it from how it configures API Gateway's cache (remove it)",
    ]);
  });

  it('imports an existing revocation table by name', () => {
    expect(settingsFromContext(contextOf({ revocationTableName: 'Tollbooth-revocations' }), noFiles).stackProps).toEqual({
      revocationTableName: 'Tollbooth-revocations',
    });
  });

  it('names every problem at once', () => {
    // Prepare
    const context = contextOf({ issuer: 'https://idp.example.com', clientId: 'c', configFile: 'missing.json', cognitoDomainPrefix: 'x' });
    // Act
    let problems: readonly string[] = [];
    try {
      settingsFromContext(context, noFiles);
    } catch (error) {
      if (error instanceof AppContextError) problems = error.problems;
    }
    // Assert
    expect(problems).toEqual([
      '-c issuer: needs -c audience=<accepted aud values, comma-separated>',
      '-c clientId: given without -c userPoolId',
      '-c configFile=missing.json: not readable JSON (ENOENT: missing.json)',
    ]);
  });
});

describe('context keys', () => {
  const problemsOf = (keys: string[]): readonly string[] => {
    try {
      settingsFromContext(contextOf({}), noFiles, keys);
      return [];
    } catch (error) {
      return error instanceof AppContextError ? error.problems : [String(error)];
    }
  };

  it.each([
    { key: 'userpoolId', problem: '-c userpoolId: not a setting of this app (did you mean userPoolId?)' },
    { key: 'audiance', problem: '-c audiance: not a setting of this app (did you mean audience?)' },
    { key: 'clientID', problem: '-c clientID: not a setting of this app (did you mean clientId?)' },
    { key: 'bogusKey', problem: '-c bogusKey: not a setting of this app' },
  ])('fails on $key, naming the nearest known key', ({ key, problem }) => {
    expect(problemsOf([key])).toEqual([problem]);
  });

  it('knows exactly the keys it reads, so no key the app reads can be refused as unknown', () => {
    // Prepare: a reader that records what the app asks for
    const read = new Set<string>();
    // Act
    settingsFromContext((key) => {
      read.add(key);
      return undefined;
    }, noFiles);
    // Assert
    expect([...read].sort()).toEqual([...CONTEXT_KEYS].sort());
  });

  it('accepts every -c key the README and docs show', () => {
    // Prepare
    const pages = [
      join(PROJECT_ROOT, 'README.md'),
      ...readdirSync(join(PROJECT_ROOT, 'docs')).map((name) => join(PROJECT_ROOT, 'docs', name)),
    ];
    const shown = new Set(
      pages
        .filter((page) => page.endsWith('.md'))
        .flatMap((page) => [...readFileSync(page, 'utf8').matchAll(/-c ([A-Za-z]+)=/g)].map((match) => match[1] ?? '')),
    );
    // Act
    const problems = problemsOf([...shown]);
    // Assert
    expect(shown.size).toBeGreaterThan(3);
    expect(problems).toEqual([]);
  });

  it('lists the known keys in the message', () => {
    expect(() => settingsFromContext(contextOf({}), noFiles, ['bogusKey'])).toThrow(`The app's settings: ${CONTEXT_KEYS.join(', ')}`);
  });

  it.each([
    '@aws-cdk/core:validateAgainstDefaultRules',
    'aws:cdk:bundling-stacks',
    'availability-zones:account=123456789012:region=eu-west-1',
    'cli-telemetry',
    'acknowledged-issue-numbers',
    ...CONTEXT_KEYS,
  ])('accepts %s (the app’s own, or the CDK’s)', (key) => {
    expect(problemsOf([key])).toEqual([]);
  });
});

describe('cdk synth, as the CDK CLI runs the app', () => {
  /** `npx cdk synth <args>` in the project, into a temporary output folder. */
  function synth(args: readonly string[]): Promise<{ code: number | null; stderr: string }> {
    const out = mkdtempSync(join(tmpdir(), 'tollbooth-synth-'));
    return new Promise((resolve, reject) => {
      const child = spawn('npx', ['cdk', 'synth', '--quiet', '--output', out, ...args], {
        cwd: PROJECT_ROOT,
        env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true' },
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => {
        rmSync(out, { recursive: true, force: true });
        resolve({ code, stderr });
      });
    });
  }

  it('fails on a mistyped or unknown context key with one line per key, before building anything', async () => {
    // Act
    const result = await synth(['-c', 'userpoolId=eu-west-1_AbCdEf123', '-c', 'bogusKey=1']);
    // Assert: the CDK CLI adds its own last line about the app's exit
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim().split('\n')).toEqual([
      'Invalid context for the Tollbooth app (2 problems):',
      '- -c userpoolId: not a setting of this app (did you mean userPoolId?)',
      '- -c bogusKey: not a setting of this app',
      `The app's settings: ${CONTEXT_KEYS.join(', ')}`,
      'npx tsx bin/app.ts: Subprocess exited with error 1',
    ]);
  });

  it('reports a configuration file’s problems without a Node.js stack trace', async () => {
    // Prepare
    const folder = mkdtempSync(join(tmpdir(), 'tollbooth-synth-config-'));
    const file = join(folder, 'tollbooth.json');
    writeFileSync(file, JSON.stringify({ issuers: [{ issuer: 'https://idp.example.com' }], routes: { a: ['FETCH /x'] } }));
    // Act
    const result = await synth(['-c', `configFile=${file}`]).finally(() => rmSync(folder, { recursive: true, force: true }));
    // Assert
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim().split('\n')).toEqual([
      'Tollbooth/Authorizer: invalid Tollbooth authorizer (2 problems):',
      '- issuers[0].audience: is required: list the accepted "aud" values, or set it to null to accept any audience (not recommended)',
      '- routes["a"]: "FETCH /x" has unknown method "FETCH" (use one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, ANY)',
      'npx tsx bin/app.ts: Subprocess exited with error 1',
    ]);
  });
});
