/**
 * `token`: mints a token from the RUNNING local stack's dev issuer over HTTP (`POST /token`), so
 * the token is signed by the key the stack's authorizer trusts, and prints only the token — so
 * `TOKEN=$(npm run -s token -- --scope orders:read)` works. Notes go to stderr.
 *
 * Without `-s`, npm prints its script banner on the same stdout, and `$TOKEN` would hold the banner
 * and the token — which curl then sends as a header broken over several lines. npm says which
 * script it runs (`npm_lifecycle_event`) and whether it is silent (`npm_config_loglevel`), so that
 * case is refused with a line saying how to run it, whenever the output is not a terminal.
 *
 * The issuer is found through the running stack's record (`.tollbooth/stacks/<name>/running.json`,
 * written by `npm start`; `--stack` chooses among several), or given with `--issuer` /
 * `TOLLBOOTH_ISSUER_URL`.
 */
import {
  CommandError,
  durationOption,
  parseCommand,
  settingFrom,
  stringListOption,
  stringOption,
  UsageError,
  type CommandIo,
  type Setting,
} from './args';
import { chooseRunningStack, STACK_ENV } from './state-file';

export const TOKEN_COMMAND = 'tollbooth-token';

const HELP = `
Usage: npm run -s token -- [options]        (or: npx ${TOKEN_COMMAND} [options])

Mints a token from the running local stack's dev issuer (npm start) and prints just the token:
  TOKEN=$(npm run -s token -- --sub alice --scope orders:read)
(the -s keeps npm's own banner out of $TOKEN)

Options:
  --sub <id>         subject (default: dev-user)
  --scope <scopes>   scopes, space-delimited or repeated: --scope "orders:read orders:write",
                     or --scope orders:read --scope orders:write (default: none)
  --ttl <duration>   lifetime in seconds, or 90s, 15m, 1h (default: 1h, at most 24h)
  --jti <id>         token id (default: a random UUID)
  --stack <name|port>  which running stack, when several are (${STACK_ENV}; default: the only one)
  --issuer <url>     the dev issuer (default: TOLLBOOTH_ISSUER_URL, else the running stack's)
  --verbose          stack traces on unexpected errors
  -h, --help         this help

Exit codes: 0 printed a token, 1 the issuer could not be reached or refused, 2 bad arguments.
`;

const OPTIONS = {
  sub: { type: 'string' },
  scope: { type: 'string', multiple: true },
  ttl: { type: 'string' },
  jti: { type: 'string' },
  stack: { type: 'string' },
  issuer: { type: 'string' },
} as const;

const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

type Environment = Readonly<Record<string, string | undefined>>;

/** Runs `token` with these arguments; throws UsageError or CommandError (see args.ts). */
export async function tokenCommand(argv: readonly string[], io: CommandIo, env: Environment = process.env): Promise<void> {
  const parsed = parseCommand({ name: TOKEN_COMMAND, help: HELP, options: OPTIONS }, argv, io.stdout);
  if (!parsed) return;
  const sub = printable(stringOption(parsed.values, 'sub'), '--sub');
  const scopes = [...new Set(stringListOption(parsed.values, 'scope').flatMap((value) => value.split(/\s+/)))];
  const badScope = scopes.find((name) => !SCOPE_TOKEN.test(name));
  if (badScope !== undefined) {
    throw new UsageError(
      `--scope: "${badScope}" is not a scope name (RFC 6749 §3.3: printable, no quotes or backslashes), e.g. orders:read`,
    );
  }
  const scope = scopes.length > 0 ? scopes.join(' ') : undefined;
  const expiresIn = durationOption(settingFrom(parsed.values, 'ttl'), { min: 1, max: 86_400 });
  const jti = printable(stringOption(parsed.values, 'jti'), '--jti');
  refuseCapturedNpmBanner(env, io);
  const issuer = issuerUrl(
    settingFrom(parsed.values, 'issuer', env, 'TOLLBOOTH_ISSUER_URL'),
    settingFrom(parsed.values, 'stack', env, STACK_ENV),
    env,
  );

  let response: Response;
  try {
    response = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sub, scope, expiresIn, jti }),
      signal: AbortSignal.timeout(5000),
    });
  } catch {
    throw new CommandError(`cannot reach the dev issuer at ${issuer}: is npm start running?`);
  }
  const body = (await response.json().catch(() => ({}))) as { access_token?: unknown; error_description?: unknown };
  if (!response.ok || typeof body.access_token !== 'string') {
    throw new CommandError(
      `the dev issuer at ${issuer} refused: ${typeof body.error_description === 'string' ? body.error_description : `HTTP ${response.status}`}`,
    );
  }
  io.stdout(`${body.access_token}\n`);
}

/**
 * npm writes `> tollbooth@… token` and the script's command line to stdout before running it,
 * unless silent. Into a terminal that is harmless; captured, it is no longer a token.
 */
function refuseCapturedNpmBanner(env: Environment, io: CommandIo): void {
  if (env['npm_lifecycle_event'] !== 'token' || env['npm_config_loglevel'] === 'silent' || io.isTerminal?.() !== false) return;
  throw new UsageError(
    'npm printed its own banner on the output you are capturing, so it would not hold just the token: run npm run -s token -- … (the -s keeps npm quiet), or npx tollbooth-token …',
  );
}

function issuerUrl(explicit: Setting | undefined, stack: Setting | undefined, env: Environment): string {
  if (explicit !== undefined) {
    let url: URL;
    try {
      url = new URL(explicit.raw);
    } catch {
      throw new UsageError(`${explicit.name} must be a URL like http://127.0.0.1:4281, got "${explicit.raw}"`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new UsageError(`${explicit.name} must be an http(s) URL, got "${explicit.raw}"`);
    return url.origin;
  }
  const state = chooseRunningStack(stack, env, ', or pass --issuer');
  if (state.issuerUrl === null)
    throw new CommandError(`the local stack "${state.name}" runs no dev issuer: get a token from your identity provider`);
  return state.issuerUrl;
}

function isControlCharacter(char: string): boolean {
  const code = char.charCodeAt(0);
  return code < 0x20 || code === 0x7f;
}

/** Ids travel in JSON and logs: refuse control characters rather than mint something unreadable. */
function printable(value: string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  if ([...value].some(isControlCharacter) || value.length > 256) throw new UsageError(`${name} must be at most 256 printable characters`);
  return value;
}
