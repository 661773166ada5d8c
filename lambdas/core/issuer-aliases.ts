/**
 * The `iss` values one issuer's tokens may carry, and which one is canonical.
 *
 * - A Cognito user pool issues under a regional host (`https://cognito-idp.<region>.amazonaws.com/<pool>`)
 *   and a global one (`https://issuer-cognito-idp.<region>.amazonaws.com/<pool>`), and
 *   aws-jwt-verify accepts both for one pool.
 * - Google documents its ID tokens' `iss` as `https://accounts.google.com` *or*
 *   `accounts.google.com` (no scheme), and its own client libraries accept both; its discovery
 *   document names the first, which is what the configuration holds.
 *
 * Everything keyed on the issuer must treat the forms as one issuer: the verifier routes each to
 * the issuer's verifier, and the revocation table keys rows on the canonical form (the configured
 * one), whatever form a writer was handed.
 */

const GLOBAL_FORM = /^https:\/\/issuer-cognito-idp\.([a-z0-9-]+)\.amazonaws\.com\/([^/]+)$/;

/** Google's issuer as its discovery document names it, and the scheme-less form its tokens may carry. */
const GOOGLE_ISSUER = 'https://accounts.google.com';
const GOOGLE_SCHEMELESS_ISSUER = 'accounts.google.com';

/**
 * True for Google's issuer (either form). Google's ID tokens — user sign-in and service accounts'
 * alike — carry no `jti` in the shape Google documents, so the `oidc` preset revokes them by
 * subject unless a `tokenIdClaim` says otherwise.
 */
export function isGoogleIssuer(issuer: string): boolean {
  return issuer === GOOGLE_ISSUER || issuer === GOOGLE_SCHEMELESS_ISSUER;
}

/** The `iss` values of a pool's tokens: the regional (configured, canonical) form first. */
export function cognitoIssuerAliases(userPoolId: string): [regional: string, global: string] {
  const region = userPoolId.split('_')[0] ?? '';
  return [`https://cognito-idp.${region}.amazonaws.com/${userPoolId}`, `https://issuer-cognito-idp.${region}.amazonaws.com/${userPoolId}`];
}

/** The `iss` values tokens of a configured OIDC issuer may carry: the configured one first. */
export function oidcIssuerAliases(issuer: string): string[] {
  return issuer === GOOGLE_ISSUER ? [GOOGLE_ISSUER, GOOGLE_SCHEMELESS_ISSUER] : [issuer];
}

/**
 * The canonical form of an issuer: a Cognito global-form `iss` becomes its regional form, Google's
 * scheme-less form its `https://` one; any other issuer is already canonical (the verifier
 * compares it exactly).
 */
export function canonicalIssuer(iss: string): string {
  if (iss === GOOGLE_SCHEMELESS_ISSUER) return GOOGLE_ISSUER;
  const match = GLOBAL_FORM.exec(iss);
  return match ? `https://cognito-idp.${match[1]}.amazonaws.com/${match[2]}` : iss;
}
