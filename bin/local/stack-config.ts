/**
 * What the local stack runs, from a configuration document (config-source.ts): the authorizer's
 * configuration with the dev issuer trusted beside the document's own issuers — so tokens from
 * `npm run token` work against your routes and scopes — and the API those routes make.
 *
 * What the stack changes in the document, and why:
 * - the dev issuer is appended to `issuers` (audience `tollbooth-local`), and
 *   `jwks.allowInsecureLoopbackHttp` is on, because its JWKS is plain HTTP on 127.0.0.1;
 * - `revocation.tableName` is the stack's table (dynalite's, or `TOLLBOOTH_REVOCATION_TABLE`);
 * - `--revocation-cache` replaces `revocation.notRevokedCacheSeconds` — a flag wins over a file,
 *   as it wins over the environment — and is refused when the document turns revocation off.
 * Problems carry the document's own paths (`issuers[0].audience`), since the document's issuers
 * come first.
 *
 * The API serves every route a scope grants, behind the authorizer, and the public routes without
 * it. Patterns are IAM globs and route keys are not, so a `*` segment becomes a path variable —
 * `{proxy+}` when it is the last — and `GET /orders/*` is served at `/orders/<anything>`. The
 * revocation endpoint is served on `POST /revocations` when a scope grants exactly that route
 * (that scope is the endpoint's admin scope, as in the sample stack) and revocation is on.
 */
import { ConfigError, parseConfig, type AuthorizerConfig } from '../../lambdas/core/config/config';
import { isRecord } from '../../lambdas/core/guards';
import { parseRoutePattern } from '../../lambdas/core/route-pattern';
import { LOCAL_AUDIENCE } from '../../lib/sample-config';
import { parseApiRoute } from './api-routes';
import type { RawConfig } from './config-source';

/** The revocation endpoint's route. */
export const REVOCATION_ROUTE = 'POST /revocations';

export interface LocalConfig {
  readonly authorizer: AuthorizerConfig;
  /** Scope → route patterns as written. */
  readonly scopeRoutes: Readonly<Record<string, readonly string[]>>;
  /** HTTP API route keys behind the authorizer (the revocation endpoint's included when served). */
  readonly protectedRoutes: readonly string[];
  readonly publicRoutes: readonly string[];
  /** The scope that grants `POST /revocations`, when the endpoint is served. */
  readonly adminScope: string | undefined;
}

export interface StackSettings {
  /** The dev issuer's `iss` and JWKS. */
  readonly devIssuer: { readonly issuer: string; readonly jwksUri: string };
  /** The table the stack reads and writes. */
  readonly tableName: string;
  /** `--revocation-cache`, when given. */
  readonly notRevokedCacheSeconds?: number;
  /** Used when neither the flag nor the document sets it (the sample's small window). */
  readonly defaultNotRevokedCacheSeconds?: number;
}

export type BuildResult =
  | { readonly ok: true; readonly config: LocalConfig }
  | { readonly ok: false; readonly problems: readonly string[] };

