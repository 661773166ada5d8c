/**
 * The revocation endpoint's configuration: the authorizer's own document (so a token presented for
 * revocation is verified against exactly the issuers, audiences and algorithms the authorizer
 * trusts), the table it writes, and the scope an admin token must carry.
 *
 * The Lambda reads the same sources as the authorizer (`TOLLBOOTH_CONFIG_FILE`,
 * `TOLLBOOTH_CONFIG`, `TOLLBOOTH_REVOCATION_TABLE`) plus `TOLLBOOTH_ADMIN_SCOPE`; a bad
 * configuration fails the cold start with every problem named, as the authorizer's does.
 */
import type { AuthorizerConfig } from '../core/config/authorizer-config';
import { ConfigError } from '../core/config/config-error';
import { loadConfigFromEnvironment } from '../core/config/environment';
import { Problems } from '../core/problems';
import { isScopeToken } from '../core/scope-tokens';
import { DEFAULT_MAX_TOKEN_LIFETIME_SECONDS } from '../core/revocation-writer';

/** Environment variables the revoke function reads beyond the authorizer's (`CONFIG_ENV`). */
export const REVOKE_ENV = {
  adminScope: 'TOLLBOOTH_ADMIN_SCOPE',
} as const;

/** The scope the sample stack grants `POST /revocations` to (lib/sample-config.ts uses the same). */
export const DEFAULT_ADMIN_SCOPE = 'tollbooth:admin';

/** The Powertools service name of the revoke function's log lines (lib/revoke-function.ts repeats it as `REVOKE_SERVICE_NAME`). */
export const DEFAULT_REVOKE_SERVICE_NAME = 'tollbooth-revoke';

export interface RevokeConfig {
  /** Trusted issuers and verification rules, shared with the authorizer. */
  readonly authorizer: AuthorizerConfig;
  /** The revocation table this function writes. */
  readonly tableName: string;
  /** The caller's token must carry this scope (checked again here, behind the authorizer). */
  readonly adminScope: string;
  /** How long a jti revoked without its `exp`, and subject items, are kept. */
  readonly maxTokenLifetimeSeconds: number;
}

export interface RevokeConfigOptions {
  readonly adminScope?: string;
  readonly maxTokenLifetimeSeconds?: number;
}

/** Builds the revoke configuration from a parsed authorizer configuration; throws {@link ConfigError}. */
export function revokeConfigFrom(authorizer: AuthorizerConfig, options: RevokeConfigOptions = {}): RevokeConfig {
  const problems = new Problems();
  problems.addAll(optionProblems(options));
  if (!authorizer.revocation.enabled) {
    problems.add('', 'revocation.enabled is false: the revocation endpoint needs the table (set TOLLBOOTH_REVOCATION_TABLE)');
  }
  if (!problems.isEmpty || !authorizer.revocation.enabled) throw new ConfigError(problems.list);
  return {
    authorizer,
    tableName: authorizer.revocation.tableName,
    adminScope: options.adminScope ?? DEFAULT_ADMIN_SCOPE,
    maxTokenLifetimeSeconds: options.maxTokenLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS,
  };
}

/** What is wrong with the endpoint's own settings, whatever the authorizer's document says. */
function optionProblems(options: RevokeConfigOptions): string[] {
  const problems = new Problems();
  const adminScope = options.adminScope ?? DEFAULT_ADMIN_SCOPE;
  if (!isScopeToken(adminScope))
    problems.add(REVOKE_ENV.adminScope, `"${adminScope}" is not a scope name (an RFC 6749 scope token: printable ASCII, no spaces)`);
  const maxTokenLifetimeSeconds = options.maxTokenLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS;
  if (!Number.isInteger(maxTokenLifetimeSeconds) || maxTokenLifetimeSeconds < 60)
    problems.add('', 'maxTokenLifetimeSeconds must be a whole number of seconds, at least 60');
  return problems.list;
}

type Environment = Readonly<Record<string, string | undefined>>;

/** Reads the configuration the way the Lambda does; throws {@link ConfigError} naming every problem. */
export function loadRevokeConfigFromEnvironment(env: Environment = process.env): RevokeConfig {
  const adminScope = env[REVOKE_ENV.adminScope];
  const options = adminScope === undefined ? {} : { adminScope };
  let authorizer: AuthorizerConfig;
  try {
    authorizer = loadConfigFromEnvironment(env);
  } catch (error) {
    // A bad document must not hide a bad TOLLBOOTH_ADMIN_SCOPE: one deployment, one list.
    if (error instanceof ConfigError) throw new ConfigError([...error.problems, ...optionProblems(options)]);
    throw error;
  }
  return revokeConfigFrom(authorizer, options);
}
