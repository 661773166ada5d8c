/**
 * OpenID Connect discovery: the document must be the configured issuer's, its jwks_uri one the
 * JWKS fetcher may fetch; answers age like the JWKS; every failure names the issuer, the URL and
 * what was wrong. The real server (oidc-provider) is in test/integration/oidc-discovery.test.ts.
 */
import { FetchError } from 'aws-jwt-verify/error';
import type { Fetcher } from 'aws-jwt-verify/https';
import { beforeEach, describe, expect, it } from 'vitest';
import { classify } from '../../../../lambdas/core/reasons';
import { OidcDiscovery, OidcDiscoveryError, type DiscoveredIssuer } from '../../../../lambdas/core/verification/oidc-discovery';

const ISSUER = 'https://idp.example/tenant';
const TARGET: DiscoveredIssuer = { issuer: ISSUER, discoveryUri: `${ISSUER}/.well-known/openid-configuration` };
const JWKS_URI = 'https://keys.idp.example/tenant/keys';

/** Serves one document (or fails), counting fetches; a held fetch waits for `release`. */
class DocumentFetcher implements Fetcher {
  calls = 0;
  document: unknown = { issuer: ISSUER, jwks_uri: JWKS_URI };
  raw: string | undefined;
  failure: Error | undefined;
  private held: Array<() => void> | undefined;

  hold(): void {
    this.held = [];
  }

  release(): void {
    for (const resume of this.held ?? []) resume();
    this.held = undefined;
  }

  async fetch(): Promise<ArrayBuffer> {
    this.calls++;
    const held = this.held;
    if (held) await new Promise<void>((resume) => held.push(resume));
    if (this.failure) throw this.failure;
    const bytes = new TextEncoder().encode(this.raw ?? JSON.stringify(this.document));
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }
}

let nowMs: number;
let fetcher: DocumentFetcher;

function discovery(allowInsecureLoopbackHttp = false): OidcDiscovery {
  return new OidcDiscovery({ fetcher, maxAgeSeconds: 600, allowInsecureLoopbackHttp, now: () => nowMs });
}

async function failureOf(promise: Promise<unknown>): Promise<OidcDiscoveryError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof OidcDiscoveryError)) throw new Error(`expected an OidcDiscoveryError, got ${String(error)}`);
  return error;
}

beforeEach(() => {
  nowMs = 1_800_000_000_000;
  fetcher = new DocumentFetcher();
});

