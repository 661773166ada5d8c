/**
 * Keeps the embedded table's revocations across restarts of `npm start`. dynalite holds its data
 * in memory, so the table is saved to `.tollbooth/stacks/<name>/revocations.json` after every
 * write that reaches it (the admin endpoint, `npm run revoke` from another process, anything
 * else using its endpoint) and once more when the stack stops, and written back at start.
 *
 * Why a saved copy rather than dynalite's LevelDB store (its `path` option): LevelDB comes through
 * a native module (classic-level), whose install script this repository does not run, so a
 * machine without a matching prebuilt binary could not start the stack at all; a JSON file needs
 * nothing, can be read and deleted by hand, and lets expired rows (dynalite does not implement
 * TTL) be dropped at restore. The cost: a write in the few milliseconds before a SIGKILL can be
 * lost. The table is small — rows expire with the tokens they revoke — so a whole-table copy
 * per write is cheap. Saves are serialised and coalesced; the file is replaced atomically.
 *
 * Only revocation rows are kept, not the revocation feed's head and slots that share the table.
 * The feed tells warm caches what was written since they last looked; a restarted stack has no
 * warm cache (the authorizer's and the API Gateway emulation's both start empty), so each restored
 * row is read from the table by the first request that needs it, and the feed starts afresh from
 * slot 1, as a new table's does. Restoring old slots and a head would only replay announcements
 * nobody is waiting for.
 */
import { readFileSync } from 'node:fs';
import { BatchWriteItemCommand, ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { FEED_KEY_PREFIX } from '../../lambdas/core/revocation-feed';
import { REVOCATION_ATTRIBUTES } from '../../lambdas/core/revocation-table';
import { CommandError } from './args';
import { writePrivateFile } from './state-dir';

type Item = Record<string, AttributeValue>;

interface SnapshotFile {
  readonly table: string;
  readonly savedAt: string;
  readonly items: readonly Item[];
}

export interface RevocationSnapshotOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** The JSON file. */
  readonly path: string;
  /** Milliseconds since the epoch, to drop rows expired while the stack was stopped. */
  readonly now?: () => number;
  /** Told about a save that failed (the stack keeps running). */
  readonly onError?: (message: string) => void;
}

// BatchWriteItem's limit.
const BATCH_SIZE = 25;

/** Saves the table after writes and restores it at start. */
export class RevocationSnapshot {
  private saving: Promise<void> = Promise.resolve();
  private pending = false;

  constructor(private readonly options: RevocationSnapshotOptions) {}

  /** Writes the saved rows that have not expired into the (empty) table; returns how many. */
  async restore(): Promise<number> {
    const file = this.read();
    if (!file) return 0;
    const nowSeconds = Math.floor((this.options.now ?? Date.now)() / 1000);
    // A file written by hand or by an earlier version may hold feed items: they are skipped too.
    const live = file.items.filter(isRevocationRow).filter((item) => {
      const expiresAt = item[REVOCATION_ATTRIBUTES.expiresAt]?.N;
      return expiresAt === undefined || Number(expiresAt) > nowSeconds;
    });
    for (let start = 0; start < live.length; start += BATCH_SIZE) {
      let requests = live.slice(start, start + BATCH_SIZE).map((item) => ({ PutRequest: { Item: item } }));
      while (requests.length > 0) {
        const result = await this.options.client.send(new BatchWriteItemCommand({ RequestItems: { [this.options.tableName]: requests } }));
        requests = (result.UnprocessedItems?.[this.options.tableName] ?? []).flatMap((request) =>
          request.PutRequest?.Item ? [{ PutRequest: { Item: request.PutRequest.Item } }] : [],
        );
      }
    }
    return live.length;
  }

  /** Asks for a save; saves run one at a time, and any number of requests during one make one more. */
  requestSave(): void {
    if (this.pending) return;
    this.pending = true;
    this.saving = this.saving.then(async () => {
      this.pending = false;
      try {
        await this.save();
      } catch (error) {
        this.options.onError?.(
          `could not save the revocations to ${this.options.path}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    });
  }

  /** Resolves once every requested save has finished. */
  async settled(): Promise<void> {
    await this.saving;
  }

  private async save(): Promise<void> {
    const items: Item[] = [];
    let startKey: Item | undefined;
    do {
      const page = await this.options.client.send(
        new ScanCommand({ TableName: this.options.tableName, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }),
      );
      items.push(...(page.Items ?? []).filter(isRevocationRow));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    const file: SnapshotFile = { table: this.options.tableName, savedAt: new Date().toISOString(), items };
    writePrivateFile(this.options.path, `${JSON.stringify(file, null, 1)}\n`);
  }

  private read(): SnapshotFile | undefined {
    let text: string;
    try {
      text = readFileSync(this.options.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new CommandError(`cannot read ${this.options.path}: ${(error as Error).message}`);
    }
    try {
      const file = JSON.parse(text) as SnapshotFile;
      if (!Array.isArray(file.items) || !file.items.every((item) => typeof item === 'object' && item !== null)) throw new Error('no items');
      return file;
    } catch {
      throw new CommandError(
        `${this.options.path} does not hold saved revocations: delete it, or start with --clear-revocations (the revocations in it are then forgotten)`,
      );
    }
  }
}

/** A revocation row, as opposed to an item of the revocation feed kept in the same table. */
function isRevocationRow(item: Item): boolean {
  return !item[REVOCATION_ATTRIBUTES.partitionKey]?.S?.startsWith(FEED_KEY_PREFIX);
}
