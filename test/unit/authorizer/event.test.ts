/**
 * The four authorizer events API Gateway sends, recognised and normalised into one AuthRequest.
 */
import { describe, expect, it } from 'vitest';
import { detectEventKind, toAuthRequest } from '../../../lambdas/authorizer/event';
import { samEvent, serverlessOfflineEvent } from '../../helpers/emulator-events';
import { executeApiArn, httpApiV2Event, restRequestEvent, restTokenEvent } from '../../helpers/events';

const HEADER = 'authorization';
const QUERY = 'access_token';

function asRecord(event: object): Record<string, unknown> {
  return event as Record<string, unknown>;
}

describe('event', () => {
  describe('detectEventKind', () => {
    it.each([
      { kind: 'http-v2', event: httpApiV2Event({ authorization: 'Bearer x' }) },
      { kind: 'http-v1', event: restRequestEvent({ authorization: 'Bearer x', httpApiV1: true }) },
      { kind: 'rest-request', event: restRequestEvent({ authorization: 'Bearer x' }) },
      { kind: 'rest-token', event: restTokenEvent({ authorization: 'Bearer x' }) },
      { kind: 'rest-token', event: restTokenEvent({}) },
    ])('recognises a $kind event', ({ kind, event }) => {
      // Act
      const detected = detectEventKind(event);
      // Assert
      expect(detected).toBe(kind);
    });

    it.each([
      { name: 'a REST TOKEN event', kind: 'rest-token', event: samEvent('rest-token', { authorization: 'Bearer x' }) },
      { name: 'a REST REQUEST event (no version)', kind: 'rest-request', event: samEvent('rest-request', { authorization: 'Bearer x' }) },
      { name: 'an HTTP API 2.0 event', kind: 'http-v2', event: samEvent('http-v2', { authorization: 'Bearer x' }) },
      {
        name: 'a 1.0 authorizer on a 2.0 integration (version 2.0, a methodArn)',
        kind: 'http-v1',
        event: samEvent('http-v1-on-v2-integration', { authorization: 'Bearer x' }),
      },
      {
        name: 'a 2.0 authorizer on a 1.0 integration (version 1.0, a routeArn)',
        kind: 'http-v2',
        event: samEvent('http-v2-on-v1-integration', { authorization: 'Bearer x' }),
      },
    ])('recognises what sam local sends as $name', ({ kind, event }) => {
      // Act
      const detected = detectEventKind(event);
      // Assert
      expect(detected).toBe(kind);
    });

    it.each([
      { kind: 'rest-token', route: '/orders/{id}', path: '/orders/42' },
      { kind: 'rest-request', route: '/orders/{id}', path: '/orders/42' },
      { kind: 'rest-request', route: '/orders', path: '/orders' },
      { kind: 'rest-request', route: '/files/{proxy+}', path: '/files/a/b/c' },
      { kind: 'rest-request', route: '/dev/orders', path: '/dev/orders' },
      { kind: 'http-v1', route: '/orders/{id}', path: '/orders/42' },
      { kind: 'http-v1', route: '/dev/orders', path: '/dev/orders' },
      { kind: 'http-v1', route: '/dev/{id}', path: '/dev/42' },
      { kind: 'http-v2', route: '/orders/{id}', path: '/orders/42' },
    ] as const)(
      'recognises what serverless-offline sends for a $kind route $route (REST ones carry version 1.0 too)',
      ({ kind, route, path }) => {
        // Prepare
        const event = serverlessOfflineEvent(kind, { authorization: 'Bearer x', route, path });
        // Act
        const detected = detectEventKind(event);
        // Assert
        expect(detected).toBe(kind);
      },
    );

    it('takes a 1.0 REQUEST event whose path is under its stage for an HTTP API event without the serverless-offline marker', () => {
      // Prepare: an HTTP API 1.0 event on a named stage, whose path API Gateway may report with the stage.
      const { enhancedAuthContext: _marker, ...event } = serverlessOfflineEvent('rest-request', { authorization: 'Bearer x' });
      // Act
      const detected = detectEventKind(event);
      // Assert
      expect(detected).toBe('http-v1');
    });

    it.each([
      { name: 'null', event: null },
      { name: 'undefined', event: undefined },
      { name: 'a string', event: 'REQUEST' },
      { name: 'a number', event: 42 },
      { name: 'an array', event: [restTokenEvent({ authorization: 'Bearer x' })] },
      { name: 'an empty object', event: {} },
      { name: 'an unknown type', event: { type: 'WEBSOCKET', methodArn: executeApiArn('GET', '/orders') } },
      { name: 'a TOKEN event without a token', event: { type: 'TOKEN', methodArn: executeApiArn('GET', '/orders') } },
      {
        name: 'a TOKEN event with a non-string token',
        event: { type: 'TOKEN', authorizationToken: 42, methodArn: executeApiArn('GET', '/orders') },
      },
      { name: 'a TOKEN event without an ARN', event: { type: 'TOKEN', authorizationToken: 'Bearer x' } },
      { name: 'a REQUEST event without any ARN', event: { type: 'REQUEST', headers: {} } },
      { name: 'a 2.0 REQUEST event without an ARN', event: { type: 'REQUEST', version: '2.0', headers: {} } },
      { name: 'a 2.0 REQUEST event with a non-string routeArn', event: { type: 'REQUEST', version: '2.0', routeArn: ['x'] } },
      { name: 'lower-case type', event: { type: 'token', authorizationToken: 'Bearer x', methodArn: executeApiArn('GET', '/orders') } },
      { name: 'an API Gateway proxy request', event: { httpMethod: 'GET', path: '/orders', headers: {}, requestContext: {} } },
    ])('returns undefined for $name', ({ event }) => {
      // Act
      const detected = detectEventKind(event);
      // Assert
      expect(detected).toBeUndefined();
    });
  });

  describe('toAuthRequest', () => {
    it('reads a TOKEN event: the token as the one header value, the method ARN', () => {
      // Prepare
      const event = restTokenEvent({ authorization: 'Bearer abc', method: 'DELETE', path: '/orders/7' });
      // Act
      const request = toAuthRequest('rest-token', asRecord(event), HEADER, QUERY);
      // Assert
      expect(request).toMatchObject({ kind: 'rest-token', route: 'DELETE /orders/7', headerValues: ['Bearer abc'], queryValues: [] });
      expect(request.arn?.resource).toBe('DELETE/orders/7');
    });

    it('reads an HTTP API 2.0 event: lower-case headers, the route ARN, the query parameter', () => {
      // Prepare
      const event = httpApiV2Event({
        authorization: 'Bearer abc',
        method: 'POST',
        path: '/orders',
        query: { access_token: 'qqq', other: '1' },
      });
      // Act
      const request = toAuthRequest('http-v2', asRecord(event), HEADER, QUERY);
      // Assert
      expect(request).toMatchObject({ kind: 'http-v2', route: 'POST /orders', headerValues: ['Bearer abc'], queryValues: ['qqq'] });
    });

    it('keeps a comma-joined repeated header of an HTTP API 2.0 event as one value for the token parser to refuse', () => {
      // Prepare
      const event = httpApiV2Event({ authorization: 'Bearer a,Bearer b' });
      // Act
      const request = toAuthRequest('http-v2', asRecord(event), HEADER, QUERY);
      // Assert
      expect(request.headerValues).toEqual(['Bearer a,Bearer b']);
    });

    it.each([
      { headerName: 'Authorization' },
      { headerName: 'AUTHORIZATION' },
      { headerName: 'authorization' },
      { headerName: 'aUtHoRiZaTiOn' },
    ])('finds the REST header whatever its case ($headerName)', ({ headerName }) => {
      // Prepare: REST keeps the client's header case
      const event = restRequestEvent({ authorization: 'Bearer abc', headerName });
      // Act
      const request = toAuthRequest('rest-request', asRecord(event), HEADER, QUERY);
      // Assert
      expect(request.headerValues).toEqual(['Bearer abc']);
    });

    it('finds a custom header name case-insensitively', () => {
      // Prepare
      const event = restRequestEvent({ authorization: 'Bearer abc', headerName: 'X-Api-Token' });
      // Act
      const request = toAuthRequest('http-v1', asRecord(event), 'x-api-token', QUERY);
      // Assert
      expect(request.headerValues).toEqual(['Bearer abc']);
    });

    it('counts every repetition of the header in multiValueHeaders', () => {
      // Prepare
      const event = { ...restRequestEvent({ authorization: 'Bearer a' }), multiValueHeaders: { Authorization: ['Bearer a', 'Bearer b'] } };
      // Act
      const request = toAuthRequest('rest-request', asRecord(event), HEADER, QUERY);
      // Assert
      expect(request.headerValues).toEqual(['Bearer a', 'Bearer b']);
    });

    it('counts the same header sent under two spellings', () => {
      // Prepare
      const event = { ...restRequestEvent({}), headers: { Authorization: 'Bearer a', authorization: 'Bearer b' }, multiValueHeaders: null };
      // Act
      const request = toAuthRequest('rest-request', asRecord(event), HEADER, QUERY);
      // Assert
      expect(request.headerValues).toEqual(['Bearer a', 'Bearer b']);
    });

    it('falls back to headers when multiValueHeaders is absent', () => {
      // Prepare
      const event = { ...restRequestEvent({ authorization: 'Bearer a' }), multiValueHeaders: undefined };
      // Act
      const request = toAuthRequest('http-v1', asRecord(event), HEADER, QUERY);
      // Assert
      expect(request.headerValues).toEqual(['Bearer a']);
    });

    it('ignores header values that are not strings', () => {
      // Prepare
      const event = { ...restRequestEvent({}), headers: { Authorization: 42 }, multiValueHeaders: { Authorization: [null, 7] } };
      // Act
      const request = toAuthRequest('rest-request', asRecord(event), HEADER, QUERY);
      // Assert
      expect(request.headerValues).toEqual([]);
    });

    it('reads every value of the REST query parameter, matching its name exactly', () => {
      // Prepare
      const event = {
        ...restRequestEvent({}),
        multiValueQueryStringParameters: { access_token: ['one', 'two'], ACCESS_TOKEN: ['three'] },
      };
      // Act
      const request = toAuthRequest('rest-request', asRecord(event), HEADER, QUERY);
      // Assert
      expect(request.queryValues).toEqual(['one', 'two']);
    });

    it('falls back to queryStringParameters when there are no multi-value parameters', () => {
      // Prepare
      const event = { ...restRequestEvent({}), queryStringParameters: { access_token: 'one' }, multiValueQueryStringParameters: null };
      // Act
      const request = toAuthRequest('rest-request', asRecord(event), HEADER, QUERY);
      // Assert
      expect(request.queryValues).toEqual(['one']);
    });

    it('has no ARN and the route "unknown" when the ARN does not parse', () => {
      // Prepare
      const event = { ...restTokenEvent({ authorization: 'Bearer a' }), methodArn: 'arn:aws:lambda:eu-west-1:123456789012:function:x' };
      // Act
      const request = toAuthRequest('rest-token', asRecord(event), HEADER, QUERY);
      // Assert
      expect(request.arn).toBeUndefined();
      expect(request.route).toBe('unknown');
    });

    it('has no header values when headers is not an object', () => {
      // Prepare
      const event = { ...httpApiV2Event({}), headers: 'authorization: Bearer a' };
      // Act
      const request = toAuthRequest('http-v2', asRecord(event), HEADER, QUERY);
      // Assert
      expect(request.headerValues).toEqual([]);
      expect(request.queryValues).toEqual([]);
    });
  });
});
