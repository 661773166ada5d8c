/**
 * The cache flusher when things go wrong or arrive oddly: batches with nothing to act on, subject
 * rows whose cut-off comes from the table (KEYS_ONLY streams), a feed that cannot be written (the
 * batch fails, so the event source retries it), a registry that cannot be read (logged and counted,
 * the revocation stands), and bursts of batches in one execution environment (coalesced). DynamoDB
 * and API Gateway are mocked; timers are fake, so the flush delay costs no real time.
 */
import { APIGatewayClient, FlushStageAuthorizersCacheCommand } from '@aws-sdk/client-api-gateway';
import { ApiGatewayV2Client, ResetAuthorizersCacheCommand } from '@aws-sdk/client-apigatewayv2';
import { type AttributeValue, DynamoDBClient, GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CACHE_FLUSH_SETTINGS } from '../../../lambdas/core/config/defaults';
import { createFlusher, type FlusherHandler } from '../../../lambdas/flusher/handler';
import type { FlushTarget, RegistryRead, StageRegistry } from '../../../lambdas/flusher/stage-registry';
import { LogCapture } from '../../helpers/log-capture';

const SUBJECT_KEY = 'sub#https://i#alice';
const TARGETS: readonly FlushTarget[] = [
  { kind: 'http', apiId: 'h1', stage: '$default' },
  { kind: 'rest', apiId: 'r1', stage: 'prod' },
];

const dynamo = mockClient(DynamoDBClient);
const http = mockClient(ApiGatewayV2Client);
const rest = mockClient(APIGatewayClient);
let logs: LogCapture;
let flushes: boolean[];
let registryReads: number;

const record = (eventName: string, pk: string, newImage?: Record<string, unknown>) => ({
  eventName,
  dynamodb: { Keys: { pk: { S: pk } }, ...(newImage ? { NewImage: { pk: { S: pk }, ...newImage } } : {}) },
});

function createTestFlusher(read: () => Promise<RegistryRead> = async () => ({ targets: TARGETS, unreadable: [] })): FlusherHandler {
  const registry: StageRegistry = {
    read: () => {
      registryReads++;
      return read();
    },
  };
  return createFlusher({
    dynamoDbClient: new DynamoDBClient({ region: 'us-east-1' }),
    tableName: 'revocations',
    registry,
    http: new ApiGatewayV2Client({ region: 'us-east-1' }),
    rest: new APIGatewayClient({ region: 'us-east-1' }),
    logger: logs,
    onFlush: ({ ok }) => flushes.push(ok),
  });
}

/** Runs one batch to its end, moving the fake clock past the flush delay. */
async function runBatch(flush: FlusherHandler, event: unknown): Promise<void> {
  const done = flush(event);
  await vi.advanceTimersByTimeAsync(CACHE_FLUSH_SETTINGS.delayMs);
  await done;
}

/** The feed slots written, as the entries they announce. */
function announced(): Array<{ entry: string | undefined; revokedBefore: string | undefined }> {
  return dynamo.commandCalls(PutItemCommand).map((call) => ({
    entry: call.args[0].input.Item?.['entry']?.S,
    revokedBefore: call.args[0].input.Item?.['revokedBefore']?.N,
  }));
}

const flushCalls = (): number =>
  http.commandCalls(ResetAuthorizersCacheCommand).length + rest.commandCalls(FlushStageAuthorizersCacheCommand).length;

beforeEach(() => {
  vi.useFakeTimers();
  dynamo.reset();
  http.reset();
  rest.reset();
  dynamo.on(GetItemCommand).resolves({});
  dynamo.on(PutItemCommand).resolves({});
  dynamo.on(UpdateItemCommand).resolves({});
  http.on(ResetAuthorizersCacheCommand).resolves({});
  rest.on(FlushStageAuthorizersCacheCommand).resolves({});
  logs = new LogCapture();
  flushes = [];
  registryReads = 0;
});

afterEach(() => {
  vi.useRealTimers();
});

