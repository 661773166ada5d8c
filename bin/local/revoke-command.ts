/**
 * `revoke`: writes a revocation straight into the table, through the same `RevocationWriter` as
 * the admin endpoint — idempotent, with the TTL attribute set so rows expire by themselves.
 *
 * Targets: the running local stack's table by default (dynalite's endpoint from its record,
 * `.tollbooth/stacks/<name>/running.json`; `--stack` chooses among several), or a deployed table with `--table`, reached through the AWS SDK's
 * standard chain (`AWS_REGION` or `--region`, the usual credentials, `AWS_ENDPOINT_URL_DYNAMODB` or `--endpoint-url`).
 *
 * `--token` decodes the token WITHOUT verifying it, unlike the admin endpoint: whoever runs this
 * can write the table directly anyway, so verification would protect nothing — but the endpoint,
 * reachable over the network by token holders, must verify.
 */
import { canonicalIssuer } from '../../lambdas/core/issuer-aliases';
import { createDynamoDbClient } from '../../lambdas/core/dynamodb-client';
import { REVOCATION_SETTINGS } from '../../lambdas/core/config/defaults';
import { DEFAULT_MAX_TOKEN_LIFETIME_SECONDS, RevocationWriter } from '../../lambdas/core/revocation-writer';
import { CommandError, integerOption, parseCommand, settingFrom, stringOption, UsageError, type CommandIo, type Setting } from './args';
import { decodeUnverified } from './jwt-parts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './local-credentials';
import { readTokenIds } from './token-ids';
import { chooseRunningStack, STACK_ENV, type LocalStackState } from './state-file';

export const REVOKE_COMMAND = 'tollbooth-revoke';

const HELP = `
Usage: npm run -s revoke -- (--token <jwt> | --jti <id> | --sub <id>) [options]
       (or: npx ${REVOKE_COMMAND} …)

Revokes in the revocation table. Idempotent; every row carries a TTL (expiresAt) and expires by itself.

What:
  --token <jwt>     that token: its token id (until its exp) and its sign-in session, from the claims
                    the authorizer reads for --provider (default oidc: jti and origin_jti; entra: uti;
                    keycloak: jti and sid). The token is decoded, not verified (you can write the table
                    anyway); its iss is mapped to the configured issuer (a Cognito pool's global-form
                    iss to the regional one).
    --provider <name>          oidc, cognito, entra, okta, auth0 or keycloak: the issuer's preset
    --token-id-claim <claim>   the token id claim, as the issuer's tokenIdClaim setting names it
    --session-id-claim <claim> the session id claim (sessionIdClaim)
  --jti <id>        one token by id; --exp <epoch seconds> keeps the row until then (default: now + the
                    longest token lifetime)
  --sub <id>        every token of this subject issued before now (global sign-out)
Where:
  (default)         the running local stack's table (found through .tollbooth/stacks/<name>/running.json)
  --stack <name|port>  which running stack, when several are (${STACK_ENV}; default: the only one)
  --table <name>    a deployed table, with your AWS credentials (standard SDK chain)
  --region <name>   its region (default: AWS_REGION / your AWS config)
  --endpoint-url <url>  another DynamoDB endpoint for --table, e.g. DynamoDB Local's http://127.0.0.1:8000
                    (default: AWS_ENDPOINT_URL_DYNAMODB / AWS's)
Other:
  --iss <url>       issuer of the jti or sub (default: the one issuer the local stack trusts; required with --table)
  --reason <text>   kept with the row, for humans
  --max-token-lifetime <seconds>  the longest your issuers' tokens live: how long subject, session and bare
                    --jti rows are kept; must be at least the authorizer's revocation.maxTokenLifetimeSeconds
                    (default: the local stack's setting; with --table ${DEFAULT_MAX_TOKEN_LIFETIME_SECONDS}, one day)
  --verbose         stack traces on unexpected errors
  -h, --help        this help

Exit codes: 0 revoked (or nothing to revoke), 1 the table could not be written, 2 bad arguments.
`;

