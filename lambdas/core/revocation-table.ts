/**
 * The revocation table's schema: the single source of truth for the authorizer (reads), the
 * revoke Lambda, the CLI, the library's writer and the cache flusher (writes), and the CDK
 * construct (creates). Drift between these would be a security bug, so every key format and
 * attribute name lives here, and {@link revocationKey} is the one key rule all of them use.
 *
 * One item per revocation, all under the partition key `pk`:
 * - `jti#<iss>#<jti>`: one token. `expiresAt` = the token's `exp`.
 * - `session#<iss>#<origin_jti>`: every token refreshed from one Cognito sign-in. `expiresAt` =
 *   the longest such token can live.
 * - `sub#<iss>#<sub>`: every token of the subject issued before `revokedBefore` (global sign-out).
 *   `expiresAt` = `revokedBefore` + the longest token lifetime.
 *
 * `<iss>` is the canonical issuer (`issuer-aliases.ts`): a Cognito token's global-form `iss` keys
 * the same row as its regional form, the one the configuration holds. The revocation feed's items
 * (`revocation-feed.ts`) share the table under keys starting `feed#`.
 *
 * `expiresAt` is the table's TTL attribute. DynamoDB deletes expired items lazily (up to days
 * later), so readers never treat presence alone as current truth where time matters: subject
 * revocations compare `revokedBefore` with the token's `iat`; a stale `jti` or session item can
 * only match a token that is itself expired.
 */
import { createHash } from 'node:crypto';
import { canonicalIssuer } from './issuer-aliases';

export const REVOCATION_ATTRIBUTES = {
  partitionKey: 'pk',
  /** TTL attribute: epoch seconds after which the item is irrelevant. */
  expiresAt: 'expiresAt',
  /** Epoch seconds when the revocation was written. */
  revokedAt: 'revokedAt',
  /** Subject items: tokens with `iat` before this (epoch seconds) are revoked. */
  revokedBefore: 'revokedBefore',
  /** Free text saying why, for humans. */
  reason: 'reason',
} as const;

export type RevocationKind = 'jti' | 'session' | 'sub';

/**
 * The longest key stored as it is, in UTF-8 bytes. DynamoDB limits a partition key to 2048 bytes;
 * claims are attacker-sized strings (after signature verification, but still), so longer keys are
 * hashed rather than failing the lookup. The limit applies to the WHOLE key (kind, issuer and id),
 * which is what docs/revocation.md documents; rows already written follow this rule, so it cannot
 * change without un-revoking them.
 */
export const MAX_RAW_KEY_BYTES = 1024;

/**
 * The partition key of a revocation of this kind — the one key rule every writer and the reader
 * use: `<kind>#<canonical iss>#<id>`, or `<kind>#sha256:<hex SHA-256 of "<canonical iss>#<id>">`
 * when that is longer than {@link MAX_RAW_KEY_BYTES} bytes.
 */
export function revocationKey(kind: RevocationKind, issuer: string, id: string): string {
  const iss = canonicalIssuer(issuer);
  const raw = `${kind}#${iss}#${id}`;
  if (Buffer.byteLength(raw) <= MAX_RAW_KEY_BYTES) return raw;
  return `${kind}#sha256:${createHash('sha256').update(`${iss}#${id}`).digest('hex')}`;
}

/** Every revocation key starts with one of these (`feed#` items never do). */
export const REVOCATION_KEY_PREFIXES = ['jti#', 'session#', 'sub#'] as const satisfies readonly `${RevocationKind}#`[];

/** True for the key of a revocation row (as opposed to a feed item or anything else in the table). */
export function isRevocationKey(key: string): boolean {
  return REVOCATION_KEY_PREFIXES.some((prefix) => key.startsWith(prefix));
}

const SUBJECT_KEY_PREFIX: `${RevocationKind}#` = 'sub#';

/**
 * True for the key of a subject item. Readers treat those differently: a subject item revokes by
 * comparing `revokedBefore` with a token's `iat`, and a later sign-out moves it forward, so it is
 * never cached as "revoked for good" the way a token or session item is.
 */
export function isSubjectRevocationKey(key: string): boolean {
  return key.startsWith(SUBJECT_KEY_PREFIX);
}

/**
 * The table's definition, as `CreateTableCommand` input: what the local stack and the tests
 * create, mirroring what the CDK construct deploys (partition key `pk`, on-demand billing).
 * TTL on `expiresAt` is enabled separately (`UpdateTimeToLive`; dynalite does not implement it).
 */
export function revocationTableDefinition(tableName: string) {
  return {
    TableName: tableName,
    AttributeDefinitions: [{ AttributeName: REVOCATION_ATTRIBUTES.partitionKey, AttributeType: 'S' as const }],
    KeySchema: [{ AttributeName: REVOCATION_ATTRIBUTES.partitionKey, KeyType: 'HASH' as const }],
    BillingMode: 'PAY_PER_REQUEST' as const,
  };
}
