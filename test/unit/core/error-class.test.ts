/**
 * Error class names for logs: aws-jwt-verify's errors leave `name` as "Error".
 */
import { JwksValidationError, KidNotFoundInJwksError } from 'aws-jwt-verify/error';
import { describe, expect, it } from 'vitest';
import { describeError, errorClassName, loggableError, MAX_LOGGED_ERROR_LENGTH } from '../../../lambdas/core/error-class';

describe('error-class', () => {
  it.each([
    { error: new KidNotFoundInJwksError('x'), name: 'KidNotFoundInJwksError' },
    { error: new TypeError('x'), name: 'TypeError' },
    { error: new Error('x'), name: 'Error' },
    { error: Object.assign(new Error('x'), { name: 'ThrottlingException' }), name: 'ThrottlingException' },
    { error: 'a string', name: 'string' },
    { error: undefined, name: 'undefined' },
  ])('names $name', ({ error, name }) => {
    expect(errorClassName(error)).toBe(name);
  });

  it('describes an error as "Class: message"', () => {
    expect(describeError(new JwksValidationError('JWKS empty'))).toBe('JwksValidationError: JWKS empty');
    expect(describeError(42)).toBe('42');
  });

  it('makes an error loggable: token shapes redacted before the text is bounded', () => {
    // Prepare: a token that would straddle the bound if the text were cut first
    const token = `eyJhbGciOiJFUzI1NiJ9.${'eyJzdWIiOiJhbGljZSJ9'.repeat(20)}.c2lnbmF0dXJl`;
    const error = new Error(`${'x'.repeat(MAX_LOGGED_ERROR_LENGTH - 40)} ${token}`);
    // Act
    const logged = loggableError(error);
    // Assert
    expect(logged.length).toBeLessThanOrEqual(MAX_LOGGED_ERROR_LENGTH);
    expect(logged).not.toContain('eyJzdWIi');
    expect(logged.endsWith(' [redacted]')).toBe(true);
  });
});
