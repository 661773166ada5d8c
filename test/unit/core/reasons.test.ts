/**
 * classify(): every error the verification path can throw maps to one reason code.
 */
import * as libraryErrors from 'aws-jwt-verify/error';
import { describe, expect, it } from 'vitest';
import { classify, DENY_REASONS, DenyError, isForbidden, type DenyReason } from '../../../lambdas/core/reasons';

type AnyErrorClass = abstract new (...args: never[]) => Error;

/** Every class aws-jwt-verify exports, with the reason an instance of it must map to. */
const LIBRARY_CLASS_REASONS: ReadonlyArray<readonly [AnyErrorClass, DenyReason]> = [
  [libraryErrors.JwtBaseError, 'verification_failed'],
  [libraryErrors.FailedAssertionError, 'verification_failed'],
  [libraryErrors.JwtParseError, 'malformed'],
  [libraryErrors.ParameterValidationError, 'verification_failed'],
  [libraryErrors.JwtInvalidSignatureError, 'bad_signature'],
  [libraryErrors.JwtInvalidSignatureAlgorithmError, 'bad_algorithm'],
  [libraryErrors.JwtInvalidClaimError, 'verification_failed'],
  [libraryErrors.JwtInvalidIssuerError, 'wrong_issuer'],
  [libraryErrors.JwtInvalidAudienceError, 'wrong_audience'],
  [libraryErrors.JwtInvalidScopeError, 'insufficient_scope'],
  [libraryErrors.JwtExpiredError, 'expired'],
  [libraryErrors.JwtNotBeforeError, 'not_yet_valid'],
  [libraryErrors.CognitoJwtInvalidGroupError, 'missing_group'],
  [libraryErrors.CognitoJwtInvalidTokenUseError, 'wrong_token_use'],
  [libraryErrors.CognitoJwtInvalidClientIdError, 'wrong_audience'],
  [libraryErrors.AlbJwtInvalidSignerError, 'verification_failed'],
  [libraryErrors.AlbJwtInvalidClientIdError, 'verification_failed'],
  [libraryErrors.AlbJwksNotExposedError, 'verification_failed'],
  [libraryErrors.JwksValidationError, 'jwks_unavailable'],
  [libraryErrors.JwkValidationError, 'bad_key'],
  [libraryErrors.JwtWithoutValidKidError, 'unknown_key'],
  [libraryErrors.KidNotFoundInJwksError, 'unknown_key'],
  [libraryErrors.WaitPeriodNotYetEndedJwkError, 'unknown_key'],
  [libraryErrors.JwksNotAvailableInCacheError, 'jwks_unavailable'],
  [libraryErrors.JwkInvalidUseError, 'bad_key'],
  [libraryErrors.JwkInvalidKtyError, 'bad_key'],
  [libraryErrors.FetchError, 'jwks_unavailable'],
  [libraryErrors.NonRetryableFetchError, 'jwks_unavailable'],
  [libraryErrors.NotSupportedError, 'verification_failed'],
];

/** Instantiates any of the library's classes (abstract ones included: they are plain classes at run time). */
function instantiate(errorClass: AnyErrorClass): Error {
  const constructible = errorClass as unknown as new (...args: string[]) => Error;
  return new constructible('message', 'actual', 'expected');
}

const CASES: ReadonlyArray<{ readonly name: string; readonly thrown: unknown; readonly reason: DenyReason }> = [
  ...LIBRARY_CLASS_REASONS.map(([errorClass, reason]) => ({
    name: `aws-jwt-verify ${errorClass.name}`,
    thrown: instantiate(errorClass),
    reason,
  })),
  { name: 'a plain Error (e.g. "Malformed signature")', thrown: new Error('Malformed signature'), reason: 'verification_failed' },
  { name: 'a TypeError (e.g. a broken EC key)', thrown: new TypeError('Invalid key'), reason: 'verification_failed' },
  { name: 'a thrown string', thrown: 'boom', reason: 'verification_failed' },
  { name: 'a thrown number', thrown: 42, reason: 'verification_failed' },
  { name: 'undefined', thrown: undefined, reason: 'verification_failed' },
  { name: 'null', thrown: null, reason: 'verification_failed' },
  { name: 'an object impersonating an error', thrown: { name: 'JwtExpiredError', message: 'expired' }, reason: 'verification_failed' },
  { name: 'a DenyError for missing_claim', thrown: new DenyError('missing_claim', 'exp is required'), reason: 'missing_claim' },
  { name: 'a DenyError for wrong_issuer', thrown: new DenyError('wrong_issuer', 'issuer is not trusted'), reason: 'wrong_issuer' },
  { name: 'a DenyError for bad_algorithm', thrown: new DenyError('bad_algorithm', 'not allowed'), reason: 'bad_algorithm' },
];

describe('reasons', () => {
  it.each(CASES)('classifies $name as $reason', ({ thrown, reason }) => {
    // Act
    const classified = classify(thrown);
    // Assert
    expect(classified).toBe(reason);
  });

  it('has a row for every error class aws-jwt-verify exports', () => {
    // Prepare
    const exported = Object.entries(libraryErrors)
      .filter(([, value]) => typeof value === 'function')
      .map(([name]) => name)
      .sort();
    // Act
    const covered = LIBRARY_CLASS_REASONS.map(([errorClass]) => errorClass.name).sort();
    // Assert
    expect(covered).toEqual(exported);
  });

  it('gives DenyError a literal name that survives minification', () => {
    // Act
    const error = new DenyError('revoked', 'token revoked');
    // Assert
    expect(error.name).toBe('DenyError');
    expect(error.reason).toBe('revoked');
  });

  it.each(DENY_REASONS.map((reason) => ({ reason, forbidden: reason === 'insufficient_scope' })))(
    'treats $reason as forbidden: $forbidden',
    ({ reason, forbidden }) => {
      // Act / Assert
      expect(isForbidden(reason)).toBe(forbidden);
    },
  );
});
