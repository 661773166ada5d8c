/** `npm run decode` / `tollbooth-decode`: show a token's header and claims, verifying nothing. Logic: bin/local/decode-command.ts. */
import { PROCESS_IO, runCommand } from './local/args';
import { DECODE_COMMAND, decodeCommand, readPipedStdin } from './local/decode-command';

void runCommand(DECODE_COMMAND, () => decodeCommand(process.argv.slice(2), PROCESS_IO, readPipedStdin)).then((code) => {
  process.exitCode = code;
});
