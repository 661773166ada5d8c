/**
 * What API Gateway documents it accepts from a Lambda authorizer, in one place: every response
 * Tollbooth builds stays inside these, and configuration that could not is refused at cold start
 * and at synth.
 *
 * Sources (docs.aws.amazon.com, API Gateway developer guide): "Output from an API Gateway Lambda
 * authorizer" — the method ARN is limited to 1,600 bytes (longer requests get 414 before any
 * authorizer runs), a policy `Resource` "is currently limited to 512 characters long", `context`
 * values are strings, numbers or booleans ("you cannot set a JSON object or array as a valid
 * value"); the Lambda quotas — a synchronous response is at most 6 MB. No smaller limit on the
 * policy document is documented for REST or HTTP APIs (8 KB is WebSocket APIs' authorizer result).
 */

/** Longest method or route ARN API Gateway sends, in bytes. */
export const METHOD_ARN_MAX_BYTES = 1600;

/** Longest `Resource` of a policy statement API Gateway accepts from an authorizer, in characters. */
export const POLICY_RESOURCE_MAX_LENGTH = 512;

/** Largest authorizer response (Lambda's synchronous response limit), in bytes. */
export const RESPONSE_MAX_BYTES = 6 * 1024 * 1024;

/**
 * The longest `arn:…:<apiId>/<stage>/` a real API can have: the longest partition
 * (`aws-iso-b`, `aws-us-gov`: 10) and region name (`us-isob-east-1`, `ap-southeast-5`: 14, with
 * room for longer), a 12-digit account, a 10-character API id and a 128-character stage. A
 * pattern is only accepted if its glob fits behind this prefix.
 */
export const LONGEST_STAGE_ARN_PREFIX =
  `arn:${'p'.repeat(10)}:execute-api:${'r'.repeat(20)}:${'0'.repeat(12)}:${'a'.repeat(10)}/${'s'.repeat(128)}/`.length;