const OPTIONS = {
  token: { type: 'string' },
  jti: { type: 'string' },
  sub: { type: 'string' },
  exp: { type: 'string' },
  iss: { type: 'string' },
  table: { type: 'string' },
  region: { type: 'string' },
  'endpoint-url': { type: 'string' },
  reason: { type: 'string' },
  stack: { type: 'string' },
  provider: { type: 'string' },
  'token-id-claim': { type: 'string' },
  'session-id-claim': { type: 'string' },
  'max-token-lifetime': { type: 'string' },
} as const;

const LIFETIME_UNIT = { what: 'a number of seconds', example: '604800' } as const;

/** `--exp` is epoch seconds; a 13-digit value is a JavaScript timestamp in milliseconds. */
const EXP_UNIT = { what: 'a time in epoch seconds', example: '1767225600' } as const;
const MAX_EXP_SECONDS = 99_999_999_999;

type Environment = Readonly<Record<string, string | undefined>>;

/** One row written: what it revokes and when DynamoDB may delete it. */
interface Revoked {
  readonly what: string;
  readonly expiresAt: number;
}

interface Target {
  readonly writer: RevocationWriter;
  readonly close: () => void;
  readonly description: string;
  readonly state: LocalStackState | undefined;
}

/** Runs `revoke` with these arguments; validates everything before opening any table. */
export async function revokeCommand(
  argv: readonly string[],
  io: CommandIo,
  env: Environment = process.env,
  now: () => number = Date.now,
): Promise<void> {
  const parsed = parseCommand({ name: REVOKE_COMMAND, help: HELP, options: OPTIONS }, argv, io.stdout);
  if (!parsed) return;
  const values = parsed.values;
  const what = (['token', 'jti', 'sub'] as const).filter((name) => values[name] !== undefined);
  if (what.length !== 1) throw new UsageError('give exactly one of --token, --jti or --sub');
  const rawExp = stringOption(values, 'exp');
  if (rawExp !== undefined && /^\d{12,}$/.test(rawExp) && Number(rawExp) > MAX_EXP_SECONDS) {
    throw new UsageError(`--exp must be ${EXP_UNIT.what}, got ${rawExp}: milliseconds? use ${Math.floor(Number(rawExp) / 1000)}`);
  }
  const exp = integerOption(rawExp, '--exp', { min: 1, max: MAX_EXP_SECONDS }, EXP_UNIT);
  if (exp !== undefined && what[0] !== 'jti') throw new UsageError('--exp only applies to --jti');
  for (const name of ['provider', 'token-id-claim', 'session-id-claim'] as const)
    if (values[name] !== undefined && what[0] !== 'token') throw new UsageError(`--${name} only applies to --token`);
  if (values['token'] !== undefined && values['iss'] !== undefined)
    throw new UsageError('--iss cannot be given with --token: it is read from the token');
  const reason = stringOption(values, 'reason') ?? `${REVOKE_COMMAND} CLI`;
  const table = stringOption(values, 'table');
  const region = stringOption(values, 'region');
  if (region !== undefined && table === undefined) throw new UsageError('--region only applies to --table');
  const endpoint = endpointOption(stringOption(values, 'endpoint-url'));
  if (endpoint !== undefined && table === undefined) throw new UsageError('--endpoint-url only applies to --table');
  if (table !== undefined && what[0] !== 'token' && values['iss'] === undefined)
    throw new UsageError('--iss is required with --table (the issuer whose tokens to revoke)');
  const nowSeconds = Math.floor(now() / 1000);
  const lifetimeFlag = integerOption(
    stringOption(values, 'max-token-lifetime'),
    '--max-token-lifetime',
    REVOCATION_SETTINGS.maxTokenLifetimeSeconds,
    LIFETIME_UNIT,
  );
  if (lifetimeFlag !== undefined && what[0] === 'jti' && exp !== undefined)
    throw new UsageError('--max-token-lifetime does not apply to --jti with --exp: the row is kept until --exp');
  /** How long rows without the token's own `exp` are kept: the flag, else the stack's horizon, else the default. */
  const lifetimeFor = (state: LocalStackState | undefined): number =>
    lifetimeFlag ?? state?.revocationTable?.maxTokenLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS;

  // Validate the input fully before touching any table.
  let plan: (target: Target) => Promise<Revoked[]>;
  if (what[0] === 'token') {
    const claims = decodeUnverified(stringOption(values, 'token') ?? '').claims;
    const iss = typeof claims['iss'] === 'string' ? claims['iss'] : undefined;
    const ids = readTokenIds(claims, {
      provider: stringOption(values, 'provider'),
      tokenIdClaim: stringOption(values, 'token-id-claim'),
      sessionIdClaim: stringOption(values, 'session-id-claim'),
    });
    const jti = ids.tokenId?.value;
    const originJti = ids.sessionId?.value;
    const tokenExp = typeof claims['exp'] === 'number' ? claims['exp'] : undefined;
    if (!iss) throw new UsageError('the token has no iss claim');
    if (tokenExp === undefined) throw new UsageError('the token has no exp claim');
    if (tokenExp <= nowSeconds) {
      io.stdout(`nothing to revoke: the token expired at ${isoOf(tokenExp)}\n`);
      return;
    }
    if (!jti && !originJti) {
      const named = [ids.tokenId?.claim, ids.sessionId?.claim].filter((claim) => claim !== undefined).join(' or ');
      throw new UsageError(
        `the token has no ${named || 'token id'} claim: name its issuer's preset (--provider entra reads uti) or claim (--token-id-claim), or revoke its subject with --sub`,
      );
    }
    plan = async ({ writer, state }) => {
      const issuer = trustedIssuerFor(iss, state);
      const lines: Revoked[] = [];
      if (jti) {
        const item = await writer.revokeToken({ issuer, jti, exp: tokenExp, reason });
        lines.push({ what: `token ${ids.tokenId?.claim}=${jti} (iss ${issuer})`, expiresAt: item.expiresAt });
      }
      if (originJti) {
        const item = await writer.revokeSession({ issuer, originJti, maxTokenLifetimeSeconds: lifetimeFor(state), reason });
        lines.push({ what: `sign-in session ${ids.sessionId?.claim}=${originJti} (iss ${issuer})`, expiresAt: item.expiresAt });
      }
      return lines;
    };
  } else if (what[0] === 'jti') {
    const jti = stringOption(values, 'jti') ?? '';
    if (exp !== undefined && exp <= nowSeconds) {
      io.stdout(`nothing to revoke: --exp ${exp} (${isoOf(exp)}) has passed\n`);
      return;
    }
    plan = async ({ writer, state }) => {
      const iss = issuerFor(stringOption(values, 'iss'), state, table);
      const until = exp ?? nowSeconds + lifetimeFor(state);
      const item = await writer.revokeToken({ issuer: iss, jti, exp: until, reason });
      return [{ what: `token jti=${jti} (iss ${iss})`, expiresAt: item.expiresAt }];
    };
  } else {
    const sub = stringOption(values, 'sub') ?? '';
    plan = async ({ writer, state }) => {
      const iss = issuerFor(stringOption(values, 'iss'), state, table);
      const item = await writer.revokeSubject({ issuer: iss, sub, maxTokenLifetimeSeconds: lifetimeFor(state), reason });
      return [
        {
          what: `every token of sub=${sub} issued before ${isoOf(item.revokedBefore ?? nowSeconds)} (iss ${iss})`,
          expiresAt: item.expiresAt,
        },
      ];
    };
  }

  const stack = settingFrom(values, 'stack', env, STACK_ENV);
  if (stack !== undefined && table !== undefined)
    throw new UsageError(`${stack.name} chooses a local stack; it cannot be given with --table`);
  const target = await openTarget(table, { region, endpoint }, stack, env, now);
  try {
    const lines = await plan(target).catch((error: unknown) => {
      if (error instanceof UsageError || error instanceof CommandError) throw error;
      throw new CommandError(`${target.description} could not be written: ${describe(error)}`);
    });
    for (const line of lines) io.stdout(`revoked ${line.what} in ${target.description}; the row expires ${isoOf(line.expiresAt)}\n`);
    if (target.state && !table)
      io.stdout(`the local stack "${target.state.name}" refuses it within about ${target.state.revocationWindowSeconds} s\n`);
  } finally {
    target.close();
  }
}

