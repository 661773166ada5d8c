/**
 * Where the local stack keeps what outlives a request: `.tollbooth/` in the project (gitignored),
 * one folder per stack name — `.tollbooth/stacks/<name>/` — holding the running stack's record for
 * the tools (`running.json`, state-file.ts), the dev issuer's signing key (dev-signing-key.ts) and
 * the saved revocations (revocation-snapshot.ts).
 *
 * The signing key is a private key, so the folder's name is a rule, not a default:
 * `TOLLBOOTH_STATE_DIR` (which the tests point at temporary folders) must name a folder called
 * `.tollbooth`, the name .gitignore keeps out of git, and the folder also carries a `.gitignore`
 * of its own (`*`) for checkouts whose ignore file lacks the line. Folders are created 0700 and
 * files written 0600, through a temporary file and a rename, so a crash never leaves half a file.
 *
 * The directory is found from the working directory up to the nearest `package.json`, so the
 * tools work from any sub-directory of the project.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CommandError, UsageError } from './args';
import { userPath } from './invocation-dir';

export const STATE_DIR_ENV = 'TOLLBOOTH_STATE_DIR';
export const STATE_DIR_NAME = '.tollbooth';

/** The stack `npm start` runs, and the tools pick, when no name is given. */
export const DEFAULT_STACK_NAME = 'default';

/** Stack names become folder names: short, portable, no path tricks. */
const STACK_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/;

type Environment = Readonly<Record<string, string | undefined>>;

/** The state directory: `TOLLBOOTH_STATE_DIR` (a folder called `.tollbooth`), else `.tollbooth/` in the project. */
export function stateDirectory(env: Environment = process.env): string {
  const configured = env[STATE_DIR_ENV]?.trim();
  if (!configured) return join(projectRoot(process.cwd()), STATE_DIR_NAME);
  const path = userPath(configured, env);
  if (basename(path) !== STATE_DIR_NAME) {
    throw new CommandError(
      `${STATE_DIR_ENV} must name a folder called ${STATE_DIR_NAME} (it holds the dev issuer's private key, and .gitignore keeps that name out of git), got "${configured}"`,
    );
  }
  return path;
}

/** Checks a stack name given on the command line (`--stack`) or in `TOLLBOOTH_STACK`. */
export function checkStackName(name: string, setting: string): string {
  if (!STACK_NAME.test(name)) {
    throw new UsageError(`${setting} must be 1 to 40 letters, digits, "-" or "_", starting with a letter or digit, got "${name}"`);
  }
  return name;
}

/** The folder of one stack's files. */
export function stackDirectory(name: string, env: Environment = process.env): string {
  return join(stateDirectory(env), 'stacks', name);
}

/** The folder holding every stack's folder. */
export function stacksDirectory(env: Environment = process.env): string {
  return join(stateDirectory(env), 'stacks');
}

/** The nearest folder at or above `from` holding a `package.json`; `from` itself when there is none. */
export function projectRoot(from: string): string {
  for (let folder = from; ; folder = dirname(folder)) {
    if (existsSync(join(folder, 'package.json'))) return folder;
    if (dirname(folder) === folder) return from;
  }
}

/**
 * Where `npm start` runs a local stack the tools find from here: `npm start` in this project when
 * it is a Tollbooth checkout (or the state directory is named explicitly); from an app that
 * installed the package, `npm start` is the app's own script, so the hint says whose it must be.
 */
export function startStackHint(env: Environment = process.env): string {
  if (env[STATE_DIR_ENV]?.trim()) return 'npm start';
  try {
    const manifest = JSON.parse(readFileSync(join(projectRoot(process.cwd()), 'package.json'), 'utf8')) as { name?: unknown };
    if (manifest.name === 'tollbooth') return 'npm start';
  } catch {
    // No readable manifest: say the longer thing.
  }
  return `npm start in a Tollbooth checkout and run this there (or set ${STATE_DIR_ENV} to its ${STATE_DIR_NAME} folder)`;
}

/** Creates a stack's folder (0700) and the state directory's own `.gitignore`; returns the folder. */
export function ensureStackDirectory(name: string, env: Environment = process.env): string {
  const root = stateDirectory(env);
  const folder = stackDirectory(name, env);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const ignore = join(root, '.gitignore');
  if (!existsSync(ignore)) writePrivateFile(ignore, '# Written by npm start: the dev issuer key and local state stay out of git.\n*\n');
  return folder;
}

/** Writes `text` to `path` with mode 0600, atomically (temporary file in the same folder, then rename). */
export function writePrivateFile(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode: 0o600 });
  // The mode given to writeFileSync only applies when the file is created, and umask may narrow it further.
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
}
