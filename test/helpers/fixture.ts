/**
 * A complete, real environment for integration tests: a JWKS server on 127.0.0.1 serving
 * freshly generated RSA, EC and Ed25519 keys, dynalite with the revocation table, and a helper
 * that builds an authorizer configuration pointing at both.
 */
import { parseConfig, type AuthorizerConfig } from '../../lambdas/core/config/config';
import { startDynalite, type Dynalite } from './dynalite';
import { startJwksServer, type JwksServer } from './jwks-server';
import { generateTestKey, type TestKey } from './keys';

export const SAMPLE_ROUTES = {
  'orders:read': ['GET /orders', 'GET /orders/*'],
  'orders:write': ['POST /orders', 'PUT /orders/{id}', 'DELETE /orders/{id}'],
  admin: ['ANY /admin/{proxy+}'],
};

export const AUDIENCE = 'https://api.tollbooth.test';

export interface Fixture {
  readonly jwks: JwksServer;
  readonly dynalite: Dynalite;
  readonly issuer: string;
  readonly keys: { readonly rsa: TestKey; readonly ec: TestKey; readonly ed: TestKey };
  /** A raw configuration object (before parseConfig), so tests can override parts. */
  rawConfig(overrides?: Record<string, unknown>): Record<string, unknown>;
  config(overrides?: Record<string, unknown>): AuthorizerConfig;
  close(): Promise<void>;
}

export async function startFixture(): Promise<Fixture> {
  const [rsa, ec, ed] = await Promise.all([generateTestKey('RS256'), generateTestKey('ES256'), generateTestKey('EdDSA')]);
  const jwks = await startJwksServer([rsa.publicJwk, ec.publicJwk, ed.publicJwk]);
  const dynalite = await startDynalite();
  const issuer = `${jwks.origin}/issuer`;
  const rawConfig = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
    issuers: [{ type: 'oidc', issuer, audience: [AUDIENCE], jwksUri: jwks.url }],
    routes: SAMPLE_ROUTES,
    jwks: { allowInsecureLoopbackHttp: true },
    revocation: { enabled: true, tableName: dynalite.tableName, notRevokedCacheSeconds: 30 },
    ...overrides,
  });
  return {
    jwks,
    dynalite,
    issuer,
    keys: { rsa, ec, ed },
    rawConfig,
    config: (overrides) => parseConfig(rawConfig(overrides)),
    close: async () => {
      await Promise.all([jwks.close(), dynalite.stop()]);
    },
  };
}

/** A clock that starts at real time and can be moved forward (the library's own checks use real time). */
export class TestClock {
  offsetMs = 0;
  readonly now = (): number => Date.now() + this.offsetMs;
  advanceSeconds(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }
}
