/**
 * `decode`: shows a token's header and claims, with readable times, and says plainly that
 * NOTHING WAS VERIFIED — anyone can write any claims into an unsigned or wrongly signed token.
 * Never prints the signature.
 */
import { parseCommand, UsageError, type CommandIo } from './args';
import { decodeUnverified } from './jwt-parts';

export const DECODE_COMMAND = 'tollbooth-decode';

const HELP = `
Usage: npm run -s decode -- <token>         (or: npx ${DECODE_COMMAND} <token>, or pipe it on stdin)

Shows a JWT's header and claims. NOTHING IS VERIFIED: not the signature, the issuer, the audience
or the expiry. The signature is never printed. "Bearer <token>" is accepted too.

Options:
  --json      print {"verified": false, "header": …, "claims": …} instead
  -h, --help  this help

Exit codes: 0 decoded, 2 not a readable JWT or bad arguments.
`;

const TIME_CLAIMS = ['iat', 'nbf', 'exp', 'auth_time'];

/** Runs `decode` with these arguments; throws UsageError on bad input (see args.ts). */
export async function decodeCommand(
  argv: readonly string[],
  io: CommandIo,
  readStdin: () => Promise<string | undefined>,
  now: () => number = Date.now,
): Promise<void> {
  const parsed = parseCommand(
    { name: DECODE_COMMAND, help: HELP, options: { json: { type: 'boolean' } }, maxPositionals: 1 },
    argv,
    io.stdout,
  );
  if (!parsed) return;
  const argument = parsed.positionals[0];
  const input = argument === undefined || argument === '-' ? await readStdin() : argument;
  if (input === undefined) throw new UsageError('give the token as an argument, or pipe it on stdin');
  const jwt = decodeUnverified(input);

  if (parsed.values['json'] === true) {
    io.stdout(`${JSON.stringify({ verified: false, header: jwt.header, claims: jwt.claims }, null, 2)}\n`);
    return;
  }
  const lines = [
    'NOTHING WAS VERIFIED: this is what the token claims, not proof that it is genuine, unexpired or meant for you.',
    '',
    'header:',
    indent(JSON.stringify(jwt.header, null, 2)),
    'claims:',
    indent(JSON.stringify(jwt.claims, null, 2)),
  ];
  const times = TIME_CLAIMS.filter((name) => typeof jwt.claims[name] === 'number').map(
    (name) => `  ${name.padEnd(9)} ${describeTime(jwt.claims[name] as number, now())}`,
  );
  if (times.length > 0) lines.push("times (by this machine's clock):", ...times);
  lines.push(`signature: ${jwt.signatureBytes} bytes, not shown`);
  io.stdout(`${lines.join('\n')}\n`);
}

/** Reads all of stdin when it is piped; `undefined` when it is a terminal. */
export async function readPipedStdin(): Promise<string | undefined> {
  if (process.stdin.isTTY) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  return text === '' ? undefined : text;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

function describeTime(epochSeconds: number, nowMs: number): string {
  const date = new Date(epochSeconds * 1000);
  if (Number.isNaN(date.getTime())) return String(epochSeconds);
  const delta = Math.round(epochSeconds - nowMs / 1000);
  return `${date.toISOString()} (${delta >= 0 ? `in ${span(delta)}` : `${span(-delta)} ago`})`;
}

function span(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86_400)} days`;
}