describe('flusher: batches with nothing to act on', () => {
  it.each([
    { name: 'an event that is not a stream batch', event: null },
    { name: 'Records that are not a list', event: { Records: 'INSERT' } },
    { name: 'an empty batch', event: { Records: [] } },
    { name: 'only deletions (TTL)', event: { Records: [record('REMOVE', 'jti#https://i#1')] } },
    { name: 'only feed items', event: { Records: [record('INSERT', 'feed#us-east-1#7'), record('MODIFY', 'feed#us-east-1#head')] } },
    {
      name: 'records without keys',
      event: { Records: [{ eventName: 'INSERT', dynamodb: { Keys: { pk: { N: '1' } } } }, { eventName: 'INSERT' }] },
    },
  ])('writes nothing, reads no registry and flushes nothing for $name', async ({ event }) => {
    // Prepare
    const flush = createTestFlusher();
    // Act
    await runBatch(flush, event);
    // Assert
    expect(dynamo.calls()).toHaveLength(0);
    expect(registryReads).toBe(0);
    expect(flushCalls()).toBe(0);
    expect(flushes).toEqual([]);
  });
});

describe("flusher: a subject row's cut-off", () => {
  it('announces the cut-off the new image carries, without reading the row', async () => {
    // Prepare
    const flush = createTestFlusher();
    // Act
    await runBatch(flush, { Records: [record('MODIFY', SUBJECT_KEY, { revokedBefore: { N: '1700000000' } })] });
    // Assert
    expect(announced()).toEqual([{ entry: SUBJECT_KEY, revokedBefore: '1700000000' }]);
    expect(dynamo.commandCalls(GetItemCommand, { Key: { pk: { S: SUBJECT_KEY } } })).toHaveLength(0);
  });

  it('announces a subject row without a cut-off when its new image has none, so readers treat every token of it as revoked', async () => {
    // Prepare
    const flush = createTestFlusher();
    // Act
    await runBatch(flush, { Records: [record('INSERT', SUBJECT_KEY, { expiresAt: { N: '1900000000' } })] });
    // Assert
    expect(announced()).toEqual([{ entry: SUBJECT_KEY, revokedBefore: undefined }]);
  });

  it.each<{ name: string; item: Record<string, AttributeValue> | undefined; revokedBefore: string | undefined }>([
    { name: 'a numeric cut-off', item: { pk: { S: SUBJECT_KEY }, revokedBefore: { N: '1700000000' } }, revokedBefore: '1700000000' },
    { name: 'no cut-off', item: { pk: { S: SUBJECT_KEY } }, revokedBefore: undefined },
    {
      name: 'a cut-off that is not a number',
      item: { pk: { S: SUBJECT_KEY }, revokedBefore: { S: 'yesterday' } },
      revokedBefore: undefined,
    },
    { name: 'nothing (the row is gone)', item: undefined, revokedBefore: undefined },
  ])('reads the row of a KEYS_ONLY record, strongly consistent, and announces $name as it finds it', async ({ item, revokedBefore }) => {
    // Prepare
    dynamo.on(GetItemCommand, { Key: { pk: { S: SUBJECT_KEY } } }).resolves(item ? { Item: item } : {});
    const flush = createTestFlusher();
    // Act
    await runBatch(flush, { Records: [record('INSERT', SUBJECT_KEY)] });
    // Assert
    expect(dynamo.commandCalls(GetItemCommand, { Key: { pk: { S: SUBJECT_KEY } } })[0]?.args[0].input).toMatchObject({
      TableName: 'revocations',
      ConsistentRead: true,
    });
    expect(announced()).toEqual([{ entry: SUBJECT_KEY, revokedBefore }]);
  });

  it('reads no row for a token or session record of a KEYS_ONLY stream: they carry no cut-off', async () => {
    // Prepare
    const flush = createTestFlusher();
    // Act
    await runBatch(flush, { Records: [record('INSERT', 'jti#https://i#1'), record('INSERT', 'session#https://i#s')] });
    // Assert: the only reads are the feed head's, one per announcement
    expect(dynamo.commandCalls(GetItemCommand).map((call) => call.args[0].input.Key?.['pk']?.S)).toEqual([
      'feed#us-east-1#head',
      'feed#us-east-1#head',
    ]);
  });
});

