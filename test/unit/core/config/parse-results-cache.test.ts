/**
 * `resultsCache`: how API Gateway caches each kind of authorizer's answers. Absent, the token
 * alone is assumed — sound whatever the identity sources are.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../../../lambdas/core/config/config';

const VALID = {
  issuers: [{ issuer: 'https://issuer.example', audience: ['https://api.example'] }],
  routes: { 'orders:read': ['GET /orders/{id}'] },
  revocation: { enabled: false },
};

function problemsOf(raw: unknown): string[] {
  try {
    parseConfig(raw);
    return [];
  } catch (error) {
    return error instanceof ConfigError ? [...error.problems] : [String(error)];
  }
}

describe('parse-results-cache', () => {
  it('assumes every kind of authorizer is cached by the token alone when nothing is said', () => {
    expect(parseConfig(VALID).resultsCache).toEqual({ httpApi: 'token', restRequest: 'token', restToken: 'token' });
  });

  it('reads what the construct writes', () => {
    const config = parseConfig({ ...VALID, resultsCache: { httpApi: 'route', restRequest: 'off', restToken: 'off' } });
    expect(config.resultsCache).toEqual({ httpApi: 'route', restRequest: 'off', restToken: 'off' });
  });

  it.each([
    { raw: { resultsCache: { restToken: 'route' } }, problem: 'resultsCache.restToken: must be one of "off", "token", got "route"' },
    {
      raw: { resultsCache: { httpApi: 'routeKey' } },
      problem: 'resultsCache.httpApi: must be one of "off", "token", "route", got "routeKey"',
    },
    { raw: { resultsCache: { websocket: 'token' } }, problem: 'resultsCache.websocket: unknown setting' },
    { raw: { resultsCache: 'route' }, problem: 'resultsCache: must be an object' },
  ])('refuses $raw.resultsCache: $problem', ({ raw, problem }) => {
    expect(problemsOf({ ...VALID, ...raw }).join('\n')).toContain(problem);
  });
});
