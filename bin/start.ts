/**
 * `npm start`: the whole flow on one machine — dynalite, a dev issuer and the local HTTP API with
 * the real authorizer — until Ctrl-C. The logic lives in bin/local/start-command.ts.
 */
import { silenceAwsSdkNodeNotice } from './local/aws-sdk-notice';
import { PROCESS_IO, runCommand } from './local/args';
import { START_COMMAND, startCommand } from './local/start-command';

silenceAwsSdkNodeNotice();

const stopSignal = new Promise<string>((resolve) => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      // A second Ctrl-C while shutting down gives up waiting.
      process.once('SIGINT', () => process.exit(130));
      resolve(signal);
    });
  }
});

const code = await runCommand(START_COMMAND, () =>
  startCommand(process.argv.slice(2), PROCESS_IO, { stopSignal, uptimeMs: () => performance.now() }),
);
process.exitCode = code;
// Everything is closed by now; don't let a stray keep-alive socket hold the terminal.
setTimeout(() => process.exit(code), 2000).unref();
