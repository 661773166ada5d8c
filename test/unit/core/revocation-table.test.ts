/**
 * The revocation table's schema: key formats shared by every reader and writer.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  isSubjectRevocationKey,
  REVOCATION_ATTRIBUTES,
  revocationKey,
  revocationTableDefinition,
} from '../../../lambdas/core/revocation-table';

const ISSUER = 'https://issuer.example';

describe('revocation-table', () => {
  describe('revocationKey', () => {
    it.each([
      { kind: 'jti', id: 'token-1', key: 'jti#https://issuer.example#token-1' },
      { kind: 'session', id: 'origin-1', key: 'session#https://issuer.example#origin-1' },
      { kind: 'sub', id: 'alice', key: 'sub#https://issuer.example#alice' },
      { kind: 'sub', id: 'a#b', key: 'sub#https://issuer.example#a#b' },
    ] as const)('formats a $kind key as $key', ({ kind, id, key }) => {
      // Act / Assert
      expect(revocationKey(kind, ISSUER, id)).toBe(key);
    });

    it('keeps a key of exactly 1024 bytes as it is', () => {
      // Prepare
      const prefix = `jti#${ISSUER}#`;
      const id = 'x'.repeat(1024 - prefix.length);
      // Act
      const key = revocationKey('jti', ISSUER, id);
      // Assert
      expect(key).toBe(`${prefix}${id}`);
      expect(Buffer.byteLength(key)).toBe(1024);
    });

    it('hashes a key longer than 1024 bytes, keeping its kind', () => {
      // Prepare
      const id = 'x'.repeat(1025);
      // Act
      const key = revocationKey('sub', ISSUER, id);
      // Assert
      expect(key).toBe(`sub#sha256:${createHash('sha256').update(`${ISSUER}#${id}`).digest('hex')}`);
    });

    it('measures the limit in bytes, not characters', () => {
      // Prepare: 600 two-byte characters are 1200 bytes
      const id = 'é'.repeat(600);
      // Act
      const key = revocationKey('jti', ISSUER, id);
      // Assert
      expect(key).toMatch(/^jti#sha256:[0-9a-f]{64}$/);
    });

    it('gives long ids of different kinds, issuers or values different keys', () => {
      // Prepare
      const id = 'y'.repeat(2000);
      // Act
      const keys = new Set([
        revocationKey('jti', ISSUER, id),
        revocationKey('session', ISSUER, id),
        revocationKey('jti', 'https://other.example', id),
        revocationKey('jti', ISSUER, `${id}z`),
      ]);
      // Assert
      expect(keys.size).toBe(4);
    });

    it('is deterministic, so writers and readers agree', () => {
      // Act / Assert
      expect(revocationKey('jti', ISSUER, 'z'.repeat(3000))).toBe(revocationKey('jti', ISSUER, 'z'.repeat(3000)));
    });
  });

  describe('isSubjectRevocationKey', () => {
    it.each([
      { kind: 'sub' as const, id: 'alice', subject: true },
      { kind: 'sub' as const, id: 'a'.repeat(2000), subject: true },
      { kind: 'jti' as const, id: 'sub#alice', subject: false },
      { kind: 'session' as const, id: 'alice', subject: false },
    ])('answers $subject for a $kind key', ({ kind, id, subject }) => {
      // Act / Assert
      expect(isSubjectRevocationKey(revocationKey(kind, ISSUER, id))).toBe(subject);
    });
  });

  describe('revocationTableDefinition', () => {
    it('defines an on-demand table keyed by the string partition key pk', () => {
      // Act
      const definition = revocationTableDefinition('tollbooth-revocations');
      // Assert
      expect(definition).toEqual({
        TableName: 'tollbooth-revocations',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      });
      expect(REVOCATION_ATTRIBUTES.partitionKey).toBe('pk');
    });
  });
});
