/**
 * The cache flusher's Lambda entry (`lambdas/flusher/index.ts`), imported in process the way the
 * Lambda runtime imports it: what it reads from the environment, that a missing variable fails the
 * cold start inside Lambda, and that a batch is announced, flushed and counted in one EMF line.
 * Every AWS client is mocked at its class (aws-sdk-client-mock), so the clients the entry builds
 * itself send nothing; each test imports a fresh copy of the module after setting its variables.
 */
import { APIGatewayClient, FlushStageAuthorizersCacheCommand, GetStagesCommand as GetRestStagesCommand } from '@aws-sdk/client-api-gateway';
import { ApiGatewayV2Client, GetStagesCommand, ResetAuthorizersCacheCommand } from '@aws-sdk/client-apigatewayv2';
import { DynamoDBClient, GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { GetParametersByPathCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import type { FlusherHandler } from '../../../lambdas/flusher/handler';

const REGISTRY_PATH = '/tollbooth/Stack/Tollbooth';

const dynamo = mockClient(DynamoDBClient);
const ssm = mockClient(SSMClient);
const http = mockClient(ApiGatewayV2Client);
const rest = mockClient(APIGatewayClient);
let stdout: MockInstance<typeof process.stdout.write>;

/** A fresh copy of the entry, imported with the variables set now. */
async function importEntry(): Promise<{ handler: FlusherHandler }> {
  vi.resetModules();
  return import('../../../lambdas/flusher/index');
}

/** The EMF lines written to standard output. */
function emfLines(): Array<Record<string, unknown>> {
  return stdout.mock.calls
    .flatMap(([chunk]) => String(chunk).split('\n'))
    .filter((line) => line.trim().startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => '_aws' in line);
}

beforeEach(() => {
  for (const client of [dynamo, ssm, http, rest]) client.reset();
  stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.stubEnv('AWS_REGION', 'us-east-1');
  vi.stubEnv('TOLLBOOTH_REVOCATION_TABLE', 'revocations');
  vi.stubEnv('TOLLBOOTH_FLUSH_REGISTRY', REGISTRY_PATH);
  vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', 'tollbooth-cache-flusher');
  // The entry's log lines are the handler's, tested with a log double elsewhere; keep the run quiet.
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
});

afterEach(() => {
  stdout.mockRestore();
  vi.unstubAllEnvs();
});

describe('the flusher entry', () => {
  it.each([
    { name: 'the table', unset: 'TOLLBOOTH_REVOCATION_TABLE' },
    { name: 'the registry path', unset: 'TOLLBOOTH_FLUSH_REGISTRY' },
  ])('fails the cold start inside Lambda without $name, naming both variables it needs', async ({ unset }) => {
    // Prepare
    vi.stubEnv(unset, '  ');
    // Act
    const imported = importEntry();
    // Assert
    await expect(imported).rejects.toThrow('TOLLBOOTH_REVOCATION_TABLE and TOLLBOOTH_FLUSH_REGISTRY are required');
  });

  it('imports outside Lambda without its variables, and its handler reports what is missing', async () => {
    // Prepare
    vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', undefined);
    vi.stubEnv('TOLLBOOTH_FLUSH_REGISTRY', undefined);
    // Act
    const { handler } = await importEntry();
    // Assert
    await expect(handler({ Records: [] })).rejects.toThrow('TOLLBOOTH_FLUSH_REGISTRY are required');
  });

  it('announces a batch on the feed, flushes the registered stages and writes one EMF line counting the flushes', async () => {
    // Prepare
    dynamo.on(GetItemCommand).resolves({});
    dynamo.on(PutItemCommand).resolves({});
    dynamo.on(UpdateItemCommand).resolves({});
    ssm.on(GetParametersByPathCommand).resolves({
      Parameters: [
        { Name: `${REGISTRY_PATH}/apis/Http`, Value: '{"kind":"http","apiId":"h1"}' },
        { Name: `${REGISTRY_PATH}/apis/Rest`, Value: '{"kind":"rest","apiId":"r1"}' },
      ],
    });
    http.on(GetStagesCommand).resolves({ Items: [{ StageName: '$default' }] });
    rest.on(FlushStageAuthorizersCacheCommand).rejects(new Error('TooManyRequestsException'));
    rest.on(GetRestStagesCommand).resolves({ item: [{ stageName: 'prod' }] });
    http.on(ResetAuthorizersCacheCommand).resolves({});
    const { handler } = await importEntry();
    // Act
    await handler({ Records: [{ eventName: 'INSERT', dynamodb: { Keys: { pk: { S: 'jti#https://i#1' } } } }] });
    // Assert
    expect(ssm.commandCalls(GetParametersByPathCommand)[0]?.args[0].input).toMatchObject({ Path: REGISTRY_PATH, Recursive: true });
    expect(dynamo.commandCalls(PutItemCommand)[0]?.args[0].input).toMatchObject({ TableName: 'revocations' });
    expect(http.commandCalls(ResetAuthorizersCacheCommand).map((call) => call.args[0].input)).toEqual([
      { ApiId: 'h1', StageName: '$default' },
    ]);
    const emf = emfLines();
    expect(emf).toHaveLength(1);
    expect(emf[0]).toMatchObject({ service: 'tollbooth-cache-flusher', CacheFlushes: [1, 1], CacheFlushFailures: [0, 1] });
  });

  it('fails the batch when the feed cannot be written, before reading the registry', async () => {
    // Prepare
    dynamo.on(GetItemCommand).rejects(new Error('ProvisionedThroughputExceededException'));
    const { handler } = await importEntry();
    // Act
    const batch = handler({ Records: [{ eventName: 'INSERT', dynamodb: { Keys: { pk: { S: 'jti#https://i#1' } } } }] });
    // Assert
    await expect(batch).rejects.toThrow('ProvisionedThroughputExceededException');
    expect(ssm.calls()).toHaveLength(0);
  });
});
