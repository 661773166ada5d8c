/**
 * Lambda entry point for the cache flusher (`handler.ts`), triggered by the revocation table's
 * DynamoDB stream: the only module of the flusher with import-time side effects. Reads
 * `TOLLBOOTH_REVOCATION_TABLE` and `TOLLBOOTH_FLUSH_REGISTRY` (the SSM path the protected APIs
 * register under), builds the clients once, and writes one EMF line per batch (`CacheFlushes`,
 * `CacheFlushFailures`).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { ApiGatewayV2Client } from '@aws-sdk/client-apigatewayv2';
import { SSMClient } from '@aws-sdk/client-ssm';
import { CACHE_FLUSH_SETTINGS, REVOKE_WRITE_SETTINGS } from '../core/config/defaults';
import { CONFIG_ENV } from '../core/config/environment';
import { createDynamoDbClient } from '../core/dynamodb-client';
import { initialiseEntry } from '../core/lambda-entry';
import { DEFAULT_METRICS_NAMESPACE, FLUSHER_SERVICE_NAME, METRIC_NAMES } from '../core/metric-names';
import { createFlusher, type FlusherHandler } from './handler';
import { SsmStageRegistry } from './stage-registry';

/** The variable naming the SSM path the protected APIs register under. */
export const FLUSH_REGISTRY_ENV = 'TOLLBOOTH_FLUSH_REGISTRY';

const logger = new Logger({ serviceName: FLUSHER_SERVICE_NAME });
const metrics = new Metrics({
  namespace: process.env['POWERTOOLS_METRICS_NAMESPACE'] || DEFAULT_METRICS_NAMESPACE,
  serviceName: FLUSHER_SERVICE_NAME,
});

async function initialise(): Promise<FlusherHandler> {
  const tableName = process.env[CONFIG_ENV.revocationTable]?.trim();
  const path = process.env[FLUSH_REGISTRY_ENV]?.trim();
  if (!tableName || !path) throw new Error(`${CONFIG_ENV.revocationTable} and ${FLUSH_REGISTRY_ENV} are required`);
  const flush = createFlusher({
    dynamoDbClient: createDynamoDbClient(REVOKE_WRITE_SETTINGS),
    tableName,
    registry: new SsmStageRegistry({
      path,
      ssm: new SSMClient({ maxAttempts: 3 }),
      http: new ApiGatewayV2Client({ maxAttempts: 3 }),
      rest: new APIGatewayClient({ maxAttempts: 3 }),
      maxAgeMs: CACHE_FLUSH_SETTINGS.registryMaxAgeMs,
    }),
    http: new ApiGatewayV2Client({ maxAttempts: 3 }),
    rest: new APIGatewayClient({ maxAttempts: 3 }),
    logger,
    onFlush: ({ ok }) => {
      metrics.addMetric(METRIC_NAMES.cacheFlushes, MetricUnit.Count, 1);
      metrics.addMetric(METRIC_NAMES.cacheFlushFailures, MetricUnit.Count, ok ? 0 : 1);
    },
  });
  return async (event) => {
    try {
      await flush(event);
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}

/** The Lambda handler: configure the function with `index.handler`. */
export const handler: FlusherHandler = await initialiseEntry(initialise, logger);
