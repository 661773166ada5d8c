/**
 * The embedded DynamoDB for the local stack: dynalite in memory on 127.0.0.1, with the
 * revocation table created from the same schema module the CDK construct and authorizer use.
 * `onWrite` hears of every write that succeeded, whoever sent it (the local stack saves the table
 * then: revocation-snapshot.ts).
 *
 * A gate sits in front of dynalite's request handler: dynalite 4.0.0 throws an uncaught
 * `Error: Database is closed` — which ends the process — when its server closes while a request
 * is being handled (a feed poll, a save, a revoke from another terminal). So `close()` first
 * answers new requests 503 (the SDK's retryable ServiceUnavailable), waits until dynalite has
 * answered those in flight (at most {@link DRAIN_LIMIT_MS}), and only then closes it
 * (docs/known-issues.md).
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { createDynamoDbClient } from '../../lambdas/core/dynamodb-client';
import { revocationTableDefinition } from '../../lambdas/core/revocation-table';
import { listen } from './dev-issuer';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './local-credentials';

export const LOCAL_TABLE_NAME = 'tollbooth-revocations';

/** How long `close()` waits for requests in flight before closing dynalite regardless. */
export const DRAIN_LIMIT_MS = 2000;

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
  const [dynaliteHandler] = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  if (!dynaliteHandler) throw new Error('dynalite has no request handler');
  server.removeAllListeners('request');
  let inFlight = 0;
  let closing = false;
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (closing) {
      res.writeHead(503, { 'content-type': 'application/x-amz-json-1.0', connection: 'close' });
      res.end(
        JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#ServiceUnavailableException', message: 'the local stack is stopping' }),
      );
      return;
    }
    // Counted until dynalite ends its response, not until the socket closes: a client that gave
    // up (a destroyed SDK client) closes the socket while dynalite is still reading the database.
    inFlight++;
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    let ended = false;
    res.end = ((...args: unknown[]) => {
      if (!ended) {
        ended = true;
        inFlight--;
      }
      return end(...args);
    }) as ServerResponse['end'];
    const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    if (onWrite && WRITE_OPERATIONS.has(operation)) res.once('finish', () => res.statusCode === 200 && onWrite());
    dynaliteHandler(req, res);
  });
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
    close: async () => {
      closing = true;
      const deadline = Date.now() + DRAIN_LIMIT_MS;
      while (inFlight > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}
