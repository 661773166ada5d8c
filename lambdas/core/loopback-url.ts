/**
 * What counts as a loopback address for plain-HTTP JWKS URIs and Cognito emulator issuers (local
 * development and tests only).
 *
 * Two parts ask the same question and must agree: configuration parsing, which refuses an
 * `http://` JWKS URI or issuer anywhere else (at cold start, and at synth time through the CDK
 * construct), and the JWKS fetcher, which refuses to fetch one at request time. Kept out of the
 * fetcher so that parsing a configuration never imports an HTTP client.
 */

/** True for `http://` URLs whose host is a loopback address. */
export function isLoopbackHttpUrl(url: URL): boolean {
  return url.protocol === 'http:' && isLoopbackUrl(url);
}

/** True for `http://` and `https://` URLs whose host is a loopback address. */
export function isLoopbackUrl(url: URL): boolean {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  const host = url.hostname;
  return host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}
