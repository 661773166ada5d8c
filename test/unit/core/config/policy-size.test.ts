/**
 * The configuration is refused when a token carrying every scope could get an answer larger than
 * Lambda's 6 MB response: the one size limit documented for a REST or HTTP API authorizer.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../../../lambdas/core/config/config';
import { longestAllowListBytes } from '../../../../lambdas/core/route-pattern';
import { patterns } from '../../../helpers/routes';

const BASE = { issuers: [{ issuer: 'https://issuer.example', audience: ['https://api.example'] }], revocation: { enabled: false } };

function routesOf(count: number): Record<string, string[]> {
  return { everything: Array.from({ length: count }, (_, index) => `GET /${'a'.repeat(240)}/${index}`) };
}

describe('policy size', () => {
  it('counts each exact pattern behind the longest ARN, ANY once per method, {id} patterns not at all', () => {
    // 201 characters of ARN prefix, "OPTIONS/", the glob, quotes and a comma
    expect(longestAllowListBytes(patterns('GET /orders'))).toBe(201 + 8 + 'GET/orders'.length + 3);
    expect(longestAllowListBytes(patterns('ANY /orders'))).toBe(7 * (201 + 8 + '*/orders'.length + 3));
    expect(longestAllowListBytes(patterns('GET /orders/{id}', 'GET /orders', 'GET /orders'))).toBe(201 + 8 + 'GET/orders'.length + 3);
  });

  it('accepts thousands of routes', () => {
    expect(() => parseConfig({ ...BASE, routes: routesOf(5000) })).not.toThrow();
  });

  it('refuses routes whose policy could pass 6 MB, saying so', () => {
    // Act
    let problems: readonly string[] = [];
    try {
      parseConfig({ ...BASE, routes: routesOf(14_000) });
    } catch (error) {
      problems = error instanceof ConfigError ? error.problems : [String(error)];
    }
    // Assert
    expect(problems).toEqual([expect.stringMatching(/^routes: a token with every scope would get a policy of about \d+ KiB/)]);
  });
});
