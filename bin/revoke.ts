/** `npm run revoke` / `tollbooth-revoke`: revoke by token, jti or subject. Logic: bin/local/revoke-command.ts. */
import { silenceAwsSdkNodeNotice } from './local/aws-sdk-notice';
import { PROCESS_IO, runCommand, toolHelp, verboseRequested } from './local/args';
import { REVOKE_COMMAND, revokeCommand } from './local/revoke-command';

silenceAwsSdkNodeNotice();
const argv = process.argv.slice(2);
void runCommand(REVOKE_COMMAND, () => revokeCommand(argv, PROCESS_IO), PROCESS_IO, {
  help: toolHelp('revoke', REVOKE_COMMAND),
  verbose: verboseRequested(argv),
}).then((code) => {
  process.exitCode = code;
});
