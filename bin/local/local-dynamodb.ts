/**
 * The embedded DynamoDB for the local stack: dynalite in memory on 127.0.0.1, with the
 * revocation table created from the same schema module the CDK construct and authorizer use.
 * `onWrite` hears of every write that succeeded, whoever sent it (the local stack saves the table
 * then: revocation-snapshot.ts).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { createDynamoDbClient } from '../../lambdas/core/dynamodb-client';
import { revocationTableDefinition } from '../../lambdas/core/revocation-table';
import { listen } from './dev-issuer';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './local-credentials';

export const LOCAL_TABLE_NAME = 'tollbooth-revocations';

/** DynamoDB operations that change items (the `X-Amz-Target` suffix). */
const WRITE_OPERATIONS = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);

export interface LocalDynamoDb {
  readonly endpoint: string;
  readonly tableName: string;
  client(): DynamoDBClient;
  close(): Promise<void>;
}

export interface LocalDynamoDbOptions {
  /** 0 (the default) picks a free one. */
  readonly port?: number;
  readonly tableName?: string;
  /** Called after each write operation answered with 200. */
  readonly onWrite?: () => void;
}

export async function startLocalDynamoDb(options: LocalDynamoDbOptions = {}): Promise<LocalDynamoDb> {
  const tableName = options.tableName ?? LOCAL_TABLE_NAME;
  const server: Server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const onWrite = options.onWrite;
  if (onWrite) {
    // Ahead of dynalite's own handler: only looks at the operation and the status sent.
    server.prependListener('request', (req, res) => {
      const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
      if (WRITE_OPERATIONS.has(operation)) res.once('finish', () => res.statusCode === 200 && onWrite());
    });
  }
  await listen(server, options.port ?? 0);
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = (): DynamoDBClient =>
    createDynamoDbClient({
      requestTimeoutMs: 1000,
      maxAttempts: 2,
      clientConfig: { endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS },
    });
  const admin = client();
  await admin.send(new CreateTableCommand(revocationTableDefinition(tableName)));
  admin.destroy();
  return {
    endpoint,
    tableName,
    client,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
