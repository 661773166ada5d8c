/**
 * `npm start`: starts the local stack on your configuration (or the sample), records it for the
 * other tools in `.tollbooth/stacks/<name>/running.json`, prints the banner, one line per request
 * and one per configuration reload, and shuts everything down when asked (bin/local/stop-signal.ts).
 *
 * Several stacks can run side by side in one folder (`--stack <name>`, each on its own ports),
 * each keeping its own signing key and revocations across restarts. A name already running, or a
 * port already in use, ends it with one line saying which stack holds it and what to change; a
 * configuration that does not validate ends it with one line per problem.
 */
import { CONFIG_ENV } from '../../lambdas/core/config/environment';
import { CommandError, durationOption, parseCommand, portOption, settingFrom, UsageError, type CommandIo, type Setting } from './args';
import { banner, scopesSection } from './banner';
import { SAMPLE_CONFIG_MODULE, type ConfigSource } from './config-source';
import { LOCAL_REGION } from './local-credentials';
import { LOCAL_DEFAULTS, startLocalStack, StartError, type LocalStack, type ReloadOutcome } from './local-stack';
import { userPath } from './invocation-dir';
import { checkStackName, DEFAULT_STACK_NAME, ensureStackDirectory } from './state-dir';
import { removeStateFile, runningStack, runningStacks, STACK_ENV, stackHoldingPort, stateOfStack, writeStateFile } from './state-file';
import { formatRequest, terminalLogger } from './terminal-log';

export const START_COMMAND = 'npm start';
/** What prints this command's help (`npm start --help` would print npm's own). */
export const START_HELP = 'npm start -- --help';

/** Fixed default ports, so bookmarks and pasted commands keep working across restarts. */
export const DEFAULT_PORTS = { api: 4280, issuer: 4281, dynamodb: 4282 } as const;

const PORT_SETTINGS = {
  api: { flag: 'port', env: 'TOLLBOOTH_PORT', what: 'the HTTP API' },
  issuer: { flag: 'issuer-port', env: 'TOLLBOOTH_ISSUER_PORT', what: 'the dev issuer' },
  dynamodb: { flag: 'dynamodb-port', env: 'TOLLBOOTH_DYNAMODB_PORT', what: 'dynalite' },
} as const;

const HELP = `
Usage: npm start -- [options]

Starts, on 127.0.0.1 in one process: dynalite (DynamoDB in memory, with the revocation table), a dev
OIDC issuer, and a local HTTP API serving your configuration's routes (or the sample's) through the
real authorizer and revocation endpoint. Edits to the configuration apply while it runs.

Configuration:
  --config <file>              your authorizer configuration, a JSON file (docs/configuration.md), with
                               the dev issuer trusted beside its issuers (${CONFIG_ENV.file};
                               default: the sample, lib/sample-config.ts)
  --revocation-cache <s>       how long "not revoked" is cached, 0-3600; replaces the configuration's
                               (TOLLBOOTH_REVOCATION_CACHE_SECONDS; sample default ${LOCAL_DEFAULTS.notRevokedCacheSeconds})
  --authorizer-cache-ttl <s>   API Gateway authorizer result cache TTL, 0-3600 (TOLLBOOTH_AUTHORIZER_CACHE_TTL;
                               default ${LOCAL_DEFAULTS.authorizerCacheTtlSeconds}, or 0 with simple responses, as the construct)

Stacks (each keeps its dev signing key and revocations in .tollbooth/stacks/<name>/):
  --stack <name>               run several side by side, each on its own ports (${STACK_ENV}, default "${DEFAULT_STACK_NAME}")
  --clear-revocations          start with no revocations (default: restore the saved ones)

Ports on 127.0.0.1 (0 = any free port):
  --port <n>                   HTTP API    (TOLLBOOTH_PORT, default ${DEFAULT_PORTS.api})
  --issuer-port <n>            dev issuer  (TOLLBOOTH_ISSUER_PORT, default ${DEFAULT_PORTS.issuer}; tokens name it in "iss")
  --dynamodb-port <n>          dynalite    (TOLLBOOTH_DYNAMODB_PORT, default ${DEFAULT_PORTS.dynamodb})

Other:
  --quiet                      no per-request lines
  --verbose                    stack traces on unexpected errors (or set DEBUG)
  -h, --help                   this help

Real infrastructure, through the same settings as production:
  ${CONFIG_ENV.inline}             the configuration as inline JSON (merged over the file's, not watched)
  ${CONFIG_ENV.revocationTable}   use this table via the AWS SDK (AWS_REGION, credentials,
                               AWS_ENDPOINT_URL_DYNAMODB); no dynalite starts
`;

const OPTIONS = {
  config: { type: 'string' },
  stack: { type: 'string' },
  'clear-revocations': { type: 'boolean' },
  port: { type: 'string' },
  'issuer-port': { type: 'string' },
  'dynamodb-port': { type: 'string' },
  'authorizer-cache-ttl': { type: 'string' },
  'revocation-cache': { type: 'string' },
  quiet: { type: 'boolean' },
} as const;

type Environment = Readonly<Record<string, string | undefined>>;

export interface StartControls {
  /** Resolves with what asked the stack to stop (bin/start.ts: signals, or the parent's exit). */
  readonly stopSignal: Promise<string>;
  /** Milliseconds since the process started, for the "ready in" figure. */
  readonly uptimeMs: () => number;
}

