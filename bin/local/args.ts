/**
 * What every Tollbooth command shares: argument parsing with `node:util` `parseArgs` (strict: an
 * unknown option is an error, never ignored), `--help` and `--verbose`, readers for typed option
 * values that name the setting the value came from (the flag, or the environment variable), and
 * the exit discipline — a bad invocation prints ONE line naming the problem and the help command
 * that exists for the way the command was run, and exits 2; a failure while running (stack not
 * reachable, DynamoDB refusing) prints one line — or one line per problem — and exits 1; no stack
 * trace unless `--verbose` or `DEBUG` asks for one.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Bad input from the person typing the command: exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A failure the person can act on (start the stack, fix credentials): exit code 1. */
export class CommandError extends Error {
  constructor(
    message: string,
    /** Printed one per line under the message (a configuration's problems). */
    readonly problems: readonly string[] = [],
  ) {
    super(message);
    this.name = 'CommandError';
  }
}

/** Where a value came from, for messages: `--port` or `TOLLBOOTH_PORT`. */
export interface Setting {
  readonly raw: string;
  readonly name: string;
}

type Environment = Readonly<Record<string, string | undefined>>;

/** A flag's value, else the environment variable's (an empty variable counts as unset), with the name to blame. */
export function settingFrom(values: ParsedCommand['values'], flag: string, env: Environment = {}, envName?: string): Setting | undefined {
  const fromFlag = stringOption(values, flag);
  if (fromFlag !== undefined) return { raw: fromFlag, name: `--${flag}` };
  if (envName === undefined) return undefined;
  const fromEnv = env[envName]?.trim();
  return fromEnv ? { raw: fromEnv, name: envName } : undefined;
}

/**
 * The command that prints a tool's help, as the person ran the tool: `npm run token -- --help`
 * under npm (npm sets `npm_lifecycle_event` to the script's name), `npx tollbooth-token --help`
 * otherwise. (`tollbooth-token --help` alone is "command not found" outside npx.)
 */
export function toolHelp(script: string, bin: string, env: Environment = process.env): string {
  return env['npm_lifecycle_event'] === script ? `npm run ${script} -- --help` : `npx ${bin} --help`;
}

type Options = NonNullable<ParseArgsConfig['options']>;

export interface CommandSpec<O extends Options> {
  /** The command's name in messages, e.g. `tollbooth-token`. */
  readonly name: string;
  /** Printed by `--help`. */
  readonly help: string;
  readonly options: O;
  /** How many positional arguments are accepted (default 0). */
  readonly maxPositionals?: number;
}

export interface ParsedCommand {
  /** Strings, booleans, and string lists for options declared `multiple`. */
  readonly values: Readonly<Record<string, string | boolean | readonly string[] | undefined>>;
  readonly positionals: readonly string[];
}

/** Parses `argv`; `undefined` means `--help` was printed. Throws {@link UsageError}. */
export function parseCommand<O extends Options>(
  spec: CommandSpec<O>,
  argv: readonly string[],
  stdout: (text: string) => void,
): ParsedCommand | undefined {
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { ...spec.options, help: { type: 'boolean', short: 'h' }, verbose: { type: 'boolean' } },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new UsageError(firstSentence(error instanceof Error ? error.message : String(error)));
  }
  if (parsed.values['help'] === true) {
    stdout(`${spec.help.trim()}\n`);
    return undefined;
  }
  const maxPositionals = spec.maxPositionals ?? 0;
  if (parsed.positionals.length > maxPositionals) throw new UsageError(`unexpected argument "${parsed.positionals[maxPositionals]}"`);
  return { values: parsed.values as ParsedCommand['values'], positionals: parsed.positionals };
}

/** A string option's value, trimmed; `undefined` when absent; refuses an empty one. */
export function stringOption(values: ParsedCommand['values'], name: string): string | undefined {
  const value = values[name];
  if (value === undefined || typeof value === 'boolean') return undefined;
  // A repeated single-valued option: parseArgs keeps the last, as most command-line tools do.
  const text = typeof value === 'string' ? value : (value[value.length - 1] ?? '');
  if (text.trim() === '') throw new UsageError(`--${name} needs a non-empty value`);
  return text.trim();
}

