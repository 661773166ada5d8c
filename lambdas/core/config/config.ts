/**
 * The configuration's public face for code outside `lambdas/` (the CDK construct, the local
 * tools, programs embedding the handler): the typed configuration, its parser and its error, from
 * one path. Re-exports only; inside `lambdas/`, import the module that owns each name, so the
 * parser and the modules it uses never import each other.
 */
export type {
  AuthorizerConfig,
  ClaimMapping,
  CognitoIssuerConfig,
  HttpApiResponseMode,
  IssuerConfig,
  JwksConfig,
  KeySource,
  OidcIssuerConfig,
  ProviderPreset,
  ResultsCacheConfig,
  ResultsCacheKey,
  RevocationConfig,
  SignatureAlgorithm,
  TokenConfig,
  VerificationConfig,
  VerifiedTokenCacheConfig,
} from './authorizer-config';
export { PROVIDER_PRESETS, SUPPORTED_ALGORITHMS } from './authorizer-config';
export { ConfigError } from './config-error';
export { parseConfig } from './parse-config';
