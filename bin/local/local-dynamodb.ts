/**
 * The embedded DynamoDB for the local stack: dynalite in memory on 127.0.0.1, with the
 * revocation table created from the same schema module the CDK construct and authorizer use.
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
/** dynalite accepts any credentials; the SDK still wants some. */

export interface LocalDynamoDb {
  readonly endpoint: string;
  readonly tableName: string;
  client(): DynamoDBClient;
  close(): Promise<void>;
}

export async function startLocalDynamoDb(options: { port?: number; tableName?: string } = {}): Promise<LocalDynamoDb> {
  const tableName = options.tableName ?? LOCAL_TABLE_NAME;
  const server: Server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
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
