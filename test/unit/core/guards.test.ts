/**
 * The guards every reader of untrusted values shares: what counts as a record, what as a list of
 * strings.
 */
import { describe, expect, it } from 'vitest';
import { isRecord, isStringArray } from '../../../lambdas/core/guards';

describe('guards', () => {
  describe('isRecord', () => {
    it.each<{ name: string; value: unknown; record: boolean }>([
      { name: 'an empty object', value: {}, record: true },
      { name: 'an object with members', value: { a: 1 }, record: true },
      { name: 'an object without a prototype', value: Object.create(null) as object, record: true },
      { name: 'null', value: null, record: false },
      { name: 'undefined', value: undefined, record: false },
      { name: 'an array', value: [], record: false },
      { name: 'a string', value: '{}', record: false },
      { name: 'a number', value: 1, record: false },
    ])('answers $record for $name', ({ value, record }) => {
      // Act / Assert
      expect(isRecord(value)).toBe(record);
    });
  });

  describe('isStringArray', () => {
    it.each<{ name: string; value: unknown; strings: boolean }>([
      { name: 'an empty array', value: [], strings: true },
      { name: 'strings', value: ['a', ''], strings: true },
      { name: 'a string among numbers', value: ['a', 1], strings: false },
      { name: 'a string', value: 'a', strings: false },
      { name: 'an object', value: { 0: 'a' }, strings: false },
    ])('answers $strings for $name', ({ value, strings }) => {
      // Act / Assert
      expect(isStringArray(value)).toBe(strings);
    });
  });
});
