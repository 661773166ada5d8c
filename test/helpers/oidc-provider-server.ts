/**
 * A real OpenID Connect provider on 127.0.0.1 for the tests: oidc-provider (npm), issuing RFC 9068
 * JWT access tokens (`typ: at+jwt`) through the client-credentials grant, with discovery and a
 * JWKS at the path it chooses (`/jwks`, not `/.well-known/jwks.json`).
 *
 * Keys rotate the way oidc-provider documents it (its README, "jwks"): the provider is rebuilt
 * with the new key list — the first signing key signs, the others stay published — and the HTTP
 * server hands requests to the new one. The server can go down (connections refused) and come
 * back on the same port, and it counts the requests each path received.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { errors } from 'oidc-provider';

/** The API the tokens are for (RFC 8707 resource, and their `aud`). */
export const OIDC_PROVIDER_API = 'https://api.tollbooth.test';

/** A private signing JWK with its kid, as oidc-provider takes keys. */
export type SigningJwk = Readonly<Record<string, unknown>> & { readonly kid: string };

export interface OidcProviderServer {
  /** `http://127.0.0.1:<port>`: the `iss` of its tokens. */
  readonly issuer: string;
  /** Requests received per path (`/.well-known/openid-configuration`, `/jwks`, `/token`). */
  readonly hits: Map<string, number>;
  /** A client-credentials access token for these scopes. */
  token(scope: string): Promise<string>;
  /** Serves these keys from now on (the first signs). */
  rotate(keys: readonly SigningJwk[]): void;
  /** Stops accepting connections (the identity provider is down). */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  close(): Promise<void>;
}

const CLIENT = { id: 'orders-service', secret: randomUUID() };

/** A fresh RSA signing key in the form oidc-provider takes. */
export function signingJwk(kid: string): SigningJwk {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...(privateKey.export({ format: 'jwk' }) as Record<string, unknown>), kid, alg: 'RS256', use: 'sig' };
}

function buildProvider(issuer: string, keys: readonly SigningJwk[], scopes: string): Provider {
  return new Provider(issuer, {
    clients: [
      { client_id: CLIENT.id, client_secret: CLIENT.secret, grant_types: ['client_credentials'], redirect_uris: [], response_types: [] },
    ],
    jwks: { keys },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => OIDC_PROVIDER_API,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => {
          if (resource !== OIDC_PROVIDER_API) throw new errors.InvalidTarget();
          return {
            scope: scopes,
            audience: OIDC_PROVIDER_API,
            accessTokenTTL: 300,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
  });
}

/** Starts oidc-provider on a free port of 127.0.0.1, granting `scopes` to its one client. */
export async function startOidcProvider(keys: readonly SigningJwk[], scopes = 'orders:read orders:write'): Promise<OidcProviderServer> {
  const hits = new Map<string, number>();
  let provider: Provider | undefined;
  let handle: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  let server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    if (handle) handle(req, res);
    else res.writeHead(503).end();
  });
  await listen(server, 0);
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://127.0.0.1:${port}`;
  const use = (next: readonly SigningJwk[]): void => {
    provider = buildProvider(issuer, next, scopes);
    handle = provider.callback();
  };
  use(keys);

  return {
    issuer,
    hits,
    token: async (scope) => {
      const response = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${CLIENT.id}:${CLIENT.secret}`).toString('base64')}`,
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope, resource: OIDC_PROVIDER_API }),
      });
      const body = (await response.json()) as { access_token?: string; error?: string };
      if (!body.access_token) throw new Error(`oidc-provider refused the token request: ${JSON.stringify(body)}`);
      return body.access_token;
    },
    rotate: use,
    stop: () => closeServer(server),
    start: async () => {
      const listener = server.listeners('request')[0] as (req: IncomingMessage, res: ServerResponse) => void;
      server = createServer(listener);
      await listen(server, port);
    },
    close: () => closeServer(server),
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
