/**
 * Token-shaped text kept out of log lines built from request paths and library error messages.
 */
import { describe, expect, it } from 'vitest';
import { REDACTED, redactTokenShapes } from '../../../lambdas/core/log-redaction';

const HEADER = 'eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0';
const PAYLOAD = 'eyJzdWIiOiJhbGljZSIsInNjb3BlIjoib3JkZXJzOnJlYWQifQ';
const SIGNATURE = 'c2lnbmF0dXJlLWJ5dGVzLWhlcmU';

describe('redactTokenShapes', () => {
  it.each([
    { name: 'a signed token in a path', text: `GET /sessions/${HEADER}.${PAYLOAD}.${SIGNATURE}`, redacted: `GET /sessions/${REDACTED}` },
    { name: 'an unsigned token (empty signature)', text: `bad token ${HEADER}.${PAYLOAD}.`, redacted: `bad token ${REDACTED}` },
    { name: 'a JWE (five parts)', text: `x ${HEADER}.${PAYLOAD}.${SIGNATURE}.${SIGNATURE}.${SIGNATURE} y`, redacted: `x ${REDACTED} y` },
    { name: 'two tokens', text: `${HEADER}.${PAYLOAD}.${SIGNATURE}/${HEADER}.${PAYLOAD}.x`, redacted: `${REDACTED}/${REDACTED}` },
  ])('redacts $name', ({ text, redacted }) => {
    expect(redactTokenShapes(text)).toBe(redacted);
  });

  it.each([
    { name: 'an ordinary path', text: 'GET /orders/42' },
    { name: 'a file name with dots', text: 'GET /files/report.2026.pdf' },
    { name: 'a host name', text: 'connect ECONNREFUSED idp.example.com:443' },
    { name: 'a header and payload alone (no second dot)', text: `${HEADER}.${PAYLOAD}` },
  ])('keeps $name as it is', ({ text }) => {
    expect(redactTokenShapes(text)).toBe(text);
  });
});