describe('oidc-discovery', () => {
  it("reads the document's jwks_uri and remembers it for half the maximum age", async () => {
    // Prepare
    const resolver = discovery();
    // Act
    const first = await resolver.jwksUri(TARGET);
    nowMs += 299_000;
    const second = await resolver.jwksUri(TARGET);
    // Assert
    expect([first, second]).toEqual([JWKS_URI, JWKS_URI]);
    expect(fetcher.calls).toBe(1);
  });

  it('follows a moved jwks_uri once the remembered one is past half its maximum age', async () => {
    // Prepare
    const resolver = discovery();
    await resolver.jwksUri(TARGET);
    fetcher.document = { issuer: ISSUER, jwks_uri: 'https://keys.idp.example/v2/keys' };
    nowMs += 300_000;
    // Act
    const moved = await resolver.jwksUri(TARGET);
    // Assert
    expect(moved).toBe('https://keys.idp.example/v2/keys');
    expect(fetcher.calls).toBe(2);
  });

  it('keeps the last good jwks_uri while the issuer is down, until the maximum age', async () => {
    // Prepare
    const resolver = discovery();
    await resolver.jwksUri(TARGET);
    fetcher.failure = new FetchError(TARGET.discoveryUri, 'connect ECONNREFUSED');
    // Act
    nowMs += 300_000;
    const ageing = await resolver.jwksUri(TARGET);
    nowMs += 300_000;
    const expired = await failureOf(resolver.jwksUri(TARGET));
    // Assert
    expect(ageing).toBe(JWKS_URI);
    expect(expired.message).toContain('connect ECONNREFUSED');
  });

  it('shares one fetch between concurrent callers', async () => {
    // Prepare
    const resolver = discovery();
    fetcher.hold();
    // Act
    const lookups = [resolver.jwksUri(TARGET), resolver.jwksUri(TARGET), resolver.jwksUri(TARGET)];
    fetcher.release();
    // Assert
    expect(await Promise.all(lookups)).toEqual([JWKS_URI, JWKS_URI, JWKS_URI]);
    expect(fetcher.calls).toBe(1);
  });

  it.each([
    {
      name: 'an issuer that answers 404',
      prepare: () => {
        fetcher.failure = new FetchError(TARGET.discoveryUri, 'status code 404, expected 200');
      },
      message: `no discovery document for issuer ${ISSUER} at ${TARGET.discoveryUri} (FetchError: Failed to fetch ${TARGET.discoveryUri}: status code 404, expected 200): if the issuer publishes none, set its jwksUri`,
    },
    {
      name: 'a document that is not JSON',
      prepare: () => {
        fetcher.raw = '<html>sign in</html>';
      },
      message: `the discovery document of issuer ${ISSUER} (${TARGET.discoveryUri}) is not UTF-8 JSON`,
    },
    {
      name: 'a document that is a JSON array',
      prepare: () => {
        fetcher.document = [ISSUER];
      },
      message: `the discovery document of issuer ${ISSUER} (${TARGET.discoveryUri}) is not a JSON object`,
    },
    {
      name: 'a document naming another issuer',
      prepare: () => {
        fetcher.document = { issuer: `${ISSUER}/`, jwks_uri: JWKS_URI };
      },
      message: `the discovery document at ${TARGET.discoveryUri} names issuer "${ISSUER}/", not ${ISSUER}: the configured issuer must be exactly the tokens' iss (OpenID Connect Discovery 1.0 §4.3)`,
    },
    {
      name: 'a document without an issuer',
      prepare: () => {
        fetcher.document = { jwks_uri: JWKS_URI };
      },
      message: `the discovery document at ${TARGET.discoveryUri} names issuer undefined, not ${ISSUER}: the configured issuer must be exactly the tokens' iss (OpenID Connect Discovery 1.0 §4.3)`,
    },
    {
      name: 'a document without a jwks_uri',
      prepare: () => {
        fetcher.document = { issuer: ISSUER };
      },
      message: `the discovery document of issuer ${ISSUER} (${TARGET.discoveryUri}) has no jwks_uri`,
    },
    {
      name: 'a plain-HTTP jwks_uri off loopback',
      prepare: () => {
        fetcher.document = { issuer: ISSUER, jwks_uri: 'http://keys.idp.example/keys' };
      },
      message: `the discovery document of issuer ${ISSUER} names jwks_uri "http://keys.idp.example/keys", which is not https:// (http:// only on loopback, with jwks.allowInsecureLoopbackHttp)`,
    },
    {
      name: 'a jwks_uri that is not a URL',
      prepare: () => {
        fetcher.document = { issuer: ISSUER, jwks_uri: 'keys' };
      },
      message: `the discovery document of issuer ${ISSUER} names jwks_uri "keys", which is not https:// (http:// only on loopback, with jwks.allowInsecureLoopbackHttp)`,
    },
  ])('says why the keys cannot be located for $name, as a jwks_unavailable deny', async ({ prepare, message }) => {
    // Prepare
    prepare();
    // Act
    const error = await failureOf(discovery().jwksUri(TARGET));
    // Assert
    expect(error.message).toBe(message);
    expect(error.name).toBe('OidcDiscoveryError');
    expect(classify(error)).toBe('jwks_unavailable');
  });

  it('quotes at most a bounded part of what a hostile document names', async () => {
    // Prepare
    fetcher.document = { issuer: 'x'.repeat(100_000), jwks_uri: JWKS_URI };
    // Act
    const error = await failureOf(discovery().jwksUri(TARGET));
    // Assert
    expect(error.message.length).toBeLessThan(500);
  });

  it('accepts a plain-HTTP jwks_uri on loopback only when allowed', async () => {
    // Prepare
    fetcher.document = { issuer: ISSUER, jwks_uri: 'http://127.0.0.1:4455/jwks' };
    // Act
    const refused = await failureOf(discovery(false).jwksUri(TARGET));
    const allowed = await discovery(true).jwksUri(TARGET);
    // Assert
    expect(refused.message).toContain('is not https://');
    expect(allowed).toBe('http://127.0.0.1:4455/jwks');
  });
});
