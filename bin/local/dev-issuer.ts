/**
 * A development OpenID Connect issuer on 127.0.0.1: signs with the key it is given (`npm start`
 * keeps one per stack, dev-signing-key.ts) or one generated at start, serves
 * discovery and a JWKS over HTTP, and mints tokens on request — so the authorizer verifies its
 * tokens exactly as it verifies a real identity provider's (JWKS over HTTP, signature, claims).
 *
 * Endpoints: `GET /.well-known/openid-configuration`, `GET /.well-known/jwks.json`, and
 * `POST /token` (JSON body: `sub`, `scope`, `expiresIn`, `jti`, `aud`, `claims`) answering
 * `{ access_token, token_type, expires_in }`. Not a real OAuth server: anyone who can reach the
 * port can mint tokens, which is why it only ever listens on loopback.
 */
import { createPublicKey, randomUUID, sign, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateDevSigningKey, type DevSigningKey } from './dev-signing-key';

export interface MintRequest {
  readonly sub?: string;
  readonly scope?: string;
  /** Lifetime in seconds (default 3600). */
  readonly expiresIn?: number;
  readonly jti?: string;
  readonly aud?: string;
  readonly claims?: Record<string, unknown>;
}

export interface DevIssuer {
  /** The `iss` value of minted tokens (`http://127.0.0.1:<port>`). */
  readonly issuer: string;
  readonly jwksUri: string;
  readonly port: number;
  mint(request?: MintRequest): string;
  close(): Promise<void>;
}

export interface DevIssuerOptions {
  readonly port?: number;
  readonly audience: string;
  /** Milliseconds since the epoch for `iat`/`exp` (the e2e tests share one moved clock with the stack). */
  readonly now?: () => number;
  /** The key to sign with. Default: a fresh one. */
  readonly signingKey?: DevSigningKey;
}

/** Starts the dev issuer on 127.0.0.1; tokens carry `iss` = its URL. */
export async function startDevIssuer(options: DevIssuerOptions): Promise<DevIssuer> {
  const { privateKey, kid } = options.signingKey ?? generateDevSigningKey();
  const jwks = { keys: [{ ...createPublicKey(privateKey).export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }] };
  let issuer = '';

  const now = options.now ?? Date.now;
  const mint = (request: MintRequest = {}): string => mintToken(privateKey, kid, issuer, options.audience, request, now());

  const server: Server = createServer((req, res) => {
    route(req, res, { issuer, jwks, mint }).catch(() => send(res, 500, { error: 'server_error' }));
  });
  await listen(server, options.port ?? 0);
  const port = (server.address() as AddressInfo).port;
  issuer = `http://127.0.0.1:${port}`;
  return {
    issuer,
    jwksUri: `${issuer}/.well-known/jwks.json`,
    port,
    mint,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Listens on 127.0.0.1, rejecting with a one-line message when the port is taken. */
export function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new Error(
          error.code === 'EADDRINUSE'
            ? `port ${port} on 127.0.0.1 is already in use`
            : `cannot listen on 127.0.0.1:${port}: ${error.message}`,
        ),
      );
    });
    server.listen(port, '127.0.0.1', () => resolve());
  });
}

function mintToken(
  privateKey: KeyObject,
  kid: string,
  issuer: string,
  defaultAudience: string,
  request: MintRequest,
  nowMs: number,
): string {
  const now = Math.floor(nowMs / 1000);
  const header = { alg: 'RS256', typ: 'JWT', kid };
  const payload = {
    iss: issuer,
    aud: request.aud ?? defaultAudience,
    sub: request.sub ?? 'dev-user',
    iat: now,
    exp: now + (request.expiresIn ?? 3600),
    jti: request.jti ?? randomUUID(),
    ...(request.scope ? { scope: request.scope } : {}),
    ...request.claims,
  };
  const signingInput = `${encode(header)}.${encode(payload)}`;
  return `${signingInput}.${sign('sha256', Buffer.from(signingInput), privateKey).toString('base64url')}`;
}

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

async function route(
  req: IncomingMessage,
  res: ServerResponse,
  state: { issuer: string; jwks: unknown; mint: (r: MintRequest) => string },
): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
  if (req.method === 'GET' && path === '/.well-known/openid-configuration') {
    send(res, 200, {
      issuer: state.issuer,
      jwks_uri: `${state.issuer}/.well-known/jwks.json`,
      token_endpoint: `${state.issuer}/token`,
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['token'],
      subject_types_supported: ['public'],
    });
    return;
  }
  if (req.method === 'GET' && path === '/.well-known/jwks.json') {
    send(res, 200, state.jwks);
    return;
  }
  if (req.method === 'POST' && path === '/token') {
    const body = await readJson(req);
    if (!body.ok) {
      send(res, 400, { error: 'invalid_request', error_description: body.problem });
      return;
    }
    const wrongType = ['sub', 'scope', 'jti', 'aud'].find((name) => body.value[name] !== undefined && typeof body.value[name] !== 'string');
    if (wrongType || (body.value['claims'] !== undefined && (typeof body.value['claims'] !== 'object' || body.value['claims'] === null))) {
      send(res, 400, {
        error: 'invalid_request',
        error_description: `${wrongType ?? 'claims'} has the wrong type (sub, scope, jti, aud: strings; claims: an object)`,
      });
      return;
    }
    const request = body.value as MintRequest;
    const expiresIn = request.expiresIn ?? 3600;
    if (!Number.isInteger(expiresIn) || expiresIn < -86_400 || expiresIn > 86_400) {
      send(res, 400, { error: 'invalid_request', error_description: 'expiresIn must be an integer number of seconds within ±86400' });
      return;
    }
    send(res, 200, { access_token: state.mint(request), token_type: 'Bearer', expires_in: expiresIn });
    return;
  }
  send(res, 404, { error: 'not_found' });
}

async function readJson(req: IncomingMessage): Promise<{ ok: true; value: Record<string, unknown> } | { ok: false; problem: string }> {
  let text = '';
  for await (const chunk of req) {
    text += String(chunk);
    if (text.length > 64 * 1024) return { ok: false, problem: 'body too large' };
  }
  if (text.trim() === '') return { ok: true, value: {} };
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, problem: 'body must be a JSON object' };
    return { ok: true, value: value as Record<string, unknown> };
  } catch {
    return { ok: false, problem: 'body is not JSON' };
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
}
