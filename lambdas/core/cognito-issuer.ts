/**
 * The two `iss` values a Cognito user pool's tokens may carry, and which one is canonical.
 *
 * Cognito issues under a regional host (`https://cognito-idp.<region>.amazonaws.com/<pool>`) and
 * a global one (`https://issuer-cognito-idp.<region>.amazonaws.com/<pool>`), and aws-jwt-verify
 * accepts both for one pool. Everything keyed on the issuer must treat them as one issuer: the
 * verifier routes both to the pool's verifier, and the revocation table keys rows on the regional
 * form (the one the configuration derives from the pool id), whatever form a writer was handed.
 */

const GLOBAL_FORM = /^https:\/\/issuer-cognito-idp\.([a-z0-9-]+)\.amazonaws\.com\/([^/]+)$/;

/** The `iss` values of a pool's tokens: the regional (configured, canonical) form first. */
export function cognitoIssuerAliases(userPoolId: string): [regional: string, global: string] {
  const region = userPoolId.split('_')[0] ?? '';
  return [`https://cognito-idp.${region}.amazonaws.com/${userPoolId}`, `https://issuer-cognito-idp.${region}.amazonaws.com/${userPoolId}`];
}

/**
 * The canonical form of an issuer: a Cognito global-form `iss` becomes its regional form; any other
 * issuer is already canonical (the verifier compares it exactly).
 */
export function canonicalIssuer(iss: string): string {
  const match = GLOBAL_FORM.exec(iss);
  return match ? `https://cognito-idp.${match[1]}.amazonaws.com/${match[2]}` : iss;
}
