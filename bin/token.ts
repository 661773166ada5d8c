/** `npm run token` / `tollbooth-token`: mint a dev token from the running local stack. Logic: bin/local/token-command.ts. */
import { PROCESS_IO, runCommand } from './local/args';
import { TOKEN_COMMAND, tokenCommand } from './local/token-command';

void runCommand(TOKEN_COMMAND, () => tokenCommand(process.argv.slice(2), PROCESS_IO)).then((code) => {
  process.exitCode = code;
});
