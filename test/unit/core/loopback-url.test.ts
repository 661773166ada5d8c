/**
 * What counts as loopback for plain-HTTP JWKS URIs: the one answer configuration parsing and the
 * JWKS fetcher share.
 */
import { describe, expect, it } from 'vitest';
import { isLoopbackHttpUrl } from '../../../lambdas/core/loopback-url';

describe('loopback-url', () => {
  describe('isLoopbackHttpUrl', () => {
    it.each([
      { url: 'http://127.0.0.1/jwks', loopback: true },
      { url: 'http://127.10.20.30:8080/jwks', loopback: true },
      { url: 'http://localhost:3000/jwks', loopback: true },
      { url: 'http://LOCALHOST/jwks', loopback: true },
      { url: 'http://[::1]:8080/jwks', loopback: true },
      { url: 'http://2130706433/jwks', loopback: true },
      { url: 'https://127.0.0.1/jwks', loopback: false },
      { url: 'http://127.0.0.1.nip.io/jwks', loopback: false },
      { url: 'http://localhost.example/jwks', loopback: false },
      { url: 'http://10.0.0.1/jwks', loopback: false },
      { url: 'http://0.0.0.0/jwks', loopback: false },
      { url: 'http://[::ffff:127.0.0.1]/jwks', loopback: false },
      { url: 'ftp://127.0.0.1/jwks', loopback: false },
    ])('answers $loopback for $url', ({ url: candidate, loopback }) => {
      // Act / Assert
      expect(isLoopbackHttpUrl(new URL(candidate))).toBe(loopback);
    });
  });
});
