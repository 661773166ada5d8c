/** `npm run revoke` / `tollbooth-revoke`: revoke by token, jti or subject. Logic: bin/local/revoke-command.ts. */
import { PROCESS_IO, runCommand } from './local/args';
import { REVOKE_COMMAND, revokeCommand } from './local/revoke-command';

// The AWS SDK warns on Node 20 that its releases after January 2027 need Node 22 (README, "Known
// issues in dependencies"). Lambda runs 22; in a developer's terminal the notice would bury the output.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

process.exitCode = await runCommand(REVOKE_COMMAND, () => revokeCommand(process.argv.slice(2), PROCESS_IO));
