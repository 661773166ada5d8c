/**
 * Bearer extraction, canonical spelling: what reaches the verifier is exactly one canonical
 * compact JWS (no second spelling of the same bytes).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TokenConfig } from '../../../lambdas/core/config/config';
import { extractToken } from '../../../lambdas/core/bearer-token';

const CONFIG: TokenConfig = { headerName: 'authorization', maxLength: 8192, allowQueryString: false, queryParameter: 'access_token' };
const b64 = (text: string): string => Buffer.from(text).toString('base64url');
// Each segment's length is 2 or 3 mod 4, so its last character has unused low bits.
const SEGMENTS = [b64('{"alg":"RS256","kid":"k"}'), b64('{"sub":"a"}'), b64('signatures')] as const;

/** The same bytes spelt differently: the last character with one unused bit set. */
function twin(segment: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const spelt = `${segment.slice(0, -1)}${alphabet[alphabet.indexOf(segment.at(-1) ?? 'A') | 1]}`;
  expect(spelt).not.toBe(segment);
  expect(Buffer.from(spelt, 'base64url')).toEqual(Buffer.from(segment, 'base64url'));
  return spelt;
}

const extract = (authorization: string) => extractToken({ headerValues: [authorization], queryValues: [] }, CONFIG);

describe('extractToken', () => {
  it('accepts a canonical compact JWS', () => {
    const token = SEGMENTS.join('.');
    expect(extract(`Bearer ${token}`)).toEqual({ ok: true, token });
  });

  it.each([
    { name: 'header', index: 0 },
    { name: 'payload', index: 1 },
    { name: 'signature', index: 2 },
  ])('denies a $name spelt with unused bits set as malformed (same bytes, different token)', ({ index }) => {
    const segments: string[] = [...SEGMENTS];
    segments[index] = twin(segments[index] ?? '');
    expect(extract(`Bearer ${segments.join('.')}`)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('denies a segment whose length is 1 mod 4 (no byte can end there) as malformed', () => {
    expect(extract(`Bearer ${SEGMENTS.join('.')}AAA`)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('agrees with decoding and re-encoding every segment, for any base64url segments', () => {
    // Prepare: the check looks at the last character only; the round trip is the definition
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split('');
    const segment = fc.array(fc.constantFrom(...alphabet), { minLength: 1, maxLength: 13 }).map((chars) => chars.join(''));
    const roundTrips = (text: string): boolean => Buffer.from(text, 'base64url').toString('base64url') === text;
    // Act / Assert
    fc.assert(
      fc.property(fc.tuple(segment, segment, segment), fc.constantFrom('Bearer ', 'Bearer  '), (segments, scheme) => {
        const token = segments.join('.');
        const expected = segments.every(roundTrips) ? { ok: true, token } : { ok: false, reason: 'malformed' };
        expect(extract(`${scheme}${token}`)).toEqual(expected);
      }),
      { numRuns: 2000 },
    );
  });
});
