/**
 * The size-capped map every authorizer cache sits on.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LruCache } from '../../../lambdas/core/lru-cache';

describe('lru-cache', () => {
  it('returns what was set', () => {
    // Prepare
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    // Act / Assert
    expect(cache.get('a')).toBe(1);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.size).toBe(1);
  });

  it('evicts the least recently set entry beyond maxEntries', () => {
    // Prepare
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    // Act
    cache.set('c', 3);
    // Assert
    expect(cache.size).toBe(2);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')).toBe(2);
    expect(cache.get('c')).toBe(3);
  });

  it('counts a read as a use, so a recently read entry survives', () => {
    // Prepare
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.get('a');
    // Act
    cache.set('c', 3);
    // Assert
    expect(cache.get('a')).toBe(1);
    expect(cache.get('b')).toBeUndefined();
  });

  it('replaces a value without growing, and counts the replacement as a use', () => {
    // Prepare
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('a', 10);
    // Act
    cache.set('c', 3);
    // Assert
    expect(cache.size).toBe(2);
    expect(cache.get('a')).toBe(10);
    expect(cache.get('b')).toBeUndefined();
  });

  it('deletes one entry and clears all of them', () => {
    // Prepare
    const cache = new LruCache<string, number>(3);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('c', 3);
    // Act
    cache.delete('b');
    const afterDelete = [cache.get('a'), cache.get('b'), cache.get('c')];
    cache.clear();
    // Assert
    expect(afterDelete).toEqual([1, undefined, 3]);
    expect(cache.size).toBe(0);
  });

  it('holds exactly one entry with maxEntries 1', () => {
    // Prepare
    const cache = new LruCache<string, number>(1);
    cache.set('a', 1);
    // Act
    cache.set('b', 2);
    // Assert
    expect(cache.size).toBe(1);
    expect(cache.get('b')).toBe(2);
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses maxEntries %s', (maxEntries) => {
    // Act / Assert
    expect(() => new LruCache(maxEntries)).toThrow(RangeError);
  });

  it('keeps an entry read every few insertions while many other keys stream through', () => {
    // Prepare: reads of entries in the recent quarter skip the reorder; the entry must still survive
    const cache = new LruCache<string, number>(100);
    cache.set('hot', 1);
    // Act
    let alwaysThere = true;
    for (let key = 0; key < 10_000; key++) {
      cache.set(`cold-${key}`, key);
      if (key % 10 === 0) alwaysThere &&= cache.get('hot') === 1;
    }
    // Assert
    expect(alwaysThere).toBe(true);
    expect(cache.size).toBe(100);
  });

  it('behaves exactly like a reference LRU under any mix of get, set, delete and clear (caches under four entries)', () => {
    // Prepare: below four entries every read moves, so the order must match strict LRU exactly
    const operation = fc.oneof(
      fc.record({ op: fc.constant('set' as const), key: fc.integer({ min: 0, max: 5 }), value: fc.integer() }),
      fc.record({ op: fc.constant('get' as const), key: fc.integer({ min: 0, max: 5 }) }),
      fc.record({ op: fc.constant('delete' as const), key: fc.integer({ min: 0, max: 5 }) }),
      fc.record({ op: fc.constant('clear' as const) }),
    );
    // Act / Assert
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.array(operation, { maxLength: 60 }), (maxEntries, operations) => {
        const cache = new LruCache<number, number>(maxEntries);
        const model = new Map<number, number>(); // insertion order = use order, oldest first
        for (const step of operations) {
          if (step.op === 'set') {
            model.delete(step.key);
            model.set(step.key, step.value);
            if (model.size > maxEntries) model.delete(model.keys().next().value as number);
            cache.set(step.key, step.value);
          } else if (step.op === 'get') {
            const value = model.get(step.key);
            if (value !== undefined) {
              model.delete(step.key);
              model.set(step.key, value);
            }
            expect(cache.get(step.key)).toBe(value);
          } else if (step.op === 'delete') {
            model.delete(step.key);
            cache.delete(step.key);
          } else {
            model.clear();
            cache.clear();
          }
          expect(cache.size).toBe(model.size);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('stays bounded under many distinct keys', () => {
    // Prepare
    const cache = new LruCache<number, number>(100);
    // Act
    for (let key = 0; key < 10_000; key++) cache.set(key, key);
    // Assert
    expect(cache.size).toBe(100);
    expect(cache.get(9_899)).toBeUndefined();
    expect(cache.get(9_900)).toBe(9_900);
  });
});
