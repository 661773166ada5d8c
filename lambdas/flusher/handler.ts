/**
 * The cache flusher: invoked by the revocation table's DynamoDB stream for every revocation row
 * written — by the endpoint, the CLI, the library, the console, anything — it
 * 1. announces each row on the revocation feed again (`RevocationFeedAppender`), so rows written
 *    by something that does not announce them (the console, an older writer, a writer that died
 *    between its row and its slot) still reach every instance; a second announcement is harmless;
 * 2. flushes API Gateway's authorizer cache on every registered stage (HTTP API
 *    `ResetAuthorizersCache`, REST `FlushStageAuthorizersCache`), one feed poll interval after it
 *    learned of the revocation and at most once per stage per second (`flush-schedule.ts`).
 *
 * A failed announcement fails the batch, so the event source retries it; a failed flush is logged
 * and counted (`CacheFlushFailures`) and the revocation stands: the cached Allow then expires with
 * its TTL. Knows no environment variables: `index.ts` wires the production parts.
 */
import { FlushStageAuthorizersCacheCommand, type APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { ResetAuthorizersCacheCommand, type ApiGatewayV2Client } from '@aws-sdk/client-apigatewayv2';
import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CACHE_FLUSH_SETTINGS } from '../core/config/defaults';
import { loggableError } from '../core/error-class';
import { RevocationFeedAppender } from '../core/revocation-feed-appender';
import { isSubjectRevocationKey, REVOCATION_ATTRIBUTES } from '../core/revocation-table';
import type { StructuredLogger } from '../core/structured-logger';
import { FlushSchedule } from './flush-schedule';
import type { FlushTarget, RegistryRead, StageRegistry } from './stage-registry';
import { writtenRows, type WrittenRow } from './stream-records';

export interface FlusherDeps {
  readonly dynamoDbClient: DynamoDBClient;
  readonly tableName: string;
  readonly registry: StageRegistry;
  readonly http: ApiGatewayV2Client;
  readonly rest: APIGatewayClient;
  readonly logger: StructuredLogger;
  /** Counts flushes and their failures (EMF in Lambda). */
  readonly onFlush?: (outcome: { readonly ok: boolean }) => void;
  readonly now?: () => number;
}

export type FlusherHandler = (event: unknown) => Promise<void>;

/** Builds the flusher: one schedule per execution environment, so bursts coalesce across batches. */
export function createFlusher(deps: FlusherDeps): FlusherHandler {
  const now = deps.now ?? Date.now;
  const appender = new RevocationFeedAppender(deps.dynamoDbClient, deps.tableName, { now });
  const schedule = new FlushSchedule<FlushTarget>({
    keyOf: (target) => `${target.kind}/${target.apiId}/${target.stage}`,
    flush: async (target) => {
      await flushStage(deps, target);
    },
    delayMs: CACHE_FLUSH_SETTINGS.delayMs,
    minIntervalMs: CACHE_FLUSH_SETTINGS.minIntervalMs,
    now,
  });

  return async (event) => {
    const learnedAt = now();
    const rows = writtenRows(event);
    if (rows.length === 0) return;
    for (const row of rows) await appender.append({ key: row.key, revokedBefore: await cutOffOf(deps, row) });
    let registry: RegistryRead;
    try {
      registry = await deps.registry.read();
    } catch (error) {
      deps.logger.error('cache flush: registered stages unreadable', { error: loggableError(error) });
      deps.onFlush?.({ ok: false });
      return;
    }
    // An API whose stages could not be listed is a failed flush; the others' flushes go ahead.
    for (const { api, error } of registry.unreadable) {
      deps.onFlush?.({ ok: false });
      deps.logger.error('cache flush: stages unreadable', { ...api, error: loggableError(error) });
    }
    for (const outcome of await schedule.request(registry.targets, learnedAt)) {
      deps.onFlush?.({ ok: outcome.ok });
      const where = { kind: outcome.target.kind, apiId: outcome.target.apiId, stage: outcome.target.stage };
      if (outcome.ok) deps.logger.info('cache flush', { ...where, revocations: rows.length });
      else deps.logger.error('cache flush failed', { ...where, error: loggableError(outcome.error) });
    }
  };
}

/** A subject row's cut-off: from the stream's new image, or read from the table (KEYS_ONLY streams). */
async function cutOffOf(deps: FlusherDeps, row: WrittenRow): Promise<number | undefined> {
  if (row.revokedBefore !== undefined) return row.revokedBefore ?? undefined;
  if (!isSubjectRevocationKey(row.key)) return undefined;
  const { partitionKey, revokedBefore } = REVOCATION_ATTRIBUTES;
  const item = await deps.dynamoDbClient.send(
    new GetItemCommand({ TableName: deps.tableName, Key: { [partitionKey]: { S: row.key } }, ConsistentRead: true }),
  );
  const value = Number(item.Item?.[revokedBefore]?.N);
  return Number.isFinite(value) ? value : undefined;
}

function flushStage(deps: FlusherDeps, target: FlushTarget): Promise<unknown> {
  return target.kind === 'http'
    ? deps.http.send(new ResetAuthorizersCacheCommand({ ApiId: target.apiId, StageName: target.stage }))
    : deps.rest.send(new FlushStageAuthorizersCacheCommand({ restApiId: target.apiId, stageName: target.stage }));
}
