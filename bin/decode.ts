/** `npm run decode` / `tollbooth-decode`: show a token's header and claims, verifying nothing. Logic: bin/local/decode-command.ts. */
import { PROCESS_IO, runCommand, toolHelp, verboseRequested } from './local/args';
import { DECODE_COMMAND, decodeCommand, readPipedStdin } from './local/decode-command';

const argv = process.argv.slice(2);
void runCommand(DECODE_COMMAND, () => decodeCommand(argv, PROCESS_IO, readPipedStdin), PROCESS_IO, {
  help: toolHelp('decode', DECODE_COMMAND),
  verbose: verboseRequested(argv),
}).then((code) => {
  process.exitCode = code;
});
