/**
 * Reads the revocation table's stream records the flusher is given: which revocation rows were
 * written (inserted or changed), and what each announces on the feed. Records of feed items, of
 * deletions (TTL) and anything malformed are skipped; the event source's filter already drops most.
 *
 * A record's `NewImage` carries a subject row's cut-off (streams with `NEW_IMAGE` or
 * `NEW_AND_OLD_IMAGES`); a `KEYS_ONLY` stream (an imported table's) does not, and the flusher reads
 * the row instead.
 */
import { isRecord } from '../core/guards';
import { isRevocationKey, REVOCATION_ATTRIBUTES } from '../core/revocation-table';

/** One written revocation row, as the stream tells it. */
export interface WrittenRow {
  readonly key: string;
  /** The row's cut-off when the record carried the new image; `null` when the image says it has none. */
  readonly revokedBefore: number | null | undefined;
}

/** The revocation rows written in a DynamoDB stream event. */
export function writtenRows(event: unknown): WrittenRow[] {
  const records = isRecord(event) && Array.isArray(event['Records']) ? event['Records'] : [];
  const rows: WrittenRow[] = [];
  for (const record of records) {
    if (!isRecord(record) || (record['eventName'] !== 'INSERT' && record['eventName'] !== 'MODIFY')) continue;
    const change = record['dynamodb'];
    if (!isRecord(change)) continue;
    const key = stringAttribute(change['Keys'], REVOCATION_ATTRIBUTES.partitionKey);
    if (key === undefined || !isRevocationKey(key)) continue;
    const image = change['NewImage'];
    if (!isRecord(image)) {
      rows.push({ key, revokedBefore: undefined });
      continue;
    }
    const before = image[REVOCATION_ATTRIBUTES.revokedBefore];
    const value = isRecord(before) && typeof before['N'] === 'string' ? Number(before['N']) : Number.NaN;
    rows.push({ key, revokedBefore: Number.isFinite(value) ? value : null });
  }
  return rows;
}

function stringAttribute(item: unknown, name: string): string | undefined {
  if (!isRecord(item)) return undefined;
  const attribute = item[name];
  return isRecord(attribute) && typeof attribute['S'] === 'string' ? attribute['S'] : undefined;
}
