/** `npm run token` / `tollbooth-token`: mint a dev token from the running local stack. Logic: bin/local/token-command.ts. */
import { PROCESS_IO, runCommand, toolHelp, verboseRequested } from './local/args';
import { TOKEN_COMMAND, tokenCommand } from './local/token-command';

const argv = process.argv.slice(2);
void runCommand(TOKEN_COMMAND, () => tokenCommand(argv, PROCESS_IO), PROCESS_IO, {
  help: toolHelp('token', TOKEN_COMMAND),
  verbose: verboseRequested(argv),
}).then((code) => {
  process.exitCode = code;
});