/** Where a `--table` is: its region and endpoint, each the SDK's own default when not given. */
interface TableLocation {
  readonly region: string | undefined;
  readonly endpoint: string | undefined;
}

/** `--endpoint-url`, as the AWS CLI takes it: an http(s) URL. */
function endpointOption(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password) {
    throw new UsageError(`--endpoint-url must be an http or https URL like http://127.0.0.1:8000, got "${raw}"`);
  }
  return raw;
}

async function openTarget(
  table: string | undefined,
  { region, endpoint }: TableLocation,
  stack: Setting | undefined,
  env: Environment,
  now: () => number,
): Promise<Target> {
  if (table !== undefined) {
    if (!/^[A-Za-z0-9_.-]{3,255}$/.test(table)) throw new UsageError(`--table "${table}" is not a DynamoDB table name`);
    const clientConfig = { ...(region ? { region } : {}), ...(endpoint ? { endpoint } : {}) };
    const client = createDynamoDbClient({ requestTimeoutMs: 3000, maxAttempts: 3, clientConfig });
    try {
      await client.config.region();
    } catch {
      client.destroy();
      throw new CommandError('no AWS region: set AWS_REGION or pass --region');
    }
    return {
      writer: new RevocationWriter(client, table, now),
      close: () => client.destroy(),
      description: `table ${table}${endpoint ? ` at ${endpoint}` : ''}`,
      state: undefined,
    };
  }
  const state = chooseRunningStack(stack, env, ', or pass --table for a deployed table');
  const recorded = state.revocationTable;
  if (!recorded)
    throw new CommandError(`the local stack "${state.name}" runs with revocation off (revocation.enabled: false in its configuration)`);
  const clientConfig = recorded.endpoint
    ? { endpoint: recorded.endpoint, region: recorded.region ?? LOCAL_REGION, credentials: LOCAL_CREDENTIALS }
    : recorded.region
      ? { region: recorded.region }
      : {};
  const client = createDynamoDbClient({ requestTimeoutMs: 2000, maxAttempts: 2, clientConfig });
  const description = recorded.endpoint
    ? `the table ${recorded.name} of the local stack "${state.name}"`
    : `table ${recorded.name} (used by the local stack "${state.name}")`;
  return { writer: new RevocationWriter(client, recorded.name, now), close: () => client.destroy(), description, state };
}

