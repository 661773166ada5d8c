/**
 * The closed vocabulary of why a request was denied, and the one place where errors thrown on the
 * verification path are turned into that vocabulary.
 *
 * Reason codes are product surface: they appear in the decision log, in metrics dimensions, in the
 * README and in SECURITY.md. Add codes deliberately; never rename one.
 */
import {
  CognitoJwtInvalidClientIdError,
  CognitoJwtInvalidGroupError,
  CognitoJwtInvalidTokenUseError,
  FetchError,
  JwkInvalidKtyError,
  JwkInvalidUseError,
  JwkValidationError,
  JwksNotAvailableInCacheError,
  JwksValidationError,
  JwtExpiredError,
  JwtInvalidAudienceError,
  JwtInvalidIssuerError,
  JwtInvalidScopeError,
  JwtInvalidSignatureAlgorithmError,
  JwtInvalidSignatureError,
  JwtNotBeforeError,
  JwtParseError,
  JwtWithoutValidKidError,
  KidNotFoundInJwksError,
  WaitPeriodNotYetEndedJwkError,
} from 'aws-jwt-verify/error';

/** Every reason a request can be denied for. */
export const DENY_REASONS = [
  // The request did not carry a usable bearer token.
  'missing_token',
  'invalid_authorization_header',
  'token_in_query',
  'token_too_large',
  'unsupported_event',
  // The token could not be verified.
  'malformed',
  'bad_algorithm',
  'unknown_key',
  'bad_key',
  'bad_signature',
  'jwks_unavailable',
  'verification_failed',
  // The token verified, but its claims are not acceptable.
  'expired',
  'not_yet_valid',
  'token_too_old',
  'wrong_issuer',
  'wrong_audience',
  'wrong_token_use',
  'wrong_token_type',
  'missing_group',
  'missing_claim',
  'invalid_claim',
  // The token is valid but may not do this.
  'insufficient_scope',
  'revoked',
  'revocation_unavailable',
  // A bug in Tollbooth: still a deny.
  'internal',
] as const;

export type DenyReason = (typeof DENY_REASONS)[number];

/**
 * Reasons that mean "the caller is authenticated but not permitted". They become an explicit deny
 * policy (403) on every API kind; every other reason is an authentication failure (401 on REST).
 */
export type ForbiddenReason = 'insufficient_scope';

export const FORBIDDEN_REASONS: ReadonlySet<DenyReason> = new Set<ForbiddenReason>(['insufficient_scope']);

/**
 * Thrown by Tollbooth's own checks when they reject a token, carrying the reason directly so that
 * {@link classify} needs no guesswork.
 */
export class DenyError extends Error {
  readonly reason: DenyReason;

  constructor(reason: DenyReason, message: string) {
    super(message);
    // A literal name survives minification (keepNames is on too, but this does not depend on it).
    this.name = 'DenyError';
    this.reason = reason;
  }
}

/**
 * aws-jwt-verify's error classes, most specific first. Subclasses must come before their base
 * classes because the first `instanceof` match wins.
 */
const LIBRARY_ERROR_REASONS: ReadonlyArray<readonly [abstract new (...args: never[]) => Error, DenyReason]> = [
  [JwtParseError, 'malformed'],
  [JwtInvalidSignatureAlgorithmError, 'bad_algorithm'],
  [JwtInvalidSignatureError, 'bad_signature'],
  [JwtExpiredError, 'expired'],
  [JwtNotBeforeError, 'not_yet_valid'],
  [JwtInvalidIssuerError, 'wrong_issuer'],
  [JwtInvalidAudienceError, 'wrong_audience'],
  [CognitoJwtInvalidClientIdError, 'wrong_audience'],
  [CognitoJwtInvalidTokenUseError, 'wrong_token_use'],
  [CognitoJwtInvalidGroupError, 'missing_group'],
  [JwtInvalidScopeError, 'insufficient_scope'],
  [JwtWithoutValidKidError, 'unknown_key'],
  [KidNotFoundInJwksError, 'unknown_key'],
  [WaitPeriodNotYetEndedJwkError, 'unknown_key'],
  [JwkInvalidUseError, 'bad_key'],
  [JwkInvalidKtyError, 'bad_key'],
  [JwkValidationError, 'bad_key'],
  [JwksValidationError, 'jwks_unavailable'],
  [JwksNotAvailableInCacheError, 'jwks_unavailable'],
  [FetchError, 'jwks_unavailable'],
];

/**
 * Maps anything thrown while verifying a token to a reason code. Never throws.
 *
 * Unknown errors map to `verification_failed`: aws-jwt-verify lets some errors escape that are not
 * its own classes (a plain `Error("Malformed signature")` for a wrong-length ES256 signature, a
 * `TypeError` for a broken EC key), and a non-Error value can be thrown by anything.
 */
export function classify(error: unknown): DenyReason {
  if (error instanceof DenyError) return error.reason;
  for (const [errorClass, reason] of LIBRARY_ERROR_REASONS) {
    if (error instanceof errorClass) return reason;
  }
  return 'verification_failed';
}

/** True when the reason means "authenticated but not permitted" rather than "not authenticated". */
export function isForbidden(reason: DenyReason): reason is ForbiddenReason {
  return FORBIDDEN_REASONS.has(reason);
}
