/**
 * `npm start`: starts the local stack, records it in `.tollbooth/local.json` for the other tools,
 * prints the banner and one line per request, and shuts everything down on Ctrl-C (SIGINT) or
 * SIGTERM. A port already in use ends it with one line naming the port and the flag to change.
 */
import { durationOption, parseCommand, portOption, stringOption, type CommandIo } from './args';
import { banner } from './banner';
import { LOCAL_REGION } from './local-credentials';
import { LOCAL_DEFAULTS, startLocalStack, StartError, type LocalStack } from './local-stack';
import { removeStateFile, stateOfStack, writeStateFile } from './state-file';
import { formatRequest, terminalLogger } from './terminal-log';

export const START_COMMAND = 'npm start';

/** Fixed default ports, so bookmarks and pasted commands keep working across restarts. */
export const DEFAULT_PORTS = { api: 4280, issuer: 4281, dynamodb: 4282 } as const;

const PORT_SETTINGS = {
  api: { flag: '--port', env: 'TOLLBOOTH_PORT', what: 'the HTTP API' },
  issuer: { flag: '--issuer-port', env: 'TOLLBOOTH_ISSUER_PORT', what: 'the dev issuer' },
  dynamodb: { flag: '--dynamodb-port', env: 'TOLLBOOTH_DYNAMODB_PORT', what: 'dynalite' },
} as const;

const HELP = `
Usage: npm start -- [options]

Starts, on 127.0.0.1 in one process: dynalite (DynamoDB in memory, with the revocation table), a dev
OIDC issuer, and a local HTTP API running the real authorizer and revocation endpoint.

Options (each also readable from the environment):
  --port <n>                   HTTP API port            (TOLLBOOTH_PORT, default ${DEFAULT_PORTS.api}; 0 = any free port)
  --issuer-port <n>            dev issuer port          (TOLLBOOTH_ISSUER_PORT, default ${DEFAULT_PORTS.issuer})
  --dynamodb-port <n>          dynalite port            (TOLLBOOTH_DYNAMODB_PORT, default ${DEFAULT_PORTS.dynamodb})
  --authorizer-cache-ttl <s>   API Gateway authorizer result cache TTL, 0-3600
                               (TOLLBOOTH_AUTHORIZER_CACHE_TTL, default ${LOCAL_DEFAULTS.authorizerCacheTtlSeconds})
  --revocation-cache <s>       how long "not revoked" is cached, 0-3600, dev configuration only
                               (TOLLBOOTH_REVOCATION_CACHE_SECONDS, default ${LOCAL_DEFAULTS.notRevokedCacheSeconds})
  --quiet                      no per-request lines
  -h, --help                   this help

Real infrastructure, through the same settings as production:
  TOLLBOOTH_CONFIG / TOLLBOOTH_CONFIG_FILE   use this configuration (your IdP); no dev issuer starts
  TOLLBOOTH_REVOCATION_TABLE                 use this table via the AWS SDK (AWS_REGION, credentials,
                                             AWS_ENDPOINT_URL_DYNAMODB); no dynalite starts
`;

const OPTIONS = {
  port: { type: 'string' },
  'issuer-port': { type: 'string' },
  'dynamodb-port': { type: 'string' },
  'authorizer-cache-ttl': { type: 'string' },
  'revocation-cache': { type: 'string' },
  quiet: { type: 'boolean' },
} as const;

type Environment = Readonly<Record<string, string | undefined>>;

export interface StartControls {
  /** Resolves when the stack should stop (the command wires SIGINT/SIGTERM). */
  readonly stopSignal: Promise<string>;
  /** Milliseconds since the process started, for the "ready in" figure. */
  readonly uptimeMs: () => number;
}

/** Runs `npm start` until `controls.stopSignal` resolves; throws UsageError on bad options. */
export async function startCommand(
  argv: readonly string[],
  io: CommandIo,
  controls: StartControls,
  env: Environment = process.env,
): Promise<void> {
  const parsed = parseCommand({ name: START_COMMAND, help: HELP, options: OPTIONS }, argv, io.stdout);
  if (!parsed) return;
  const setting = (flag: string, envName: string): string | undefined =>
    stringOption(parsed.values, flag) ?? (env[envName]?.trim() || undefined);
  const port = (component: keyof typeof PORT_SETTINGS): number => {
    const { flag, env: envName } = PORT_SETTINGS[component];
    return portOption(setting(flag.slice(2), envName), `${flag} / ${envName}`) ?? DEFAULT_PORTS[component];
  };
  const options = {
    apiPort: port('api'),
    issuerPort: port('issuer'),
    dynamoDbPort: port('dynamodb'),
    authorizerCacheTtlSeconds:
      durationOption(setting('authorizer-cache-ttl', 'TOLLBOOTH_AUTHORIZER_CACHE_TTL'), '--authorizer-cache-ttl', { min: 0, max: 3600 }) ??
      LOCAL_DEFAULTS.authorizerCacheTtlSeconds,
    notRevokedCacheSeconds:
      durationOption(setting('revocation-cache', 'TOLLBOOTH_REVOCATION_CACHE_SECONDS'), '--revocation-cache', { min: 0, max: 3600 }) ??
      LOCAL_DEFAULTS.notRevokedCacheSeconds,
  };
  const quiet = parsed.values['quiet'] === true;
  const print = (line: string): void => io.stdout(`${line}\n`);

  let stack: LocalStack;
  try {
    stack = await startLocalStack({
      ...options,
      env,
      ...(quiet ? {} : { logger: terminalLogger(print), onRequest: (log) => print(formatRequest(log)) }),
    });
  } catch (error) {
    if (!(error instanceof StartError)) throw error;
    if (error.component === 'config') throw new Error(`cannot start: ${error.message.replace(/\n/g, ' ')}`);
    const { flag, env: envName, what } = PORT_SETTINGS[error.component];
    throw new Error(`${what} cannot start: ${error.message} (choose another port with ${flag} or ${envName})`);
  }

  const table = stack.revocationTable;
  writeStateFile(stateOfStack(stack, table?.embedded ? LOCAL_REGION : (env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'] ?? null)), env);
  io.stdout(`${banner(stack, controls.uptimeMs())}\n`);

  const signal = await controls.stopSignal;
  print(`\n${signal}: stopping…`);
  removeStateFile(process.pid, env);
  await stack.close();
  print('stopped.');
}
