/**
 * Parsing `POST /revocations` bodies: RFC 7009 form posts, the JSON shapes, and every refusal.
 */
import { describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES, parseRevocationRequest } from '../../../lambdas/revoke/revocation-request';

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

function parse(contentType: string | undefined, body: string, isBase64Encoded = false) {
  return parseRevocationRequest({ contentType, body, isBase64Encoded });
}

describe('parseRevocationRequest', () => {
  it.each([
    { name: 'an RFC 7009 form post', contentType: FORM, body: 'token=a.b.c', request: { kind: 'token', token: 'a.b.c' } },
    {
      name: 'a form post with an access_token hint and a charset',
      contentType: `${FORM}; charset=UTF-8`,
      body: 'token=a.b.c&token_type_hint=access_token',
      request: { kind: 'token', token: 'a.b.c' },
    },
    {
      name: 'a form post with unknown parameters (ignored, RFC 6749 §3.2)',
      contentType: FORM,
      body: 'token=a.b.c&client_id=x',
      request: { kind: 'token', token: 'a.b.c' },
    },
    {
      name: 'a JSON token',
      contentType: JSON_TYPE,
      body: '{"token":"a.b.c","reason":"laptop stolen"}',
      request: { kind: 'token', token: 'a.b.c', reason: 'laptop stolen' },
    },
    {
      name: 'a JSON jti with exp and iss',
      contentType: JSON_TYPE,
      body: '{"jti":"j-1","exp":1900000000,"iss":"https://idp"}',
      request: { kind: 'jti', jti: 'j-1', exp: 1_900_000_000, iss: 'https://idp' },
    },
    { name: 'a JSON jti alone', contentType: JSON_TYPE, body: '{"jti":"j-1"}', request: { kind: 'jti', jti: 'j-1' } },
    { name: 'a JSON sub', contentType: 'application/json; charset=utf-8', body: '{"sub":"alice"}', request: { kind: 'sub', sub: 'alice' } },
    {
      name: 'a JSON sub of 5,000 characters (the authorizer allows any a token can carry)',
      contentType: JSON_TYPE,
      body: JSON.stringify({ sub: 's'.repeat(5000) }),
      request: { kind: 'sub', sub: 's'.repeat(5000) },
    },
    {
      name: 'a structured-syntax +json media type, in capitals',
      contentType: 'Application/Vnd.Api+JSON',
      body: '{"sub":"alice","iss":"https://idp","reason":"left"}',
      request: { kind: 'sub', sub: 'alice', iss: 'https://idp', reason: 'left' },
    },
  ])('accepts $name', ({ contentType, body, request }) => {
    // Act
    const parsed = parse(contentType, body);
    // Assert
    expect(parsed).toEqual({ ok: true, request });
  });

  it('reads a missing body as an empty one: a form without token', () => {
    // Act
    const parsed = parseRevocationRequest({ contentType: FORM, body: undefined, isBase64Encoded: false });
    // Assert
    expect(parsed).toEqual({ ok: false, error: 'invalid_request', description: 'parameter token is required' });
  });

  it('decodes a base64-encoded body, as HTTP APIs send binary-looking payloads', () => {
    // Act
    const parsed = parse(FORM, Buffer.from('token=a.b.c').toString('base64'), true);
    // Assert
    expect(parsed).toEqual({ ok: true, request: { kind: 'token', token: 'a.b.c' } });
  });

  it.each([
    { name: 'no content type', contentType: undefined, body: 'token=a.b.c', error: 'invalid_request', mentions: 'content-type' },
    { name: 'text/plain', contentType: 'text/plain', body: 'token=a.b.c', error: 'invalid_request', mentions: 'content-type' },
    {
      name: 'a form without token',
      contentType: FORM,
      body: 'token_type_hint=access_token',
      error: 'invalid_request',
      mentions: 'token is required',
    },
    { name: 'a form with an empty token', contentType: FORM, body: 'token=', error: 'invalid_request', mentions: 'token is required' },
    {
      name: 'a repeated token parameter',
      contentType: FORM,
      body: 'token=a.b.c&token=d.e.f',
      error: 'invalid_request',
      mentions: 'repeated',
    },
    {
      name: 'a refresh_token hint',
      contentType: FORM,
      body: 'token=a.b.c&token_type_hint=refresh_token',
      error: 'unsupported_token_type',
      mentions: 'refresh tokens',
    },
    { name: 'invalid JSON', contentType: JSON_TYPE, body: '{"jti":', error: 'invalid_request', mentions: 'not valid JSON' },
    { name: 'a JSON array', contentType: JSON_TYPE, body: '["jti"]', error: 'invalid_request', mentions: 'JSON object' },
    {
      name: 'a repeated member (last-wins here, first-wins elsewhere)',
      contentType: JSON_TYPE,
      body: '{"sub":"alice","sub":"bob"}',
      error: 'invalid_request',
      mentions: 'repeats a member name',
    },
    {
      name: 'a sub with an unpaired surrogate escape',
      contentType: JSON_TYPE,
      body: '{"sub":"alice\\ud800"}',
      error: 'invalid_request',
      mentions: 'unpaired UTF-16 surrogate',
    },
    { name: 'a typo in a key', contentType: JSON_TYPE, body: '{"jtl":"j-1"}', error: 'invalid_request', mentions: 'unknown field "jtl"' },
    { name: 'two targets', contentType: JSON_TYPE, body: '{"jti":"j-1","sub":"alice"}', error: 'invalid_request', mentions: 'exactly one' },
    { name: 'no target', contentType: JSON_TYPE, body: '{"reason":"x"}', error: 'invalid_request', mentions: 'exactly one' },
    {
      name: 'a numeric sub',
      contentType: JSON_TYPE,
      body: '{"sub":42}',
      error: 'invalid_request',
      mentions: 'sub must be a non-empty string',
    },
    {
      name: 'an exp in milliseconds',
      contentType: JSON_TYPE,
      body: '{"jti":"j-1","exp":1900000000000}',
      error: 'invalid_request',
      mentions: 'epoch seconds',
    },
    {
      name: 'a fractional exp',
      contentType: JSON_TYPE,
      body: '{"jti":"j-1","exp":1.5}',
      error: 'invalid_request',
      mentions: 'epoch seconds',
    },
    {
      name: 'exp with a sub',
      contentType: JSON_TYPE,
      body: '{"sub":"alice","exp":1900000000}',
      error: 'invalid_request',
      mentions: 'only applies to a jti',
    },
    {
      name: 'iss with a token',
      contentType: JSON_TYPE,
      body: '{"token":"a.b.c","iss":"https://idp"}',
      error: 'invalid_request',
      mentions: 'read from the verified token',
    },
    {
      name: 'a jti too long for the body',
      contentType: JSON_TYPE,
      body: JSON.stringify({ jti: 'j'.repeat(MAX_BODY_BYTES - 9) }),
      error: 'invalid_request',
      mentions: `at most ${MAX_BODY_BYTES} bytes`,
    },
    {
      name: 'a repeated token_type_hint',
      contentType: FORM,
      body: 'token=a.b.c&token_type_hint=access_token&token_type_hint=refresh_token',
      error: 'invalid_request',
      mentions: 'parameter token_type_hint is repeated',
    },
    {
      name: 'a JSON refresh_token hint',
      contentType: JSON_TYPE,
      body: '{"token":"a.b.c","token_type_hint":"refresh_token"}',
      error: 'unsupported_token_type',
      mentions: 'refresh tokens',
    },
    {
      name: 'a JSON hint that is not a string',
      contentType: JSON_TYPE,
      body: '{"token":"a.b.c","token_type_hint":1}',
      error: 'invalid_request',
      mentions: 'token_type_hint must be a string',
    },
    {
      name: 'an empty JSON token',
      contentType: JSON_TYPE,
      body: '{"token":"  "}',
      error: 'invalid_request',
      mentions: 'token must be a non-empty string',
    },
    {
      name: 'a numeric reason',
      contentType: JSON_TYPE,
      body: '{"sub":"alice","reason":5}',
      error: 'invalid_request',
      mentions: 'reason must be a non-empty string',
    },
    {
      name: 'an overlong reason',
      contentType: JSON_TYPE,
      body: JSON.stringify({ sub: 'alice', reason: 'r'.repeat(501) }),
      error: 'invalid_request',
      mentions: 'reason must be at most 500 characters',
    },
    {
      name: 'a jti with a numeric iss',
      contentType: JSON_TYPE,
      body: '{"jti":"j-1","iss":5}',
      error: 'invalid_request',
      mentions: 'iss must be a non-empty string',
    },
    {
      name: 'a sub with an empty iss',
      contentType: JSON_TYPE,
      body: '{"sub":"alice","iss":""}',
      error: 'invalid_request',
      mentions: 'iss must be a non-empty string',
    },
    { name: 'an exp of zero', contentType: JSON_TYPE, body: '{"jti":"j-1","exp":0}', error: 'invalid_request', mentions: 'epoch seconds' },
    {
      name: 'an exp as a string',
      contentType: JSON_TYPE,
      body: '{"jti":"j-1","exp":"1900000000"}',
      error: 'invalid_request',
      mentions: 'epoch seconds',
    },
    { name: 'a JSON null body', contentType: JSON_TYPE, body: 'null', error: 'invalid_request', mentions: 'JSON object' },
    {
      name: 'an oversized body',
      contentType: FORM,
      body: `token=${'a'.repeat(MAX_BODY_BYTES)}`,
      error: 'invalid_request',
      mentions: 'at most',
    },
  ])('refuses $name with $error', ({ contentType, body, error, mentions }) => {
    // Act
    const parsed = parse(contentType, body);
    // Assert
    expect(parsed).toMatchObject({ ok: false, error });
    expect(parsed.ok ? '' : parsed.description).toContain(mentions);
  });
});
