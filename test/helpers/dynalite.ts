/**
 * A real DynamoDB-compatible server (dynalite, in memory) on 127.0.0.1 with the revocation table
 * created exactly as the schema module defines it.
 */
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { createDynamoDbClient } from '../../lambdas/core/dynamodb-client';
import { revocationTableDefinition } from '../../lambdas/core/revocation-table';

export interface Dynalite {
  readonly endpoint: string;
  readonly port: number;
  readonly tableName: string;
  /** A client with bounded timeouts pointed at this server. */
  client(options?: { requestTimeoutMs?: number; maxAttempts?: number; connectionTimeoutMs?: number }): DynamoDBClient;
  /** Stops the server (clients then fail to connect). */
  stop(): Promise<void>;
  /** Starts it again on the same port if stopped (data is lost: it is in memory). */
  restart(): Promise<void>;
}

export const TEST_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

export async function startDynalite(tableName = 'tollbooth-revocations-test'): Promise<Dynalite> {
  let server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  let running = false;
  const listen = (onPort: number): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(onPort, '127.0.0.1', () => {
        server.off('error', reject);
        running = true;
        resolve();
      });
    });
  await listen(0);
  const port = (server.address() as AddressInfo).port;
  const endpoint = `http://127.0.0.1:${port}`;
  const makeClient = (options: { requestTimeoutMs?: number; maxAttempts?: number; connectionTimeoutMs?: number } = {}): DynamoDBClient =>
    createDynamoDbClient({
      requestTimeoutMs: options.requestTimeoutMs ?? 1000,
      maxAttempts: options.maxAttempts ?? 1,
      ...(options.connectionTimeoutMs === undefined ? {} : { connectionTimeoutMs: options.connectionTimeoutMs }),
      clientConfig: { endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS },
    });
  const createTable = async (): Promise<void> => {
    const client = makeClient();
    await client.send(new CreateTableCommand(revocationTableDefinition(tableName)));
    client.destroy();
  };
  await createTable();
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      if (!running) return resolve();
      running = false;
      // Clients keep connections alive; close them or close() waits forever.
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return {
    endpoint,
    port,
    tableName,
    client: makeClient,
    stop,
    restart: async () => {
      if (running) return;
      server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
      await listen(port);
      await createTable();
    },
  };
}