function issuerFor(explicit: string | undefined, state: LocalStackState | undefined, table: string | undefined): string {
  if (explicit !== undefined) return trustedIssuerFor(explicit, state);
  if (table !== undefined || !state) throw new UsageError('--iss is required with --table (the issuer whose tokens to revoke)');
  const [only, ...others] = state.trustedIssuers;
  if (only === undefined || others.length > 0)
    throw new UsageError(`--iss is required: the local stack "${state.name}" trusts ${state.trustedIssuers.join(', ')}`);
  return only;
}

/**
 * The configured issuer an `iss` names. Against the local stack it must be one the stack trusts (a
 * revocation for another would silently do nothing); any form the verifier accepts maps to it. A
 * deployed table (`--table`) comes with no configuration, so the issuer is only made canonical:
 * `revocationKey` keys rows on that form, as the authorizer does.
 */
function trustedIssuerFor(iss: string, state: LocalStackState | undefined): string {
  if (!state) return canonicalIssuer(iss);
  const configured = state.trustedIssuers.find((trusted) => canonicalIssuer(trusted) === canonicalIssuer(iss));
  if (configured === undefined)
    throw new UsageError(`issuer ${iss} is not trusted by the local stack "${state.name}" (it trusts ${state.trustedIssuers.join(', ')})`);
  return configured;
}

function isoOf(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString();
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const line = `${error.name}: ${error.message}`.split('\n')[0] ?? error.name;
  // The SDK's own words name no way out; the standard chain's usual ones do.
  return error.name === 'CredentialsProviderError' ? `${line} (set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)` : line;
}
