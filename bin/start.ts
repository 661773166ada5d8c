/**
 * `npm start`: the whole flow on one machine — dynalite, a dev issuer and the local HTTP API with
 * the real authorizer — until Ctrl-C. The logic lives in bin/local/start-command.ts.
 */
import { PROCESS_IO, runCommand } from './local/args';
import { START_COMMAND, startCommand } from './local/start-command';

// The AWS SDK warns on Node 20 that its releases after January 2027 need Node 22 (README, "Known
// issues in dependencies"). Lambda runs 22; in a developer's terminal the notice would bury the output.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

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