/** Every value of a repeatable string option (`--scope a --scope b`), trimmed; refuses an empty one. */
export function stringListOption(values: ParsedCommand['values'], name: string): string[] {
  const value = values[name];
  const list: readonly unknown[] = Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
  return list.map((item) => {
    if (typeof item !== 'string' || item.trim() === '') throw new UsageError(`--${name} needs a non-empty value`);
    return item.trim();
  });
}

/** An integer option within bounds; `unit` is said in the message (`--exp must be epoch seconds …`). */
export function integerOption(
  raw: string | undefined,
  name: string,
  bounds: { min: number; max: number },
  unit?: { readonly what: string; readonly example: string },
): number | undefined {
  if (raw === undefined) return undefined;
  const expected = unit ? `${unit.what} (a whole number like ${unit.example})` : 'a whole number';
  if (!/^-?\d+$/.test(raw)) throw new UsageError(`${name} must be ${expected}, got "${raw}"`);
  const value = Number(raw);
  if (value < bounds.min || value > bounds.max) {
    throw new UsageError(`${name} must be ${unit ? `${unit.what} ` : ''}from ${bounds.min} to ${bounds.max}, got ${value}`);
  }
  return value;
}

/** A port number (0 = any free port), blaming the setting it came from. */
export function portOption(setting: Setting | undefined): number | undefined {
  return setting && integerOption(setting.raw, setting.name, { min: 0, max: 65_535 });
}

const DURATION = /^(\d+)(s|m|h)?$/;
const UNIT_SECONDS = { s: 1, m: 60, h: 3600 } as const;

/** A duration in seconds, written `90`, `90s`, `15m` or `2h`, blaming the setting it came from. */
export function durationOption(setting: Setting | undefined, bounds: { min: number; max: number }): number | undefined {
  if (setting === undefined) return undefined;
  const { raw, name } = setting;
  const match = DURATION.exec(raw.trim());
  if (!match) throw new UsageError(`${name} must be a duration in seconds like 600, or 15m or 1h, got "${raw}"`);
  const seconds = Number(match[1]) * UNIT_SECONDS[(match[2] ?? 's') as keyof typeof UNIT_SECONDS];
  if (seconds < bounds.min || seconds > bounds.max)
    throw new UsageError(`${name} must be from ${bounds.min} s to ${bounds.max} s, got ${seconds} s`);
  return seconds;
}

export interface CommandIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Whether stdout is a terminal (unknown when absent). */
  readonly isTerminal?: () => boolean;
}

/** The process's own streams. */
export const PROCESS_IO: CommandIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTerminal: () => process.stdout.isTTY === true,
};

export interface RunOptions {
  /** The command that prints the help, named in usage errors (`npm start -- --help`). */
  readonly help: string;
  /** Print the stack trace of an unexpected error (`--verbose` or `DEBUG`). */
  readonly verbose?: boolean;
}

/** `--verbose` among the arguments, or `DEBUG` set: what asks for stack traces. */
export function verboseRequested(argv: readonly string[], env: Environment = process.env): boolean {
  return argv.includes('--verbose') || Boolean(env['DEBUG']?.trim());
}

/**
 * Runs a command's main function and turns its outcome into an exit code: 0 on success,
 * 2 with one line on {@link UsageError}, 1 with one line (and one per problem) on anything else.
 */
export async function runCommand(name: string, main: () => Promise<void>, io: CommandIo, options: RunOptions): Promise<number> {
  try {
    await main();
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const oneLine = message.split('\n')[0] ?? message;
    if (error instanceof UsageError) {
      io.stderr(`${name}: ${oneLine} (see ${options.help})\n`);
      return 2;
    }
    const problems = error instanceof CommandError ? error.problems.map((problem) => `  - ${problem}\n`).join('') : '';
    io.stderr(`${name}: ${oneLine}\n${problems}`);
    const expected = error instanceof CommandError;
    if (options.verbose && !expected && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
    return 1;
  }
}

// Node's parseArgs messages add a second sentence of advice about `--`; the first names the problem.
function firstSentence(message: string): string {
  const sentence = (message.split(/\.\s/)[0] ?? message)
    .replace(/\.$/, '')
    .replace(/^Unknown option/, 'unknown option')
    .replace(/^Option/, 'option');
  const ambiguous = /^option '(--[\w-]+)' argument is ambiguous/.exec(sentence);
  return ambiguous ? `${sentence}: write ${ambiguous[1]}=<value> for a value starting with "-"` : sentence;
}