/** Runs `npm start` until `controls.stopSignal` resolves; throws UsageError or CommandError. */
export async function startCommand(
  argv: readonly string[],
  io: CommandIo,
  controls: StartControls,
  env: Environment = process.env,
): Promise<void> {
  const parsed = parseCommand({ name: START_COMMAND, help: HELP, options: OPTIONS }, argv, io.stdout);
  if (!parsed) return;
  const setting = (flag: string, envName: string): Setting | undefined => settingFrom(parsed.values, flag, env, envName);
  const ports = {
    api: portOption(setting(PORT_SETTINGS.api.flag, PORT_SETTINGS.api.env)) ?? DEFAULT_PORTS.api,
    issuer: portOption(setting(PORT_SETTINGS.issuer.flag, PORT_SETTINGS.issuer.env)) ?? DEFAULT_PORTS.issuer,
    dynamodb: portOption(setting(PORT_SETTINGS.dynamodb.flag, PORT_SETTINGS.dynamodb.env)) ?? DEFAULT_PORTS.dynamodb,
  };
  const authorizerCacheTtlSeconds = durationOption(setting('authorizer-cache-ttl', 'TOLLBOOTH_AUTHORIZER_CACHE_TTL'), {
    min: 0,
    max: 3600,
  });
  const notRevokedCacheSeconds = durationOption(setting('revocation-cache', 'TOLLBOOTH_REVOCATION_CACHE_SECONDS'), { min: 0, max: 3600 });
  const stackSetting = setting('stack', STACK_ENV);
  const name = stackSetting ? checkStackName(stackSetting.raw, stackSetting.name) : DEFAULT_STACK_NAME;
  const source = configSource(setting('config', CONFIG_ENV.file), env);
  const quiet = parsed.values['quiet'] === true;
  const print = (line: string): void => io.stdout(`${line}\n`);

  const already = runningStack(name, env);
  if (already) {
    throw new CommandError(
      `the local stack "${name}" is already running (pid ${already.pid}, ${already.apiUrl}): stop it first, or start another beside it with ${suggestion(already.ports.api)}`,
    );
  }
  const stateFolder = ensureStackDirectory(name, env);

  // The watch may report before startLocalStack has returned the stack.
  let started: LocalStack | undefined;
  let stack: LocalStack;
  try {
    stack = await startLocalStack({
      apiPort: ports.api,
      issuerPort: ports.issuer,
      dynamoDbPort: ports.dynamodb,
      ...(authorizerCacheTtlSeconds !== undefined ? { authorizerCacheTtlSeconds } : {}),
      ...(notRevokedCacheSeconds !== undefined ? { notRevokedCacheSeconds } : {}),
      config: source,
      watch: true,
      stateFolder,
      clearRevocations: parsed.values['clear-revocations'] === true,
      onReload: (outcome) => {
        if (!started) return;
        reported(outcome, started, print);
        if (outcome.status === 'applied') writeStateFile(stateOfStack(name, started, regionOf(started, env)), env);
      },
      env,
      ...(quiet ? {} : { logger: terminalLogger(print), onRequest: (log) => print(formatRequest(log)) }),
    });
  } catch (error) {
    if (!(error instanceof StartError)) throw error;
    if (error.component === 'config') throw new CommandError(`cannot start: ${error.message}`, error.problems);
    const component = PORT_SETTINGS[error.component];
    const port = ports[error.component];
    const holder = port === 0 ? undefined : stackHoldingPort(port, env);
    throw new CommandError(
      holder
        ? `${component.what} cannot start: ${error.message} by the local stack "${holder.name}" (pid ${holder.pid}): stop it, or give this one other ports: ${suggestion(holder.ports.api, name === holder.name ? undefined : name)}`
        : `${component.what} cannot start: ${error.message} (choose another port with --${component.flag} or ${component.env})`,
    );
  }

  started = stack;
  writeStateFile(stateOfStack(name, stack, regionOf(stack, env)), env);
  const besideOthers = runningStacks(env).some((other) => other.name !== name);
  io.stdout(`${banner(stack, name, controls.uptimeMs(), besideOthers)}\n`);

  const reason = await controls.stopSignal;
  print(`\n${reason}: stopping…`);
  removeStateFile(name, process.pid, env);
  await stack.close();
  print('stopped.');
}

/** `--config` (or `TOLLBOOTH_CONFIG_FILE`) and `TOLLBOOTH_CONFIG`; the sample when neither is set. */
function configSource(file: Setting | undefined, env: Environment): ConfigSource {
  const inline = env[CONFIG_ENV.inline]?.trim() || undefined;
  if (!file && !inline) return { kind: 'sample', modulePath: SAMPLE_CONFIG_MODULE };
  if (file?.raw.startsWith('{')) {
    throw new UsageError(`${file.name} takes a file name; for inline JSON, set ${CONFIG_ENV.inline}`);
  }
  return { kind: 'document', file: file ? { path: userPath(file.raw, env), setting: file.name } : undefined, inline };
}

/** A command that starts a second stack beside one whose API listens on `busyApiPort`. */
function suggestion(busyApiPort: number, name = 'other'): string {
  const base = busyApiPort + 10;
  return `npm start -- --stack ${name} --port ${base} --issuer-port ${base + 1} --dynamodb-port ${base + 2}`;
}

function regionOf(stack: LocalStack, env: Environment): string | null {
  return stack.revocationTable?.embedded === false ? (env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'] ?? null) : LOCAL_REGION;
}

/** What the terminal shows after the configuration changed on disk. */
function reported(outcome: ReloadOutcome, stack: LocalStack, print: (line: string) => void): void {
  if (outcome.status === 'unchanged') return;
  if (outcome.status === 'rejected') {
    print(
      `! ${stack.configSource} changed but is not valid; the previous configuration keeps running (${outcome.problems.length} problem${outcome.problems.length === 1 ? '' : 's'}):`,
    );
    for (const problem of outcome.problems) print(`!   - ${problem}`);
    return;
  }
  print(`${stack.configSource} changed: reloaded, API Gateway's authorizer cache emptied (${outcome.changes.join('; ')})`);
  print(scopesSection(stack));
}
