/**
 * Strict reading of the JOSE header and claims set: exact reasons for wrong types and bad JSON.
 */
import { describe, expect, it } from 'vitest';
import { assertRegisteredClaimTypes, readJoseObject } from '../../../lambdas/authorizer/jose-json';
import { DenyError } from '../../../lambdas/authorizer/reasons';

const segment = (text: string): string => Buffer.from(text).toString('base64url');

function reasonOf(action: () => unknown): string | undefined {
  try {
    action();
    return undefined;
  } catch (error) {
    return error instanceof DenyError ? error.reason : `not a DenyError: ${String(error)}`;
  }
}

describe('jose-json', () => {
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
    ])('denies a segment that is $name as malformed', ({ json }) => {
      expect(reasonOf(() => readJoseObject(segment(json), 'payload'))).toBe('malformed');
    });
  });

  describe('assertRegisteredClaimTypes', () => {
    it('accepts the registered claims with their defined types', () => {
      expect(reasonOf(() => assertRegisteredClaimTypes({ iss: 'i', sub: 's', aud: ['a'], exp: 2, nbf: 1, iat: 1.5, jti: 'j', scope: 'a b', extra: { any: 1 } }))).toBeUndefined();
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
  });
});
