/**
 * Runs the `tollbooth-revoke` command in process against a real table, as a user runs it against
 * a running local stack: a stack record in a temporary `.tollbooth` names the table and the
 * issuers it trusts, and the command finds it there.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runCommand, type CommandIo } from '../../bin/local/args';
import { revokeCommand } from '../../bin/local/revoke-command';
import { STATE_DIR_ENV } from '../../bin/local/state-dir';
import { writeStateFile } from '../../bin/local/state-file';

export interface RevokeTool {
  /** Runs the command with these arguments; its exit code and everything it printed. */
  run(args: readonly string[]): Promise<{ code: number; output: string }>;
  /** Removes the temporary state folder. */
  remove(): void;
}

/** A revoke tool whose "running local stack" (this process) trusts `trustedIssuers` and writes `table`. */
export function revokeToolFor(
  trustedIssuers: readonly string[],
  table: { name: string; endpoint: string; maxTokenLifetimeSeconds?: number },
): RevokeTool {
  const stateDir = join(mkdtempSync(join(tmpdir(), 'tollbooth-revoke-')), '.tollbooth');
  const env = { [STATE_DIR_ENV]: stateDir };
  writeStateFile(
    {
      name: 'default',
      pid: process.pid,
      startedAt: new Date().toISOString(),
      apiUrl: 'http://127.0.0.1:1',
      ports: { api: 1, issuer: 2, dynamodb: 3 },
      issuerUrl: null,
      trustedIssuers: [...trustedIssuers],
      revocationWindowSeconds: 1,
      revocationTable: {
        name: table.name,
        endpoint: table.endpoint,
        region: 'us-east-1',
        // As a stack records it; records written before the horizon existed have none.
        ...(table.maxTokenLifetimeSeconds === undefined ? {} : { maxTokenLifetimeSeconds: table.maxTokenLifetimeSeconds }),
      },
    },
    env,
  );
  return {
    async run(args) {
      let output = '';
      const io: CommandIo = { stdout: (text) => (output += text), stderr: (text) => (output += text) };
      const code = await runCommand('tollbooth-revoke', () => revokeCommand(args, io, env), io, { help: 'npx tollbooth-revoke --help' });
      return { code, output };
    },
    remove: () => rmSync(dirname(stateDir), { recursive: true, force: true }),
  };
}
