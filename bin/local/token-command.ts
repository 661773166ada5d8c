/**
 * `token`: mints a token from the RUNNING local stack's dev issuer over HTTP (`POST /token`), so
 * the token is signed by the key the stack's authorizer trusts, and prints only the token — so
 * `TOKEN=$(npm run -s token -- --scope orders:read)` works. Notes go to stderr.
 *
 * The issuer is found through `.tollbooth/local.json` (written by `npm start`), or given with
 * `--issuer` / `TOLLBOOTH_ISSUER_URL`.
 */
import { CommandError, durationOption, parseCommand, stringOption, UsageError, type CommandIo } from './args';
import { readRunningStack, stateFilePath } from './state-file';

export const TOKEN_COMMAND = 'tollbooth-token';

const HELP = `
Usage: npm run -s token -- [options]        (or: npx ${TOKEN_COMMAND} [options])

Mints a token from the running local stack's dev issuer (npm start) and prints just the token:
  TOKEN=$(npm run -s token -- --sub alice --scope orders:read)

Options:
  --sub <id>         subject (default: dev-user)
  --scope <scopes>   space-delimited scopes, e.g. "orders:read orders:write" (default: none)
  --ttl <duration>   lifetime: 600, 90s, 15m or 1h (default: 1h, at most 24h)
  --jti <id>         token id (default: a random UUID)
  --issuer <url>     the dev issuer (default: TOLLBOOTH_ISSUER_URL, else .tollbooth/local.json)
  -h, --help         this help

Exit codes: 0 printed a token, 1 the issuer could not be reached or refused, 2 bad arguments.
`;

const OPTIONS = {
  sub: { type: 'string' },
  scope: { type: 'string' },
  ttl: { type: 'string' },
  jti: { type: 'string' },
  issuer: { type: 'string' },
} as const;

type Environment = Readonly<Record<string, string | undefined>>;

/** Runs `token` with these arguments; throws UsageError or CommandError (see args.ts). */
export async function tokenCommand(argv: readonly string[], io: CommandIo, env: Environment = process.env): Promise<void> {
  const parsed = parseCommand({ name: TOKEN_COMMAND, help: HELP, options: OPTIONS }, argv, io.stdout);
  if (!parsed) return;
  const sub = printable(stringOption(parsed.values, 'sub'), '--sub');
  const scope = stringOption(parsed.values, 'scope');
  if (scope !== undefined && !/^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/.test(scope)) {
    throw new UsageError('--scope must be scope names separated by single spaces (RFC 6749 §3.3), e.g. "orders:read orders:write"');
  }
  const expiresIn = durationOption(stringOption(parsed.values, 'ttl'), '--ttl', { min: 1, max: 86_400 });
  const jti = printable(stringOption(parsed.values, 'jti'), '--jti');
  const issuer = issuerUrl(stringOption(parsed.values, 'issuer') ?? env['TOLLBOOTH_ISSUER_URL'], env);

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

function issuerUrl(explicit: string | undefined, env: Environment): string {
  if (explicit !== undefined) {
    let url: URL;
    try {
      url = new URL(explicit);
    } catch {
      throw new UsageError(`--issuer must be a URL like http://127.0.0.1:4281, got "${explicit}"`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--issuer must be an http(s) URL, got "${explicit}"`);
    return url.origin;
  }
  const state = readRunningStack(env);
  if (!state) throw new CommandError(`no running local stack found (${stateFilePath(env)}): start it with npm start, or pass --issuer`);
  if (state.issuerUrl === null) {
    throw new CommandError(
      `the running stack trusts a real identity provider (${state.trustedIssuers.join(', ')}), not the dev issuer: get a token from it`,
    );
  }
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
