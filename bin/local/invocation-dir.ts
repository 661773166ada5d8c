/**
 * The directory a command was typed in. npm runs a package's scripts from the package's root, not
 * from where `npm start` or `npm run …` was typed, and passes that directory on in `INIT_CWD`; so
 * a relative path the user gives (`--config tollbooth.json` from a sub-directory, an event file)
 * means that directory, not the root — else it is "no such file" for a file the user can see.
 */
import { isAbsolute, resolve } from 'node:path';

type Environment = Readonly<Record<string, string | undefined>>;

/** Where the user typed the command: npm's `INIT_CWD` when it set one, else the working directory. */
export function invocationDirectory(env: Environment = process.env): string {
  const typedIn = env['INIT_CWD']?.trim();
  return typedIn && isAbsolute(typedIn) ? typedIn : process.cwd();
}

/** A path the user gave, resolved against the directory they typed the command in. */
export function userPath(path: string, env: Environment = process.env): string {
  return resolve(invocationDirectory(env), path);
}