/** Validates the document with the stack's additions; every problem is named, none thrown. */
export function buildLocalConfig(raw: RawConfig, settings: StackSettings): BuildResult {
  const problems: string[] = [];
  const document = withStackSettings(raw.document, settings, problems);
  let authorizer: AuthorizerConfig | undefined;
  try {
    authorizer = parseConfig(document);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  const scopeRoutes = scopeRoutesOf(raw.document);
  const protectedRoutes = apiRoutesOf(scopeRoutes, problems);
  for (const route of raw.publicRoutes) {
    try {
      parseApiRoute(route, undefined);
    } catch (error) {
      problems.push(`public route ${(error as Error).message}`);
    }
    if (protectedRoutes.includes(route)) problems.push(`"${route}" is both a public route and granted by a scope: it can only be one`);
  }
  if (!authorizer || problems.length > 0) return { ok: false, problems };
  const adminScope = authorizer.revocation.enabled
    ? Object.entries(scopeRoutes).find(([, routes]) => routes.includes(REVOCATION_ROUTE))?.[0]
    : undefined;
  return {
    ok: true,
    config: {
      authorizer,
      scopeRoutes,
      protectedRoutes: adminScope ? protectedRoutes : protectedRoutes.filter((route) => route !== REVOCATION_ROUTE),
      publicRoutes: raw.publicRoutes,
      adminScope,
    },
  };
}

function withStackSettings(document: Record<string, unknown>, settings: StackSettings, problems: string[]): Record<string, unknown> {
  const devIssuer = { type: 'oidc', issuer: settings.devIssuer.issuer, audience: [LOCAL_AUDIENCE], jwksUri: settings.devIssuer.jwksUri };
  const issuers =
    document['issuers'] === undefined
      ? [devIssuer]
      : Array.isArray(document['issuers'])
        ? [...document['issuers'], devIssuer]
        : document['issuers'];
  const jwks =
    document['jwks'] === undefined || isRecord(document['jwks'])
      ? { ...document['jwks'], allowInsecureLoopbackHttp: true }
      : document['jwks'];

  let revocation = document['revocation'];
  if (revocation === undefined || isRecord(revocation)) {
    const enabled = revocation?.['enabled'] !== false;
    if (!enabled && settings.notRevokedCacheSeconds !== undefined) {
      problems.push('--revocation-cache: the configuration turns revocation off (revocation.enabled: false), so there is no cache to set');
    }
    const cacheSeconds =
      settings.notRevokedCacheSeconds ?? revocation?.['notRevokedCacheSeconds'] ?? settings.defaultNotRevokedCacheSeconds;
    revocation = {
      ...revocation,
      ...(enabled ? { tableName: settings.tableName } : {}),
      ...(enabled && cacheSeconds !== undefined ? { notRevokedCacheSeconds: cacheSeconds } : {}),
    };
  }
  // The local API keys its authorizer cache by route, as the construct does by default; the
  // function must know, or an answer cached for one id of a {name} route would refuse its other ids.
  const resultsCache =
    document['resultsCache'] === undefined || isRecord(document['resultsCache'])
      ? { ...document['resultsCache'], httpApi: 'route' }
      : document['resultsCache'];
  return { ...document, issuers, jwks, revocation, resultsCache };
}

function scopeRoutesOf(document: Record<string, unknown>): Record<string, readonly string[]> {
  const routes = document['routes'];
  if (!isRecord(routes)) return {};
  return Object.fromEntries(
    Object.entries(routes).map(([scope, patterns]) => [
      scope,
      (typeof patterns === 'string' ? [patterns] : Array.isArray(patterns) ? patterns : []).filter(
        (pattern): pattern is string => typeof pattern === 'string',
      ),
    ]),
  );
}

/** The route keys the patterns make, without duplicates; invalid patterns are the parser's to report. */
function apiRoutesOf(scopeRoutes: Readonly<Record<string, readonly string[]>>, problems: string[]): string[] {
  const keys = new Set<string>();
  for (const pattern of Object.values(scopeRoutes).flat()) {
    if (!parseRoutePattern(pattern).ok) continue;
    const key = routeKeyOf(pattern);
    try {
      parseApiRoute(key, undefined);
      keys.add(key);
    } catch (error) {
      problems.push(`route pattern "${pattern}" cannot be served locally: ${(error as Error).message}`);
    }
  }
  return [...keys];
}

/** `GET /orders/*` → `GET /orders/{proxy+}`; `get /a/*\/b` → `GET /a/{wildcard1}/b`; keys stay as they are. */
export function routeKeyOf(pattern: string): string {
  const [method = '', path = '/'] = pattern.trim().split(/\s+/);
  const segments = path.slice(1).split('/');
  let wildcards = 0;
  const served = segments.map((segment, index) => {
    if (!segment.includes('*') || /^\{[^}]*\}$/.test(segment)) return segment;
    return index === segments.length - 1 ? '{proxy+}' : `{wildcard${++wildcards}}`;
  });
  return `${method.toUpperCase()} /${served.join('/')}`;
}
