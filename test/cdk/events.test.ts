/**
 * The sample events: each file validates against Powertools' published schema for its kind (an
 * independent check of the shape), every file is listed in events/README.md with its expected
 * decision, and `npm run invoke` gives exactly that decision.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  APIGatewayRequestAuthorizerEventSchema,
  APIGatewayRequestAuthorizerEventV2Schema,
  APIGatewayTokenAuthorizerEventSchema,
} from '@aws-lambda-powertools/parser/schemas';
import { invokeEvent } from '../../bin/local/invoke-event';
import { REPOSITORY_ROOT } from '../../bin/local/bundle-cache';
import { AUTHORIZER_FUNCTION_LOGICAL_ID } from '../../lib/tollbooth-stack';

const EVENTS_DIR = join(REPOSITORY_ROOT, 'events');
const eventFiles = readdirSync(EVENTS_DIR)
  .filter((file) => file.endsWith('.json') && file !== 'sam-env.json')
  .sort();

interface Expectation {
  readonly file: string;
  readonly decision: string;
  readonly reason: string;
}

/** The expectations table of events/README.md. */
const expectations: Expectation[] = readFileSync(join(EVENTS_DIR, 'README.md'), 'utf8')
  .split('\n')
  .map((line) => /^\| `([\w-]+\.json)` \|.*\| (allow|deny|unauthorized) \| `([a-z_]+)` \|$/.exec(line))
  .filter((match): match is RegExpExecArray => match !== null)
  .map((match) => ({ file: match[1] ?? '', decision: match[2] ?? '', reason: match[3] ?? '' }));

const SCHEMAS = [
  { prefix: 'http-v2-', schema: APIGatewayRequestAuthorizerEventV2Schema, version: '2.0' },
  { prefix: 'http-v1-', schema: APIGatewayRequestAuthorizerEventSchema, version: '1.0' },
  { prefix: 'rest-request-', schema: APIGatewayRequestAuthorizerEventSchema, version: undefined },
  { prefix: 'rest-token-', schema: APIGatewayTokenAuthorizerEventSchema, version: undefined },
];

const readEvent = (file: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(EVENTS_DIR, file), 'utf8')) as Record<string, unknown>;

describe('events/', () => {
  it('has allow and deny samples of every event kind, each documented with its expected decision', () => {
    expect(expectations.map((expectation) => expectation.file).sort()).toEqual(eventFiles);
    for (const { prefix } of SCHEMAS) {
      const decisions = new Set(
        expectations.filter((expectation) => expectation.file.startsWith(prefix)).map((expectation) => expectation.decision),
      );
      expect(decisions.has('allow')).toBe(true);
      expect(decisions.size).toBeGreaterThan(1);
    }
  });

  it.each(eventFiles)('%s matches the published event shape of its kind', (file) => {
    const kind = SCHEMAS.find((candidate) => file.startsWith(candidate.prefix));
    expect(kind).toBeDefined();
    const event = readEvent(file);
    expect(kind?.schema.safeParse(event).error).toBeUndefined();
    expect(event['version']).toBe(kind?.version);
  });

  it('sam-env.json overrides variables of the authorizer function that its template declares', async () => {
    const { AUTHORIZER_ENVIRONMENT } = await import('../../lib/authorizer-function');
    const envVars = JSON.parse(readFileSync(join(EVENTS_DIR, 'sam-env.json'), 'utf8')) as Record<string, Record<string, string>>;
    expect(Object.keys(envVars)).toEqual([AUTHORIZER_FUNCTION_LOGICAL_ID]);
    for (const name of Object.keys(envVars[AUTHORIZER_FUNCTION_LOGICAL_ID] ?? {})) expect(AUTHORIZER_ENVIRONMENT).toContain(name);
  });
});

describe('npm run invoke', () => {
  it.each(expectations)('$file → $decision ($reason)', async ({ file, decision, reason }) => {
    // Act
    const invocation = await invokeEvent(readFileSync(join(EVENTS_DIR, file), 'utf8'), {});
    // Assert
    expect({ decision: invocation.decision, reason: invocation.reason }).toEqual({ decision, reason });
    if (decision === 'unauthorized') expect(invocation.output).toBe('{"errorType":"Error","errorMessage":"Unauthorized"}');
    else expect(JSON.parse(invocation.output)).toHaveProperty('policyDocument');
  });

  it('prints one line of response JSON on standard output and exits 0 from the command line', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'bin/invoke.ts', 'events/rest-token-deny-malformed.json'], {
      cwd: REPOSITORY_ROOT,
      encoding: 'utf8',
      env: { ...process.env, TOLLBOOTH_CONFIG: '', TOLLBOOTH_CONFIG_FILE: '' },
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('{"errorType":"Error","errorMessage":"Unauthorized"}\n');
    expect(run.stderr).toContain('→ unauthorized (malformed)');
  });

  it.each([
    { name: 'no event file', args: [], message: 'invoke: no event file given' },
    { name: 'a missing file', args: ['events/none.json'], message: 'invoke: cannot read events/none.json: no such file' },
    { name: 'two files', args: ['a.json', 'b.json'], message: 'invoke: expected exactly one event file' },
  ])('exits 2 with a one-line reason given $name', ({ args, message }) => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'bin/invoke.ts', ...args], { cwd: REPOSITORY_ROOT, encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(message);
  });
});
