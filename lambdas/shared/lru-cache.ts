/**
 * A size-capped map that evicts the least recently used entry. Every cache in the authorizer sits
 * on one of these so that memory stays bounded however many distinct tokens an instance sees.
 *
 * A `Map` keeps insertion order, so re-inserting on read moves an entry to the "recent" end and
 * the first key is always the eviction candidate: O(1) for get, set and evict.
 *
 * One refinement, for the authorizer's hot path (a repeated token reads three of these caches):
 * a read does not re-insert an entry that is already among the most recently used quarter. Such
 * an entry is at least three quarters of the cache away from eviction, so moving it changes no
 * eviction for a long while, and the delete-and-insert cost ~0.27 µs per read (measured with
 * 50,000 entries) plus the table churn it leaves behind. An entry read again after it has aged out
 * of that quarter moves as before. Below four entries every read moves, i.e. strict LRU.
 */
interface Slot<V> {
  readonly value: V;
  /** Value of the use counter when the entry was last moved to the recent end. */
  stamp: number;
}

export class LruCache<K, V> {
  private readonly entries = new Map<K, Slot<V>>();
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
    const slot = this.entries.get(key);
    if (slot === undefined) return undefined;
    if (this.uses - slot.stamp >= this.youngAge) {
      this.entries.delete(key);
      this.entries.set(key, slot);
      slot.stamp = ++this.uses;
    }
    return slot.value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, { value, stamp: ++this.uses });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
