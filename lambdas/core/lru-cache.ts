/**
 * A size-capped map that evicts the least recently used entry. Every cache in the authorizer sits
 * on one of these so that memory stays bounded however many distinct tokens an instance sees.
 *
 * A `Map` finds entries; a doubly linked list through them keeps the order of use, so get, set
 * and evict are O(1). (An earlier version used the `Map`'s own insertion order and evicted its
 * first key. Every delete leaves a hole that `keys().next()` must step over until the table is
 * rebuilt, so in steady state each eviction walked thousands of holes, and an insert grew slower
 * with the cache's size; BENCHMARKS.md, "What was optimised", has the before and after.)
 *
 * One refinement, for the hot path (a repeated token reads three of these caches): a read does
 * not move an entry that is already among the most recently used quarter. Such an entry is at
 * least three quarters of the cache away from eviction, so moving it changes no eviction for a
 * long while, and skipping the move saves the pointer writes and cache misses on every hit. An
 * entry read again after it has aged out of that quarter moves as before. Below four entries
 * every read moves, i.e. strict LRU.
 */
interface Entry<K, V> {
  readonly key: K;
  value: V;
  older: Entry<K, V> | undefined;
  newer: Entry<K, V> | undefined;
  /** Value of the use counter when the entry last became the newest. */
  stamp: number;
}

export class LruCache<K, V> {
  private readonly entries = new Map<K, Entry<K, V>>();
  private oldest: Entry<K, V> | undefined;
  private newest: Entry<K, V> | undefined;
  /** Counts insertions and moves: an entry's age is how many happened since its own. */
  private uses = 0;
  private readonly youngAge: number;

  constructor(readonly maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}`);
    }
    this.youngAge = Math.floor(maxEntries / 4);
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (this.uses - entry.stamp >= this.youngAge) this.makeNewest(entry);
    return entry.value;
  }

  set(key: K, value: V): void {
    const existing = this.entries.get(key);
    if (existing) {
      existing.value = value;
      this.makeNewest(existing);
      return;
    }
    const entry: Entry<K, V> = { key, value, older: undefined, newer: undefined, stamp: 0 };
    this.entries.set(key, entry);
    this.append(entry);
    if (this.entries.size > this.maxEntries && this.oldest) this.remove(this.oldest);
  }

  delete(key: K): void {
    const entry = this.entries.get(key);
    if (entry) this.remove(entry);
  }

  clear(): void {
    this.entries.clear();
    this.oldest = undefined;
    this.newest = undefined;
  }

  private makeNewest(entry: Entry<K, V>): void {
    if (entry !== this.newest) {
      this.unlink(entry);
      this.append(entry);
    } else {
      entry.stamp = ++this.uses;
    }
  }

  private remove(entry: Entry<K, V>): void {
    this.unlink(entry);
    this.entries.delete(entry.key);
  }

  private unlink(entry: Entry<K, V>): void {
    if (entry.older) entry.older.newer = entry.newer;
    else this.oldest = entry.newer;
    if (entry.newer) entry.newer.older = entry.older;
    else this.newest = entry.older;
    entry.older = undefined;
    entry.newer = undefined;
  }

  private append(entry: Entry<K, V>): void {
    entry.older = this.newest;
    if (this.newest) this.newest.newer = entry;
    else this.oldest = entry;
    this.newest = entry;
    entry.stamp = ++this.uses;
  }
}
