/**
 * The cache flusher: which stream records it acts on, that it announces each row on the feed again,
 * and that it flushes every registered stage once per burst, after the feed's poll interval, and
 * counts a failed flush without failing the batch.
 */
import { APIGatewayClient, FlushStageAuthorizersCacheCommand } from '@aws-sdk/client-api-gateway';
import { ApiGatewayV2Client, ResetAuthorizersCacheCommand } from '@aws-sdk/client-apigatewayv2';
import { DynamoDBClient, GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createFlusher } from '../../../lambdas/flusher/handler';
import { FlushSchedule } from '../../../lambdas/flusher/flush-schedule';
import { writtenRows } from '../../../lambdas/flusher/stream-records';
import { LogCapture } from '../../helpers/log-capture';

const dynamo = mockClient(DynamoDBClient);
const http = mockClient(ApiGatewayV2Client);
const rest = mockClient(APIGatewayClient);

const record = (eventName: string, pk: string, newImage?: Record<string, unknown>) => ({
  eventName,
  dynamodb: { Keys: { pk: { S: pk } }, ...(newImage ? { NewImage: { pk: { S: pk }, ...newImage } } : {}) },
});

beforeEach(() => {
  dynamo.reset();
  http.reset();
  rest.reset();
  dynamo.on(GetItemCommand).resolves({});
  dynamo.on(PutItemCommand).resolves({});
  dynamo.on(UpdateItemCommand).resolves({});
});

describe('flusher', () => {
  it('acts on inserted and changed revocation rows only, reading a cut-off from the new image', () => {
    // Act
    const rows = writtenRows({
      Records: [
        record('INSERT', 'jti#https://i#1'),
        record('MODIFY', 'sub#https://i#alice', { revokedBefore: { N: '1700000000' } }),
        record('INSERT', 'sub#https://i#bob', { expiresAt: { N: '1' } }),
        record('REMOVE', 'jti#https://i#2'),
        record('INSERT', 'feed#us-east-1#7'),
        { eventName: 'INSERT' },
        'junk',
      ],
    });
    // Assert
    expect(rows).toEqual([
      { key: 'jti#https://i#1', revokedBefore: undefined },
      { key: 'sub#https://i#alice', revokedBefore: 1_700_000_000 },
      { key: 'sub#https://i#bob', revokedBefore: null },
    ]);
  });

  it('announces each row again and flushes every registered stage once, after the poll interval', async () => {
    // Prepare
    http.on(ResetAuthorizersCacheCommand).resolves({});
    rest.on(FlushStageAuthorizersCacheCommand).rejects(new Error('TooManyRequestsException'));
    const flushes: boolean[] = [];
    const logs = new LogCapture();
    const flush = createFlusher({
      dynamoDbClient: new DynamoDBClient({ region: 'us-east-1' }),
      tableName: 'revocations',
      registry: {
        read: async () => ({
          targets: [
            { kind: 'http', apiId: 'h1', stage: '$default' },
            { kind: 'rest', apiId: 'r1', stage: 'prod' },
          ],
          unreadable: [],
        }),
      },
      http: new ApiGatewayV2Client({ region: 'us-east-1' }),
      rest: new APIGatewayClient({ region: 'us-east-1' }),
      logger: logs,
      onFlush: ({ ok }) => flushes.push(ok),
    });
    const started = performance.now();
    // Act
    await flush({ Records: [record('INSERT', 'jti#https://i#1'), record('INSERT', 'session#https://i#s')] });
    // Assert
    const announced = dynamo.commandCalls(PutItemCommand).map((call) => call.args[0].input.Item?.['entry']?.S);
    expect(announced).toEqual(['jti#https://i#1', 'session#https://i#s']);
    expect(http.commandCalls(ResetAuthorizersCacheCommand).map((call) => call.args[0].input)).toEqual([
      { ApiId: 'h1', StageName: '$default' },
    ]);
    expect(rest.commandCalls(FlushStageAuthorizersCacheCommand)).toHaveLength(1);
    expect(flushes.sort()).toEqual([false, true]);
    expect(logs.lines.some((line) => line.message === 'cache flush failed')).toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it('coalesces a burst into at most one flush per target per interval, none earlier than the delay', async () => {
    // Prepare: fake timers, so a busy machine cannot make a timer fire late and the gap look short
    vi.useFakeTimers();
    const flushedAt: number[] = [];
    const schedule = new FlushSchedule<string>({
      keyOf: (target) => target,
      flush: async () => {
        flushedAt.push(Date.now());
      },
      delayMs: 50,
      minIntervalMs: 300,
    });
    try {
      // Act: five revocations learned within 40 ms
      const now = Date.now();
      const requests = Promise.all([0, 10, 20, 30, 40].map((offset) => schedule.request(['a'], now + offset)));
      await vi.advanceTimersByTimeAsync(1000);
      await requests;
      // Assert: the first flush serves the first revocation, one more an interval later serves the rest
      expect(flushedAt.map((at) => at - now)).toEqual([50, 350]);
    } finally {
      vi.useRealTimers();
    }
  });
});
