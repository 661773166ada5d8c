/**
 * Bearer extraction: every ambiguity is refused with its own reason before anything is parsed.
 */
import { describe, expect, it } from 'vitest';
import type { TokenConfig } from '../../../lambdas/core/config/config';
import { extractToken } from '../../../lambdas/core/bearer-token';

const JWS = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLWJ5dGVz';

const CONFIG: TokenConfig = { headerName: 'authorization', maxLength: 8192, allowQueryString: false, queryParameter: 'access_token' };

function fromHeaders(...headerValues: string[]): { headerValues: string[]; queryValues: string[] } {
  return { headerValues, queryValues: [] };
}

describe('bearer-token', () => {
  describe('extractToken from the header', () => {
    it.each([
      { name: 'Bearer', header: `Bearer ${JWS}` },
      { name: 'lower-case bearer', header: `bearer ${JWS}` },
      { name: 'upper-case BEARER', header: `BEARER ${JWS}` },
      { name: 'mixed-case bEaReR', header: `bEaReR ${JWS}` },
      { name: 'several spaces after the scheme', header: `Bearer   ${JWS}` },
      { name: 'surrounding whitespace', header: `  Bearer ${JWS}\t` },
    ])('accepts $name', ({ header }) => {
      // Act
      const result = extractToken(fromHeaders(header), CONFIG);
      // Assert
      expect(result).toEqual({ ok: true, token: JWS });
    });

    it.each([
      { name: 'no header', headers: [], reason: 'missing_token' },
      { name: 'an empty header', headers: [''], reason: 'missing_token' },
      { name: 'a blank header', headers: ['   '], reason: 'missing_token' },
      { name: 'the Basic scheme', headers: ['Basic dXNlcjpwYXNz'], reason: 'invalid_authorization_header' },
      { name: 'the Token scheme', headers: [`Token ${JWS}`], reason: 'invalid_authorization_header' },
      { name: 'the DPoP scheme', headers: [`DPoP ${JWS}`], reason: 'invalid_authorization_header' },
      { name: 'a bare token without a scheme', headers: [JWS], reason: 'invalid_authorization_header' },
      { name: 'the scheme without a token', headers: ['Bearer'], reason: 'invalid_authorization_header' },
      { name: 'a doubled Bearer', headers: [`Bearer Bearer ${JWS}`], reason: 'invalid_authorization_header' },
      { name: 'two credentials', headers: [`Bearer ${JWS} ${JWS}`], reason: 'invalid_authorization_header' },
      { name: 'a tab after the scheme', headers: [`Bearer\t${JWS}`], reason: 'invalid_authorization_header' },
      { name: 'no space after the scheme', headers: [`Bearer${JWS}`], reason: 'invalid_authorization_header' },
      { name: 'the header sent twice', headers: [`Bearer ${JWS}`, `Bearer ${JWS}`], reason: 'invalid_authorization_header' },
      { name: 'the header sent twice, once empty', headers: [`Bearer ${JWS}`, ''], reason: 'invalid_authorization_header' },
    ])('denies $name with reason $reason', ({ headers, reason }) => {
      // Act
      const result = extractToken(fromHeaders(...headers), CONFIG);
      // Assert
      expect(result).toEqual({ ok: false, reason });
    });

    it.each([
      { name: 'padding', token: `${JWS}=` },
      { name: 'padding inside a segment', token: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0=.c2ln' },
      { name: 'a five-part JWE', token: 'eyJhbGciOiJSU0EtT0FFUCJ9.a2V5.aXY.Y2lwaGVy.dGFn' },
      { name: 'two parts', token: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0' },
      { name: 'an empty signature', token: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0.' },
      { name: 'an empty header segment', token: '.eyJzdWIiOiJhIn0.c2ln' },
      { name: 'an empty payload segment', token: 'eyJhbGciOiJSUzI1NiJ9..c2ln' },
      { name: 'standard base64 "+"', token: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2l+bg' },
      { name: 'standard base64 "/"', token: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2l/bg' },
      { name: 'a comma-joined repeated header', token: `${JWS},${JWS}` },
      { name: 'non-ASCII letters', token: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2lé' },
      { name: 'a leading dot', token: `.${JWS}` },
    ])('denies a token with $name as malformed', ({ token }) => {
      // Act
      const result = extractToken(fromHeaders(`Bearer ${token}`), CONFIG);
      // Assert
      expect(result).toEqual({ ok: false, reason: 'malformed' });
    });

    it('denies an oversized header with token_too_large before looking at its scheme or shape', () => {
      // Prepare
      const config = { ...CONFIG, maxLength: 300 };
      const header = `Basic ${'%'.repeat(300)}`;
      // Act
      const result = extractToken(fromHeaders(header), config);
      // Assert
      expect(result).toEqual({ ok: false, reason: 'token_too_large' });
    });

    it('accepts a header exactly at the size limit and refuses one byte more', () => {
      // Prepare
      const header = `Bearer ${JWS}`;
      const atLimit = { ...CONFIG, maxLength: header.length };
      const belowLimit = { ...CONFIG, maxLength: header.length - 1 };
      // Act
      const accepted = extractToken(fromHeaders(header), atLimit);
      const refused = extractToken(fromHeaders(header), belowLimit);
      // Assert
      expect(accepted).toEqual({ ok: true, token: JWS });
      expect(refused).toEqual({ ok: false, reason: 'token_too_large' });
    });
  });

  describe('extractToken from the query string', () => {
    it('refuses a token in the query string by default', () => {
      // Act
      const result = extractToken({ headerValues: [], queryValues: [JWS] }, CONFIG);
      // Assert
      expect(result).toEqual({ ok: false, reason: 'token_in_query' });
    });

    it('refuses a query-string token by default even when the header carries a valid one', () => {
      // Act
      const result = extractToken({ headerValues: [`Bearer ${JWS}`], queryValues: [JWS] }, CONFIG);
      // Assert
      expect(result).toEqual({ ok: false, reason: 'token_in_query' });
    });

    it('accepts a query-string token when configured', () => {
      // Prepare
      const config = { ...CONFIG, allowQueryString: true };
      // Act
      const result = extractToken({ headerValues: [], queryValues: [JWS] }, config);
      // Assert
      expect(result).toEqual({ ok: true, token: JWS });
    });

    it.each([
      { name: 'sent twice', queryValues: [JWS, JWS], reason: 'invalid_authorization_header' },
      { name: 'too large', queryValues: [`${JWS}${'a'.repeat(300)}`], reason: 'token_too_large' },
      { name: 'with whitespace inside', queryValues: [`${JWS} x`], reason: 'malformed' },
      { name: 'with a Bearer prefix', queryValues: [`Bearer ${JWS}`], reason: 'malformed' },
      { name: 'empty', queryValues: [''], reason: 'malformed' },
    ])('denies an allowed query-string token $name with reason $reason', ({ queryValues, reason }) => {
      // Prepare
      const config = { ...CONFIG, allowQueryString: true, maxLength: 256 };
      // Act
      const result = extractToken({ headerValues: [], queryValues }, config);
      // Assert
      expect(result).toEqual({ ok: false, reason });
    });

    it('denies a request carrying both a header and a query-string token, even when query tokens are allowed (RFC 6750 §2)', () => {
      // Prepare
      const config = { ...CONFIG, allowQueryString: true };
      // Act
      const result = extractToken({ headerValues: [`Bearer ${JWS}`], queryValues: [JWS] }, config);
      // Assert
      expect(result).toEqual({ ok: false, reason: 'invalid_authorization_header' });
    });
  });
});
