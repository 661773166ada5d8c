/**
 * Fetches JWKS documents for aws-jwt-verify through its documented `Fetcher` extension point.
 *
 * The library's own fetcher is HTTPS-only, retries once immediately and has no cap on the
 * response size. This one adds what an authorizer in front of every request needs: one bounded
 * deadline from connect to last byte, a size cap (a hostile or broken endpoint cannot make us
 * buffer megabytes), no hidden retry (the JWKS cache rate-limits fetches instead), no pooled
 * keep-alive socket that may have died since the last fetch, and plain `http://` only to loopback
 * addresses, only when configuration allows it.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { FetchError, NonRetryableFetchError } from 'aws-jwt-verify/error';
import type { Fetcher } from 'aws-jwt-verify/https';
import { isLoopbackHttpUrl } from '../loopback-url';

export interface JwksFetcherOptions {
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  readonly allowInsecureLoopbackHttp: boolean;
}

export class JwksFetcher implements Fetcher {
  constructor(private readonly options: JwksFetcherOptions) {}

  async fetch(uri: string): Promise<ArrayBuffer> {
    const url = new URL(uri);
    const insecureAllowed = this.options.allowInsecureLoopbackHttp && isLoopbackHttpUrl(url);
    if (url.protocol !== 'https:' && !insecureAllowed) {
      throw new NonRetryableFetchError(uri, 'refusing to fetch a JWKS over anything but HTTPS');
    }
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const { timeoutMs, maxResponseBytes } = this.options;

    return new Promise<ArrayBuffer>((resolve, reject) => {
      let settled = false;
      const finish = (error: Error | undefined, body?: ArrayBuffer): void => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        if (error) {
          req.destroy();
          reject(error);
        } else {
          resolve(body ?? new ArrayBuffer(0));
        }
      };
      const deadline = setTimeout(() => finish(new FetchError(uri, `no complete response within ${timeoutMs} ms`)), timeoutMs);
      deadline.unref();

      // A fresh connection for every fetch (agent: false). Fetches are rare — at most one per
      // refetch interval, usually one per half maximum age — so a pooled keep-alive socket has
      // nearly always been closed by the server in between; and when the event loop did not run
      // meanwhile (a Lambda frozen between invocations, a busy process), the agent has not yet
      // seen that close and reuses the dead socket: the fetch fails with ECONNRESET and, with no
      // hidden retry, keys stay unavailable for a whole refetch interval.
      const req = request(
        url,
        { method: 'GET', agent: false, headers: { accept: 'application/json, application/jwk-set+json' } },
        (response: IncomingMessage) => {
          if (response.statusCode !== 200) {
            response.resume();
            finish(new NonRetryableFetchError(uri, `status code ${response.statusCode}, expected 200`));
            return;
          }
          const declared = Number(response.headers['content-length']);
          if (declared > maxResponseBytes) {
            finish(new NonRetryableFetchError(uri, `response of ${declared} bytes exceeds the ${maxResponseBytes}-byte limit`));
            return;
          }
          const chunks: Buffer[] = [];
          let received = 0;
          response.on('data', (chunk: Buffer) => {
            received += chunk.length;
            if (received > maxResponseBytes) {
              finish(new NonRetryableFetchError(uri, `response exceeds the ${maxResponseBytes}-byte limit`));
              return;
            }
            chunks.push(chunk);
          });
          response.on('end', () => {
            const body = Buffer.concat(chunks);
            finish(undefined, body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer);
          });
          response.on('error', (error) => finish(new FetchError(uri, error.message)));
        },
      );
      req.on('error', (error) => finish(new FetchError(uri, error.message)));
      req.end();
    });
  }
}
