/**
 * `npm run invoke -- events/<file>.json`: runs the bundled authorizer on an event file and prints
 * what `sam local invoke` would — the response JSON on standard output, the function's logs and
 * a one-line summary on standard error. Exits 0 when the authorizer answered (a deny is an
 * answer), 1 when it could not run, 2 on bad arguments.
 */
import { silenceAwsSdkNodeNotice } from './local/aws-sdk-notice';
import { readFileSync } from 'node:fs';
import { userPath } from './local/invocation-dir';
import { invokeEvent } from './local/invoke-event';

silenceAwsSdkNodeNotice();

const USAGE = 'usage: npm run invoke -- <event.json>   (e.g. events/http-v2-allow.json)';

function fail(code: number, message: string): never {
  process.stderr.write(`invoke: ${message}\n`);
  process.exit(code);
}

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (args.length !== 1 || args[0]?.startsWith('-'))
  fail(2, args.length === 0 ? `no event file given; ${USAGE}` : `expected exactly one event file, got ${args.join(' ')}; ${USAGE}`);
const file = args[0] ?? '';

let eventText: string;
try {
  eventText = readFileSync(userPath(file), 'utf8');
  JSON.parse(eventText);
} catch (error) {
  const reason =
    (error as NodeJS.ErrnoException).code === 'ENOENT'
      ? 'no such file'
      : error instanceof SyntaxError
        ? `not JSON (${error.message})`
        : String(error);
  fail(2, `cannot read ${file}: ${reason}`);
}

try {
  const invocation = await invokeEvent(eventText);
  process.stderr.write(invocation.logs);
  process.stderr.write(`invoke: ${file} → ${invocation.decision}${invocation.reason ? ` (${invocation.reason})` : ''}\n`);
  process.stdout.write(`${invocation.output}\n`);
  if (invocation.decision === 'error') process.exitCode = 1;
} catch (error) {
  fail(
    error instanceof Error && error.message.startsWith('unknown placeholder') ? 2 : 1,
    error instanceof Error ? error.message : String(error),
  );
}
