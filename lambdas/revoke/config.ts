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
import { REVOCATION_SETTINGS } from '../core/config/defaults';

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
  /**
   * How long a jti revoked without its `exp`, and subject and session items, are kept: the
   * authorizer's revocation horizon (`revocation.maxTokenLifetimeSeconds`) unless set longer.
   */
  readonly maxTokenLifetimeSeconds: number;
}

export interface RevokeConfigOptions {
  readonly adminScope?: string;
  /**
   * Keep rows longer than the document's `revocation.maxTokenLifetimeSeconds`; never shorter (a row
   * that expires before the authorizer's horizon lets a revoked token work again).
   * @default - the document's `revocation.maxTokenLifetimeSeconds`
   */
  readonly maxTokenLifetimeSeconds?: number;
}

/** Builds the revoke configuration from a parsed authorizer configuration; throws {@link ConfigError}. */
export function revokeConfigFrom(authorizer: AuthorizerConfig, options: RevokeConfigOptions = {}): RevokeConfig {
  const problems = new Problems();
  problems.addAll(optionProblems(options));
  const revocation = authorizer.revocation;
  if (!revocation.enabled) {
    problems.add('', 'revocation.enabled is false: the revocation endpoint needs the table (set TOLLBOOTH_REVOCATION_TABLE)');
  } else if (isLifetime(options.maxTokenLifetimeSeconds) && options.maxTokenLifetimeSeconds < revocation.maxTokenLifetimeSeconds) {
    problems.add(
      '',
      `maxTokenLifetimeSeconds (${options.maxTokenLifetimeSeconds}) is shorter than the authorizer's revocation.maxTokenLifetimeSeconds (${revocation.maxTokenLifetimeSeconds}): a revoked token would work again once its row expired`,
    );
  }
  if (!problems.isEmpty || !revocation.enabled) throw new ConfigError(problems.list);
  return {
    authorizer,
    tableName: revocation.tableName,
    adminScope: options.adminScope ?? DEFAULT_ADMIN_SCOPE,
    maxTokenLifetimeSeconds: options.maxTokenLifetimeSeconds ?? revocation.maxTokenLifetimeSeconds,
  };
}

/** What is wrong with the endpoint's own settings, whatever the authorizer's document says. */
function optionProblems(options: RevokeConfigOptions): string[] {
  const problems = new Problems();
  const adminScope = options.adminScope ?? DEFAULT_ADMIN_SCOPE;
  if (!isScopeToken(adminScope))
    problems.add(REVOKE_ENV.adminScope, `"${adminScope}" is not a scope name (an RFC 6749 scope token: printable ASCII, no spaces)`);
  const { min, max } = REVOCATION_SETTINGS.maxTokenLifetimeSeconds;
  if (options.maxTokenLifetimeSeconds !== undefined && !isLifetime(options.maxTokenLifetimeSeconds))
    problems.add('', `maxTokenLifetimeSeconds must be a whole number of seconds from ${min} to ${max}`);
  return problems.list;
}

/** A whole number of seconds within the bounds `revocation.maxTokenLifetimeSeconds` has in the document. */
function isLifetime(value: number | undefined): value is number {
  const { min, max } = REVOCATION_SETTINGS.maxTokenLifetimeSeconds;
  return value !== undefined && Number.isInteger(value) && value >= min && value <= max;
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
