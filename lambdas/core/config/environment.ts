/**
 * Where the Lambda's configuration comes from. Environment variables are limited to 4 KB in
 * total, and a scope → routes map outgrows that quickly, so the configuration can also be a JSON
 * file shipped inside the deployment package (the CDK construct writes one beside the bundle).
 *
 * Sources, later ones overriding earlier ones key by key at the top level:
 * 1. the file named by `TOLLBOOTH_CONFIG_FILE`, else `tollbooth.config.json` in `LAMBDA_TASK_ROOT`
 *    (or the working directory) when it exists;
 * 2. `TOLLBOOTH_CONFIG`: the configuration as inline JSON;
 * 3. `TOLLBOOTH_REVOCATION_TABLE`: the table name (a deploy-time value the file cannot know).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuthorizerConfig } from './authorizer-config';
import { ConfigError } from './config-error';
import { parseConfig } from './parse-config';
import { isRecord } from '../guards';
import { Problems } from '../problems';

/** Every environment variable the authorizer reads (the CDK construct declares each one). */
export const CONFIG_ENV = {
  file: 'TOLLBOOTH_CONFIG_FILE',
  inline: 'TOLLBOOTH_CONFIG',
  revocationTable: 'TOLLBOOTH_REVOCATION_TABLE',
} as const;

export const DEFAULT_CONFIG_FILE_NAME = 'tollbooth.config.json';

type Environment = Readonly<Record<string, string | undefined>>;

export interface ConfigSourceIo {
  readonly exists: (path: string) => boolean;
  readonly readText: (path: string) => string;
}

const nodeIo: ConfigSourceIo = { exists: existsSync, readText: (path) => readFileSync(path, 'utf8') };

/** Reads, merges and validates the configuration; throws {@link ConfigError} naming every problem. */
export function loadConfigFromEnvironment(env: Environment = process.env, io: ConfigSourceIo = nodeIo): AuthorizerConfig {
  const problems = new Problems();
  let merged: Record<string, unknown> = {};

  const explicitFile = env[CONFIG_ENV.file];
  const defaultFile = join(env['LAMBDA_TASK_ROOT'] ?? process.cwd(), DEFAULT_CONFIG_FILE_NAME);
  const file = explicitFile || (io.exists(defaultFile) ? defaultFile : undefined);
  if (file) {
    const fromFile = parseJsonObject(() => io.readText(file), `${CONFIG_ENV.file} (${file})`, problems);
    merged = { ...merged, ...fromFile };
  }
  const inline = env[CONFIG_ENV.inline];
  if (inline) merged = { ...merged, ...parseJsonObject(() => inline, CONFIG_ENV.inline, problems) };
  if (!file && !inline) {
    problems.add(
      '',
      `no configuration: set ${CONFIG_ENV.inline} to JSON, or ${CONFIG_ENV.file} to a JSON file, or ship ${DEFAULT_CONFIG_FILE_NAME} beside the handler`,
    );
  }

  const table = env[CONFIG_ENV.revocationTable];
  if (table) {
    const revocation = typeof merged['revocation'] === 'object' && merged['revocation'] !== null ? merged['revocation'] : {};
    merged = { ...merged, revocation: { ...revocation, tableName: table } };
  }

  let config: AuthorizerConfig | undefined;
  try {
    config = parseConfig(merged);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // With no source at all, "issuers is required" and the like would only repeat the first problem.
    if (file || inline) problems.addAll(error.problems);
  }
  if (!config || !problems.isEmpty) throw new ConfigError(problems.list);
  return config;
}

function parseJsonObject(read: () => string, source: string, problems: Problems): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(read());
  } catch (error) {
    problems.add(source, `not readable JSON (${error instanceof Error ? error.message : String(error)})`);
    return {};
  }
  if (!isRecord(parsed)) {
    problems.add(source, 'must hold a JSON object');
    return {};
  }
  return parsed;
}
