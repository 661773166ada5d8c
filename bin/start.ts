/**
 * `npm start`: the whole flow on one machine — dynalite, a dev issuer and the local HTTP API with
 * the real authorizer — until Ctrl-C, SIGTERM, or the exit of the npm process that started it
 * (bin/local/stop-signal.ts). The logic lives in bin/local/start-command.ts.
 *
 * The npm script is `exec node --import tsx bin/start.ts`: `exec` so no shell, and `--import tsx`
 * rather than the tsx command so no tsx process, stands between npm and this one. npm forwards
 * SIGINT and SIGTERM to its child; a shell in between would die of them (or ignore them) without
 * passing them on, leaving this process running with its ports and its record.
 */
import { silenceAwsSdkNodeNotice } from './local/aws-sdk-notice';
import { PROCESS_IO, runCommand, verboseRequested } from './local/args';
import { START_COMMAND, START_HELP, startCommand } from './local/start-command';
import { watchForStop } from './local/stop-signal';

silenceAwsSdkNodeNotice();

// A further signal a second or more after the first gives up waiting for the shutdown.
const stop = watchForStop(process, { onGiveUp: () => process.exit(130) });

const argv = process.argv.slice(2);
const code = await runCommand(
  START_COMMAND,
  () => startCommand(argv, PROCESS_IO, { stopSignal: stop.reason, uptimeMs: () => performance.now() }),
  PROCESS_IO,
  { help: START_HELP, verbose: verboseRequested(argv) },
);
stop.dispose();
process.exitCode = code;
// Everything is closed by now; don't let a stray keep-alive socket hold the terminal.
setTimeout(() => process.exit(code), 2000).unref();
