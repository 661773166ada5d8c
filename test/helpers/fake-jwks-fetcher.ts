/**
 * A JWKS fetcher double for unit tests: serves a settable key set, counts fetches, can fail, and
 * can hold its answers until released so tests control concurrency without timers.
 */
import { generateKeyPairSync } from 'node:crypto';
import { FetchError } from 'aws-jwt-verify/error';
import type { Fetcher } from 'aws-jwt-verify/https';
import type { Jwk } from 'aws-jwt-verify/jwk';
import type { DecomposedJwt } from 'aws-jwt-verify/jwt';

export class FakeJwksFetcher implements Fetcher {
  /** Every URI fetched, in order. */
  readonly calls: string[] = [];
  keys: Jwk[];
  /** When set, every fetch fails with this error. */
  failure: Error | undefined;
  /** When set, the raw body to answer instead of `{ keys }`. */
  body: Uint8Array | undefined;
  private held: Array<() => void> | undefined;

  constructor(keys: Jwk[] = []) {
    this.keys = keys;
  }

  get count(): number {
    return this.calls.length;
  }

  /** Fails every fetch from now on with a FetchError, as an unreachable endpoint would. */
  goDown(): void {
    this.failure = new FetchError('https://issuer.example/jwks', 'connect ECONNREFUSED');
  }

  /** Holds every fetch from now on until {@link release} is called. */
  hold(): void {
    this.held = [];
  }

  release(): void {
    const waiting = this.held ?? [];
    this.held = undefined;
    for (const resume of waiting) resume();
  }

  async fetch(uri: string): Promise<ArrayBuffer> {
    this.calls.push(uri);
    const held = this.held;
    if (held) await new Promise<void>((resume) => held.push(resume));
    if (this.failure) throw this.failure;
    const bytes = this.body ?? new TextEncoder().encode(JSON.stringify({ keys: this.keys }));
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }
}

/** A fresh P-256 public JWK with this kid, as an issuer would publish it. */
export function ecJwk(kid: string): Jwk {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { ...(publicKey.export({ format: 'jwk' }) as Record<string, string>), kid, use: 'sig', alg: 'ES256' } as Jwk;
}

/** The decomposed form of a token naming this kid (only the header matters to a JWKS cache). */
export function tokenWithKid(kid: string | undefined): DecomposedJwt {
  return { header: { alg: 'ES256', ...(kid === undefined ? {} : { kid }) }, payload: {}, headerB64: '', payloadB64: '', signatureB64: '' };
}
