/**
 * Strict reading of the JOSE header and claims set: exact reasons for wrong types and bad JSON.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assertRegisteredClaimTypes,
  duplicateMemberName,
  MAX_NESTING_DEPTH,
  readJoseObject,
} from '../../../../lambdas/core/verification/strict-json';
import { DenyError } from '../../../../lambdas/core/reasons';

const segment = (text: string): string => Buffer.from(text).toString('base64url');

function reasonOf(action: () => unknown): string | undefined {
  try {
    action();
    return undefined;
  } catch (error) {
    return error instanceof DenyError ? error.reason : `not a DenyError: ${String(error)}`;
  }
}

describe('strict-json', () => {
  describe('readJoseObject', () => {
    it('reads a JSON object', () => {
      expect(readJoseObject(segment('{"alg":"RS256"}'), 'header')).toEqual({ alg: 'RS256' });
    });

    it.each([
      { name: 'not JSON', json: '{alg:RS256}' },
      { name: 'a JSON array', json: '["RS256"]' },
      { name: 'JSON null', json: 'null' },
      { name: 'a JSON string', json: '"RS256"' },
      { name: 'preceded by a byte-order mark', json: '\uFEFF{"alg":"RS256"}' },
      { name: 'repeating a member name', json: '{"alg":"none","alg":"RS256"}' },
    ])('denies a segment that is $name as malformed', ({ json }) => {
      expect(reasonOf(() => readJoseObject(segment(json), 'payload'))).toBe('malformed');
    });

    it.each([
      { name: 'a value with a lone high surrogate', json: '{"sub":"a\\ud800"}' },
      { name: 'a value with a lone low surrogate', json: '{"sub":"\\uDC00b"}' },
      { name: 'a value ending in a high surrogate', json: '{"jti":"x\\uD83D"}' },
      { name: 'a low surrogate before its high one', json: '{"sub":"\\ude00\\ud83d"}' },
      { name: 'a member name with a lone surrogate', json: '{"s\\ud800":1}' },
      { name: 'a lone surrogate deep in an array', json: '{"x":[[["ok","\\udbff"]]]}' },
    ])('denies $name as malformed', ({ json }) => {
      expect(reasonOf(() => readJoseObject(segment(json), 'payload'))).toBe('malformed');
    });

    it.each([
      {
        name: `arrays nested ${MAX_NESTING_DEPTH + 1} deep`,
        json: `{"x":${'['.repeat(MAX_NESTING_DEPTH)}${']'.repeat(MAX_NESTING_DEPTH)}}`,
      },
      {
        name: `objects nested ${MAX_NESTING_DEPTH + 1} deep`,
        json: `${'{"a":'.repeat(MAX_NESTING_DEPTH)}{}${'}'.repeat(MAX_NESTING_DEPTH)}`,
      },
      { name: 'arrays nested 2,700 deep (past aws-jwt-verify’s recursion)', json: `{"x":${'['.repeat(2700)}${']'.repeat(2700)}}` },
    ])('denies $name as malformed', ({ json }) => {
      expect(reasonOf(() => readJoseObject(segment(json), 'payload'))).toBe('malformed');
    });

    it('reads objects and arrays nested exactly as deep as allowed', () => {
      const json = `{"x":${'['.repeat(MAX_NESTING_DEPTH - 1)}${']'.repeat(MAX_NESTING_DEPTH - 1)}}`;
      expect(reasonOf(() => readJoseObject(segment(json), 'payload'))).toBeUndefined();
    });

    it.each([
      { name: 'a surrogate pair spelt as escapes', json: '{"sub":"\\ud83d\\ude00"}', sub: '\u{1F600}' },
      { name: 'an escaped backslash before text that looks like an escape', json: '{"sub":"a\\\\ud800"}', sub: 'a\\ud800' },
    ])('reads $name', ({ json, sub }) => {
      expect(readJoseObject(segment(json), 'payload')).toEqual({ sub });
    });

    it('denies a segment that is not valid UTF-8 as malformed', () => {
      const bytes = Buffer.concat([Buffer.from('{"sub":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
      expect(reasonOf(() => readJoseObject(bytes.toString('base64url'), 'payload'))).toBe('malformed');
    });
  });

  describe('duplicateMemberName', () => {
    it.each([
      { name: 'at the top level', json: '{"scope":"a","exp":1,"scope":"b"}', duplicate: 'scope' },
      { name: 'spelt with an escape', json: '{"sub":"a","s\\u0075b":"b"}', duplicate: 'sub' },
      { name: 'in a nested object', json: '{"a":{"b":1,"b":2}}', duplicate: 'b' },
      { name: 'in an object inside an array', json: '{"a":[1,{"c":[],"c":{}}]}', duplicate: 'c' },
      { name: 'after a value that looks like a name', json: '{"a":"b","b":"x","b":1}', duplicate: 'b' },
    ])('finds a repeated name $name', ({ json, duplicate }) => {
      expect(duplicateMemberName(json)).toBe(duplicate);
    });

    it.each([
      { name: 'the same name in sibling objects', json: '{"a":{"x":1},"b":{"x":2}}' },
      { name: 'a value equal to a name', json: '{"a":"a","b":["a","a"]}' },
      { name: 'escaped quotes and backslashes in strings', json: '{"a\\"":"\\\\","a":"\\"","b\\\\":1}' },
    ])('finds nothing in $name', ({ json }) => {
      expect(JSON.parse(json)).toBeTypeOf('object');
      expect(duplicateMemberName(json)).toBeUndefined();
    });

    it('finds nothing in any JSON.stringify output and finds any name repeated in it', () => {
      fc.assert(
        fc.property(fc.dictionary(fc.string(), fc.jsonValue(), { minKeys: 1 }), fc.jsonValue(), (object, extra) => {
          const json = JSON.stringify(object);
          expect(duplicateMemberName(json)).toBeUndefined();
          const name = Object.keys(object)[0] ?? '';
          expect(duplicateMemberName(`${json.slice(0, -1)},${JSON.stringify(name)}:${JSON.stringify(extra)}}`)).toBe(name);
        }),
        { numRuns: 300 },
      );
    });
  });

  describe('assertRegisteredClaimTypes', () => {
    it('accepts the registered claims with their defined types', () => {
      expect(
        reasonOf(() =>
          assertRegisteredClaimTypes({
            iss: 'i',
            sub: 's',
            aud: ['a'],
            exp: 2,
            nbf: 1,
            iat: 1.5,
            jti: 'j',
            scope: 'a b',
            extra: { any: 1 },
          }),
        ),
      ).toBeUndefined();
    });

    it.each([
      { claim: 'exp', value: '1700000000' },
      { claim: 'nbf', value: null },
      { claim: 'iat', value: true },
      { claim: 'exp', value: Number.POSITIVE_INFINITY },
      { claim: 'iss', value: 1 },
      { claim: 'sub', value: ['a'] },
      { claim: 'jti', value: 7 },
      { claim: 'scope', value: 42 },
      { claim: 'scope', value: ['a'] },
      { claim: 'aud', value: { 0: 'a' } },
      { claim: 'aud', value: ['a', 1] },
    ])('denies $claim = $value as invalid_claim', ({ claim, value }) => {
      expect(reasonOf(() => assertRegisteredClaimTypes({ [claim]: value }))).toBe('invalid_claim');
    });

    // Where aws-jwt-verify would throw RangeError formatting the date (crypto research §5): the
    // same product, seconds × 1000, against ±8.64e15 ms.
    it.each([
      { claim: 'exp', value: -8_640_000_000_001, reason: 'expired' },
      { claim: 'exp', value: -8.64e12 - 0.001, reason: 'expired' },
      { claim: 'exp', value: -1e300, reason: 'expired' },
      { claim: 'nbf', value: 8_640_000_000_001, reason: 'not_yet_valid' },
      { claim: 'nbf', value: 1e300, reason: 'not_yet_valid' },
      { claim: 'iat', value: 8_640_000_000_001, reason: 'not_yet_valid' },
      { claim: 'iat', value: Number.MAX_VALUE, reason: 'not_yet_valid' },
    ])('denies $claim = $value, beyond any date, as $reason', ({ claim, value, reason }) => {
      expect(reasonOf(() => assertRegisteredClaimTypes({ [claim]: value }))).toBe(reason);
    });

    it.each([
      { claim: 'exp', value: -8.64e12 },
      // × 1000 rounds back to exactly −8.64e15: the library formats a valid date here.
      { claim: 'exp', value: -8.64e12 - 0.0001 },
      { claim: 'exp', value: 1e300 },
      { claim: 'nbf', value: 8.64e12 },
      { claim: 'nbf', value: -1e300 },
      { claim: 'iat', value: -1e300 },
    ])('leaves $claim = $value, a date the library can format or never formats, to the claim rules', ({ claim, value }) => {
      expect(reasonOf(() => assertRegisteredClaimTypes({ [claim]: value }))).toBeUndefined();
    });

    it('denies exp and nbf exactly where new Date(seconds × 1000) is invalid', () => {
      const around = (limit: number): number[] => [limit, limit + 0.0001, limit + 0.001, limit + 1, limit - 0.001];
      const secondsArb = fc.oneof(fc.double({ min: 0, max: 1e13, noNaN: true }), fc.constantFrom(...around(8.64e12)));
      fc.assert(
        fc.property(secondsArb, (seconds) => {
          const beyond = (value: number): boolean => Number.isNaN(new Date(value * 1000).getTime());
          expect(reasonOf(() => assertRegisteredClaimTypes({ exp: -seconds })) === 'expired').toBe(beyond(-seconds));
          expect(reasonOf(() => assertRegisteredClaimTypes({ nbf: seconds })) === 'not_yet_valid').toBe(beyond(seconds));
        }),
        { numRuns: 2000 },
      );
    });
  });
});