describe('flusher: failures', () => {
  it('fails the batch when the feed cannot be written, so the event source retries it, and flushes nothing', async () => {
    // Prepare
    dynamo.on(PutItemCommand).rejects(new Error('ProvisionedThroughputExceededException'));
    const flush = createTestFlusher();
    // Act
    const batch = flush({ Records: [record('INSERT', 'jti#https://i#1')] });
    // Assert
    await expect(batch).rejects.toThrow('ProvisionedThroughputExceededException');
    expect(registryReads).toBe(0);
    expect(flushCalls()).toBe(0);
  });

  it('logs and counts one failure when the registry cannot be read, and lets the batch succeed: the revocation stands', async () => {
    // Prepare
    const flush = createTestFlusher(async () => {
      throw new Error('AccessDeniedException: not authorized to perform ssm:GetParametersByPath');
    });
    // Act
    await runBatch(flush, { Records: [record('INSERT', 'jti#https://i#1')] });
    // Assert
    expect(announced()).toEqual([{ entry: 'jti#https://i#1', revokedBefore: undefined }]);
    expect(flushes).toEqual([false]);
    expect(flushCalls()).toBe(0);
    expect(logs.lines).toEqual([
      {
        level: 'error',
        message: 'cache flush: registered stages unreadable',
        attributes: { error: expect.stringContaining('AccessDeniedException') },
      },
    ]);
  });

  it('counts an API whose stages could not be listed as a failed flush and still flushes the others', async () => {
    // Prepare
    const flush = createTestFlusher(async () => ({
      targets: [{ kind: 'rest', apiId: 'r1', stage: 'prod' }],
      unreadable: [{ api: { kind: 'http', apiId: 'h1' }, error: new Error('NotFoundException: Invalid API identifier') }],
    }));
    // Act
    await runBatch(flush, { Records: [record('INSERT', 'jti#https://i#1')] });
    // Assert
    expect(flushes.sort()).toEqual([false, true]);
    expect(rest.commandCalls(FlushStageAuthorizersCacheCommand).map((call) => call.args[0].input)).toEqual([
      { restApiId: 'r1', stageName: 'prod' },
    ]);
    expect(logs.lines.find((line) => line.level === 'error')).toEqual({
      level: 'error',
      message: 'cache flush: stages unreadable',
      attributes: { kind: 'http', apiId: 'h1', error: expect.stringContaining('NotFoundException') },
    });
  });

  it('logs a failed flush with its stage and the error, counts it, and does not fail the batch', async () => {
    // Prepare
    http.on(ResetAuthorizersCacheCommand).rejects(new Error('TooManyRequestsException'));
    const flush = createTestFlusher();
    // Act
    await runBatch(flush, { Records: [record('INSERT', 'jti#https://i#1')] });
    // Assert
    expect(flushes.sort()).toEqual([false, true]);
    expect(logs.lines).toEqual(
      expect.arrayContaining([
        {
          level: 'error',
          message: 'cache flush failed',
          attributes: { kind: 'http', apiId: 'h1', stage: '$default', error: expect.stringContaining('TooManyRequestsException') },
        },
        { level: 'info', message: 'cache flush', attributes: { kind: 'rest', apiId: 'r1', stage: 'prod', revocations: 1 } },
      ]),
    );
  });
});

describe('flusher: bursts', () => {
  it('flushes no stage before the delay after the batch arrived', async () => {
    // Prepare
    const flush = createTestFlusher();
    // Act
    const batch = flush({ Records: [record('INSERT', 'jti#https://i#1')] });
    await vi.advanceTimersByTimeAsync(CACHE_FLUSH_SETTINGS.delayMs - 1);
    const beforeDelay = flushCalls();
    await vi.advanceTimersByTimeAsync(1);
    await batch;
    // Assert
    expect(beforeDelay).toBe(0);
    expect(flushCalls()).toBe(2);
  });

  it('coalesces three batches within 200 ms into two flushes per stage, an interval apart', async () => {
    // Prepare
    const flush = createTestFlusher();
    const started = Date.now();
    const flushedAt: number[] = [];
    http.on(ResetAuthorizersCacheCommand).callsFake(() => {
      flushedAt.push(Date.now() - started);
      return {};
    });
    // Act
    const batches: Promise<void>[] = [];
    for (const jti of ['1', '2', '3']) {
      batches.push(flush({ Records: [record('INSERT', `jti#https://i#${jti}`)] }));
      await vi.advanceTimersByTimeAsync(100);
    }
    await vi.advanceTimersByTimeAsync(CACHE_FLUSH_SETTINGS.delayMs + CACHE_FLUSH_SETTINGS.minIntervalMs);
    await Promise.all(batches);
    // Assert: the first flush serves the first batch; the second, an interval later, the other two
    expect(flushedAt).toEqual([CACHE_FLUSH_SETTINGS.delayMs, CACHE_FLUSH_SETTINGS.delayMs + CACHE_FLUSH_SETTINGS.minIntervalMs]);
    expect(rest.commandCalls(FlushStageAuthorizersCacheCommand)).toHaveLength(2);
  });
});
