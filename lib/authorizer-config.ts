/**
 * Turns the construct's typed settings into the authorizer's JSON configuration, split by when
 * each value is known:
 *
 * - everything known at synth time goes into `tollbooth.config.json`, written beside the bundle
 *   (Lambda's environment is limited to 4 KB in total; a scope → routes map outgrows that);
 * - top-level keys holding deploy-time values (CloudFormation tokens, such as the id of a user
 *   pool created in the same stack) go into the `TOLLBOOTH_CONFIG` environment variable, which
 *   the authorizer merges over the file key by key;
 * - the table name travels alone in `TOLLBOOTH_REVOCATION_TABLE`.
 *
 * The merged result is validated here with the authorizer's own `parseConfig` (deploy-time
 * values replaced by well-formed stand-ins), so a bad configuration fails `cdk synth` with every
 * problem named instead of failing the first cold start after a deployment. `npm run invoke`
 * builds its local configuration through the same function.
 */
import { Token } from 'aws-cdk-lib';
import {
  ConfigError,
  parseConfig,
  type AuthorizerConfig,
  type HttpApiResponseMode,
  type ResultsCacheConfig,
} from '../lambdas/core/config/config';
import type { TrustedIssuer } from './trusted-issuer';

/** What the configuration is built from. */
export interface AuthorizerConfigInput {
  readonly issuers: readonly TrustedIssuer[];
  /** Scope → route patterns. */
  readonly scopeRoutes: Readonly<Record<string, readonly string[]>>;
  readonly httpApiResponseMode: HttpApiResponseMode;
  /** How API Gateway caches each kind of authorizer's answers, as the construct configures it; absent: by the token alone. */
  readonly resultsCache?: ResultsCacheConfig;
  /** `undefined` when revocation is off. */
  readonly notRevokedCacheSeconds: number | undefined;
  /**
   * The revocation horizon (`revocation.maxTokenLifetimeSeconds`), read by the function and the
   * revocation endpoint alike from the one file; ignored when revocation is off.
   * @default - the configuration's default (one day)
   */
  readonly maxTokenLifetimeSeconds?: number;
  /** Any other top-level settings of the authorizer's configuration. */
  readonly advanced: Readonly<Record<string, unknown>>;
}

/** The configuration, split by where it travels. */
export interface AuthorizerConfigParts {
  /** Written to `tollbooth.config.json` in the bundle. */
  readonly file: Readonly<Record<string, unknown>>;
  /** Top-level keys with deploy-time values, for `TOLLBOOTH_CONFIG`; empty when there are none. */
  readonly deployTime: Readonly<Record<string, unknown>>;
  /** The validated configuration (with stand-ins for deploy-time values). */
  readonly validated: AuthorizerConfig;
}

/** Keys the construct sets from its typed properties; `advancedConfig` must not repeat them. */
const TYPED_KEYS: Readonly<Record<string, string>> = {
  issuers: 'issuers',
  routes: 'scopeRoutes',
  httpApiResponseMode: 'httpApiResponseMode',
  resultsCache: 'resultsCacheTtl and cacheByRoute',
};
const TYPED_REVOCATION_KEYS: Readonly<Record<string, string>> = {
  enabled: 'revocation',
  tableName: 'revocationTable',
  notRevokedCacheSeconds: 'notRevokedCacheDuration',
  maxTokenLifetimeSeconds: 'maxTokenLifetime',
};

/** A table name that passes validation while the real one is a deploy-time token. */
const TABLE_NAME_STAND_IN = 'tollbooth-revocations';

/** Builds and validates the configuration; throws {@link ConfigError} naming every problem. */
export function buildAuthorizerConfig(input: AuthorizerConfigInput): AuthorizerConfigParts {
  const problems: string[] = [];
  for (const [key, prop] of Object.entries(TYPED_KEYS)) {
    if (key in input.advanced) problems.push(`advancedConfig.${key}: set it with the "${prop}" property instead`);
  }
  const advancedRevocation = input.advanced['revocation'];
  const revocationExtras =
    typeof advancedRevocation === 'object' && advancedRevocation !== null ? (advancedRevocation as Record<string, unknown>) : {};
  for (const [key, prop] of Object.entries(TYPED_REVOCATION_KEYS)) {
    if (key in revocationExtras) problems.push(`advancedConfig.revocation.${key}: set it with the "${prop}" property instead`);
  }
  if (Token.isUnresolved(JSON.stringify(input.scopeRoutes)) || Token.isUnresolved(JSON.stringify(input.advanced))) {
    problems.push('scopeRoutes and advancedConfig must be known at synth time (no CloudFormation tokens)');
  }

  const revocation =
    input.notRevokedCacheSeconds === undefined
      ? { enabled: false }
      : {
          ...revocationExtras,
          enabled: true,
          notRevokedCacheSeconds: input.notRevokedCacheSeconds,
          ...(input.maxTokenLifetimeSeconds === undefined ? {} : { maxTokenLifetimeSeconds: input.maxTokenLifetimeSeconds }),
        };
  const file: Record<string, unknown> = {
    ...input.advanced,
    routes: input.scopeRoutes,
    httpApiResponseMode: input.httpApiResponseMode,
    ...(input.resultsCache ? { resultsCache: input.resultsCache } : {}),
    revocation,
  };
  const deployTime: Record<string, unknown> = {};
  const issuers = input.issuers.map((issuer) => issuer.toJson());
  if (input.issuers.some((issuer) => issuer.hasDeployTimeValues)) deployTime['issuers'] = issuers;
  else file['issuers'] = issuers;

  const standIn = {
    ...file,
    issuers: input.issuers.map((issuer) => issuer.toSynthTimeStandIn()),
    revocation: revocation.enabled ? { ...revocation, tableName: TABLE_NAME_STAND_IN } : revocation,
  };
  let validated: AuthorizerConfig | undefined;
  try {
    validated = parseConfig(standIn);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  if (!validated || problems.length > 0) throw new ConfigError(problems);
  return { file, deployTime, validated };
}
