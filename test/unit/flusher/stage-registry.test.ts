/**
 * The flusher's stage registry: the APIs registered as SSM parameters under the flusher's path,
 * their stages listed from API Gateway, what is skipped, how long a read is reused, and what a
 * failing SSM or API Gateway call leaves the flusher with. SSM and API Gateway are mocked
 * (aws-sdk-client-mock): unit tests cannot open sockets.
 */
import { APIGatewayClient, GetStagesCommand as GetRestStagesCommand } from '@aws-sdk/client-api-gateway';
import { ApiGatewayV2Client, GetStagesCommand as GetHttpStagesCommand } from '@aws-sdk/client-apigatewayv2';
import { GetParametersByPathCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseRegistration, SsmStageRegistry } from '../../../lambdas/flusher/stage-registry';

const PATH = '/tollbooth/Stack/Tollbooth';
const MAX_AGE_MS = 60_000;

const ssm = mockClient(SSMClient);
const http = mockClient(ApiGatewayV2Client);
const rest = mockClient(APIGatewayClient);
let nowMs: number;

const registration = (name: string, value: string | undefined) => ({ Name: `${PATH}/apis/${name}`, Value: value });

function createRegistry(): SsmStageRegistry {
  return new SsmStageRegistry({
    path: PATH,
    ssm: new SSMClient({ region: 'us-east-1' }),
    http: new ApiGatewayV2Client({ region: 'us-east-1' }),
    rest: new APIGatewayClient({ region: 'us-east-1' }),
    maxAgeMs: MAX_AGE_MS,
    now: () => nowMs,
  });
}

const REGISTERED = {
  Parameters: [registration('HttpApi', '{"kind":"http","apiId":"h1"}'), registration('RestApi', '{"kind":"rest","apiId":"r1"}')],
};
const H1_STAGES = { Items: [{ StageName: '$default' }, { StageName: 'beta' }] };

/** Every call sent to SSM and API Gateway, for "read again or not" assertions. */
const callCount = (): number => ssm.calls().length + http.calls().length + rest.calls().length;

beforeEach(() => {
  ssm.reset();
  http.reset();
  rest.reset();
  nowMs = 1_800_000_000_000;
  ssm.on(GetParametersByPathCommand).resolves(REGISTERED);
  http.on(GetHttpStagesCommand, { ApiId: 'h1' }).resolves(H1_STAGES);
  rest.on(GetRestStagesCommand, { restApiId: 'r1' }).resolves({ item: [{ stageName: 'prod' }] });
});

