/** `npm run revoke` / `tollbooth-revoke`: revoke by token, jti or subject. Logic: bin/local/revoke-command.ts. */
import { silenceAwsSdkNodeNotice } from './local/aws-sdk-notice';
import { PROCESS_IO, runCommand } from './local/args';
import { REVOKE_COMMAND, revokeCommand } from './local/revoke-command';

silenceAwsSdkNodeNotice();
void runCommand(REVOKE_COMMAND, () => revokeCommand(process.argv.slice(2), PROCESS_IO)).then((code) => {
  process.exitCode = code;
});
