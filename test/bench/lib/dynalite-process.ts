/**
 * dynalite in its own process, so a DynamoDB round trip in the benchmark costs what a round trip
 * to another server costs — the table's server-side work is not billed to the authorizer's thread.
 *
 * Run as a child (`startDynaliteProcess`), this module starts dynalite on 127.0.0.1 with the
 * revocation table and reports its endpoint over IPC; it exits when the parent goes away.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoDbClient } from '../../../lambdas/core/dynamodb-client';
import { startDynalite, TEST_CREDENTIALS } from '../../helpers/dynalite';

export interface DynaliteProcess {
  readonly endpoint: string;
  readonly tableName: string;
  /** A bounded client pointed at this server (one attempt, 1 s timeout). */
  client(): DynamoDBClient;
  stop(): void;
}

interface Ready {
  readonly endpoint: string;
  readonly tableName: string;
}

const TABLE_NAME = 'tollbooth-bench-revocations';

export async function startDynaliteProcess(): Promise<DynaliteProcess> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve'], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const ready = await new Promise<Ready>((resolve, reject) => {
    child.once('message', (message: Ready) => resolve(message));
    child.once('exit', (code) => reject(new Error(`dynalite process exited with code ${code}`)));
  });
  return {
    ...ready,
    client: () =>
      createDynamoDbClient({
        requestTimeoutMs: 1000,
        maxAttempts: 1,
        clientConfig: { endpoint: ready.endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS },
      }),
    stop: () => {
      child.kill();
    },
  };
}

/** Counts `BatchGetItem` requests a client sends (the authorizer's only read). */
export function countBatchGets(client: DynamoDBClient): { readonly count: number } {
  const counter = { count: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'BatchGetItemCommand') counter.count++;
      return next(args);
    },
    { step: 'initialize', name: 'tollboothBenchReadCounter' },
  );
  return counter;
}

if (process.argv.includes('--serve') && process.send) {
  const dynalite = await startDynalite(TABLE_NAME);
  process.send({ endpoint: dynalite.endpoint, tableName: dynalite.tableName } satisfies Ready);
  process.on('disconnect', () => process.exit(0));
}