describe('SsmStageRegistry', () => {
  it('lists every stage of every registered HTTP and REST API, reading the path recursively', async () => {
    // Act
    const read = await createRegistry().read();
    // Assert
    expect(read).toEqual({
      targets: [
        { kind: 'http', apiId: 'h1', stage: '$default' },
        { kind: 'http', apiId: 'h1', stage: 'beta' },
        { kind: 'rest', apiId: 'r1', stage: 'prod' },
      ],
      unreadable: [],
    });
    expect(ssm.commandCalls(GetParametersByPathCommand)[0]?.args[0].input).toEqual({ Path: PATH, Recursive: true, NextToken: undefined });
  });

  it('follows every page of registrations SSM returns', async () => {
    // Prepare
    ssm.on(GetParametersByPathCommand).resolves({ Parameters: [registration('A', '{"kind":"http","apiId":"h1"}')], NextToken: 'page-2' });
    ssm
      .on(GetParametersByPathCommand, { NextToken: 'page-2' })
      .resolves({ Parameters: [registration('B', '{"kind":"rest","apiId":"r1"}')] });
    // Act
    const read = await createRegistry().read();
    // Assert
    expect(read.targets.map((target) => target.apiId)).toEqual(['h1', 'h1', 'r1']);
    expect(ssm.commandCalls(GetParametersByPathCommand).map((call) => call.args[0].input.NextToken)).toEqual([undefined, 'page-2']);
  });

  it("follows every page of an HTTP API's stages", async () => {
    // Prepare
    http.on(GetHttpStagesCommand, { ApiId: 'h1' }).resolves({ Items: [{ StageName: 'one' }], NextToken: 'stages-2' });
    http.on(GetHttpStagesCommand, { ApiId: 'h1', NextToken: 'stages-2' }).resolves({ Items: [{ StageName: 'two' }] });
    // Act
    const read = await createRegistry().read();
    // Assert
    expect(read.targets.filter((target) => target.kind === 'http').map((target) => target.stage)).toEqual(['one', 'two']);
  });

  it('skips registrations that are not ones, without asking API Gateway about them', async () => {
    // Prepare
    ssm.on(GetParametersByPathCommand).resolves({
      Parameters: [
        registration('NoValue', undefined),
        registration('WebSocket', '{"kind":"websocket","apiId":"w1"}'),
        registration('PathInId', '{"kind":"http","apiId":"../h1"}'),
        registration('Garbage', '{'),
        registration('HttpApi', '{"kind":"http","apiId":"h1"}'),
      ],
    });
    // Act
    const read = await createRegistry().read();
    // Assert
    expect(read.targets.map((target) => target.stage)).toEqual(['$default', 'beta']);
    expect(http.commandCalls(GetHttpStagesCommand).map((call) => call.args[0].input)).toEqual([{ ApiId: 'h1' }]);
    expect(rest.calls()).toHaveLength(0);
  });

  it('has nothing to flush when no API is registered, or a registered API has no named stage', async () => {
    // Prepare
    ssm.on(GetParametersByPathCommand).resolves({});
    const empty = await createRegistry().read();
    ssm.on(GetParametersByPathCommand).resolves({
      Parameters: [registration('HttpApi', '{"kind":"http","apiId":"h2"}'), registration('RestApi', '{"kind":"rest","apiId":"r2"}')],
    });
    http.on(GetHttpStagesCommand, { ApiId: 'h2' }).resolves({ Items: [{ StageName: '' }] });
    rest.on(GetRestStagesCommand, { restApiId: 'r2' }).resolves({ item: [{}] });
    // Act
    const unnamed = await createRegistry().read();
    http.on(GetHttpStagesCommand, { ApiId: 'h2' }).resolves({});
    rest.on(GetRestStagesCommand, { restApiId: 'r2' }).resolves({});
    const noStages = await createRegistry().read();
    // Assert
    expect([empty, unnamed, noStages]).toEqual([
      { targets: [], unreadable: [] },
      { targets: [], unreadable: [] },
      { targets: [], unreadable: [] },
    ]);
  });

  it('reuses a read for the maximum age, then reads again and sees a stage added meanwhile', async () => {
    // Prepare
    const registry = createRegistry();
    await registry.read();
    const callsAfterFirstRead = callCount();
    rest.on(GetRestStagesCommand, { restApiId: 'r1' }).resolves({ item: [{ stageName: 'prod' }, { stageName: 'canary' }] });
    // Act
    nowMs += MAX_AGE_MS - 1;
    const withinMaxAge = await registry.read();
    const callsWithinMaxAge = callCount();
    nowMs += 1;
    const afterMaxAge = await registry.read();
    // Assert
    expect(callsWithinMaxAge).toBe(callsAfterFirstRead);
    expect(withinMaxAge.targets.map((target) => target.stage)).toEqual(['$default', 'beta', 'prod']);
    expect(afterMaxAge.targets.map((target) => target.stage)).toEqual(['$default', 'beta', 'prod', 'canary']);
    expect(callCount()).toBe(2 * callsAfterFirstRead);
  });

  it('rejects when SSM cannot be read, and reads again on the next call instead of remembering the failure', async () => {
    // Prepare
    ssm.on(GetParametersByPathCommand).rejectsOnce(new Error('ThrottlingException: Rate exceeded')).resolves(REGISTERED);
    const registry = createRegistry();
    // Act
    const failed = registry.read();
    // Assert
    await expect(failed).rejects.toThrow('ThrottlingException');
    await expect(registry.read()).resolves.toMatchObject({ unreadable: [] });
    expect(ssm.commandCalls(GetParametersByPathCommand)).toHaveLength(2);
  });

  it('still lists the other APIs when one API cannot be listed, reports that one, and asks again next time', async () => {
    // Prepare: the flush policy of a just-deployed API is not in force yet
    const denied = Object.assign(new Error('User is not authorized to perform: apigateway:GET'), { name: 'AccessDeniedException' });
    http.on(GetHttpStagesCommand, { ApiId: 'h1' }).rejectsOnce(denied).resolves(H1_STAGES);
    const registry = createRegistry();
    // Act
    const partial = await registry.read();
    const next = await registry.read();
    // Assert
    expect(partial).toEqual({
      targets: [{ kind: 'rest', apiId: 'r1', stage: 'prod' }],
      unreadable: [{ api: { kind: 'http', apiId: 'h1' }, error: denied }],
    });
    expect(next.unreadable).toEqual([]);
    expect(next.targets).toHaveLength(3);
    expect(ssm.commandCalls(GetParametersByPathCommand)).toHaveLength(2);
  });
});

describe('parseRegistration', () => {
  it.each([
    { name: 'an HTTP API', value: '{"kind":"http","apiId":"abc123"}', parsed: { kind: 'http', apiId: 'abc123' } },
    { name: 'a REST API', value: '{"kind":"rest","apiId":"x9"}', parsed: { kind: 'rest', apiId: 'x9' } },
    { name: 'a WebSocket API', value: '{"kind":"ws","apiId":"x9"}', parsed: undefined },
    { name: 'a path in the id', value: '{"kind":"http","apiId":"../x"}', parsed: undefined },
    { name: 'an upper-case id', value: '{"kind":"http","apiId":"ABC123"}', parsed: undefined },
    { name: 'an empty id', value: '{"kind":"http","apiId":""}', parsed: undefined },
    { name: 'an id longer than 64', value: JSON.stringify({ kind: 'http', apiId: 'a'.repeat(65) }), parsed: undefined },
    { name: 'a numeric id', value: '{"kind":"http","apiId":123}', parsed: undefined },
    { name: 'no kind', value: '{"apiId":"abc123"}', parsed: undefined },
    { name: 'a JSON array', value: '[{"kind":"http","apiId":"abc123"}]', parsed: undefined },
    { name: 'JSON null', value: 'null', parsed: undefined },
    { name: 'not JSON', value: 'not json', parsed: undefined },
    { name: 'no value', value: undefined, parsed: undefined },
  ])('reads $name as $parsed', ({ value, parsed }) => {
    // Act / Assert
    expect(parseRegistration(value)).toEqual(parsed);
  });
});
