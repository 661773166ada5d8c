/**
 * Mints tokens with `jose`, a library independent of the one under test.
 */
import { randomUUID, sign, type KeyObject } from 'node:crypto';
import { SignJWT, type JWTPayload } from 'jose';
import type { TestKey } from './keys';

export interface MintOptions {
  readonly key: TestKey;
  readonly issuer: string;
  readonly audience?: string | string[];
  readonly subject?: string;
  readonly scope?: string;
  /** Seconds from now; negative for an expired token. */
  readonly expiresIn?: number;
  readonly claims?: JWTPayload;
  /** Header fields to add or override (e.g. typ, kid). */
  readonly header?: Record<string, unknown>;
  /** Leave standard claims out: ['exp', 'jti', 'iat', 'sub']. */
  readonly omit?: ReadonlyArray<'exp' | 'jti' | 'iat' | 'sub'>;
}

export async function mintToken(options: MintOptions): Promise<string> {
  const nowSeconds = Math.floor(Date.now() / 1000);
  const omit = new Set(options.omit ?? []);
  const payload: JWTPayload = {
    iss: options.issuer,
    ...(options.audience === undefined ? {} : { aud: options.audience }),
    ...(omit.has('sub') ? {} : { sub: options.subject ?? 'user-1' }),
    ...(omit.has('jti') ? {} : { jti: randomUUID() }),
    ...(omit.has('iat') ? {} : { iat: nowSeconds }),
    ...(omit.has('exp') ? {} : { exp: nowSeconds + (options.expiresIn ?? 600) }),
    ...(options.scope === undefined ? {} : { scope: options.scope }),
    ...options.claims,
  };
  return new SignJWT(payload)
    .setProtectedHeader({ alg: options.key.alg, kid: options.key.kid, typ: 'JWT', ...options.header })
    .sign(options.key.privateKey);
}

/**
 * Signs arbitrary header and payload objects with `node:crypto`, for tokens `jose` refuses to
 * produce (weak keys, hostile headers): the attack cases need them.
 */
export function signRaw(header: Record<string, unknown>, payload: Record<string, unknown>, privateKey: KeyObject): string {
  const signingInput = `${base64UrlJson(header)}.${base64UrlJson(payload)}`;
  const alg = String(header['alg']);
  const digest = alg === 'EdDSA' ? null : `sha${alg.slice(2)}`;
  const signature = sign(digest, Buffer.from(signingInput), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${signingInput}.${signature.toString('base64url')}`;
}

/**
 * Signs a JWS whose header is the given text byte for byte, as a provider serialises it (Keycloak
 * writes `{"alg":"RS256","typ" : "JWT","kid" : "…"}`); the header must name an RS or ES algorithm.
 */
export function signWithHeaderText(headerText: string, payload: Record<string, unknown>, privateKey: KeyObject): string {
  const alg = String((JSON.parse(headerText) as Record<string, unknown>)['alg']);
  const signingInput = `${Buffer.from(headerText).toString('base64url')}.${base64UrlJson(payload)}`;
  const signature = sign(`sha${alg.slice(2)}`, Buffer.from(signingInput), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${signingInput}.${signature.toString('base64url')}`;
}

export function base64UrlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
