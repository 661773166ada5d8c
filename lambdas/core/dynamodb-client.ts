/**
 * The DynamoDB client every Tollbooth component uses: bounded attempts and per-attempt timeouts,
 * so a slow or unreachable table turns into a fast, explicit failure instead of a hung request.
 *
 * Region, credentials and endpoint come from the AWS SDK's standard configuration chain: in Lambda
 * the function's role and region; locally `AWS_REGION` and `AWS_ENDPOINT_URL_DYNAMODB` (or
 * `AWS_ENDPOINT_URL`) point the same code at dynalite or DynamoDB Local.
 */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';

export interface DynamoDbClientOptions {
  /** Bound on one attempt, connection included. */
  readonly requestTimeoutMs: number;
  /** Attempts including the first. */
  readonly maxAttempts: number;
  /**
   * Bound on establishing the connection. Default: the attempt's bound, at most 1 s — a healthy
   * endpoint accepts within milliseconds, so a slow connect means a broken one.
   */
  readonly connectionTimeoutMs?: number;
  /** Extra client settings (tests pass an endpoint and static credentials). */
  readonly clientConfig?: DynamoDBClientConfig;
}

export function createDynamoDbClient(options: DynamoDbClientOptions): DynamoDBClient {
  return new DynamoDBClient({
    maxAttempts: options.maxAttempts,
    requestHandler: {
      connectionTimeout: options.connectionTimeoutMs ?? Math.min(options.requestTimeoutMs, 1000),
      requestTimeout: options.requestTimeoutMs,
      // Without this, @smithy/node-http-handler 4.x only logs a warning when requestTimeout
      // passes and keeps waiting: a stalled attempt is never abandoned, so the next attempt never
      // starts and only the caller's overall deadline ends the wait.
      throwOnRequestTimeout: true,
    },
    ...options.clientConfig,
  });
}
