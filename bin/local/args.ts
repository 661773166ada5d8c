/**
 * What every Tollbooth command shares: argument parsing with `node:util` `parseArgs` (strict: an
 * unknown option is an error, never ignored), `--help`, readers for typed option values, and the
 * exit discipline — a bad invocation prints ONE line naming the problem and exits 2; a failure
 * while running (stack not reachable, DynamoDB refusing) prints one line and exits 1; no stack
 * traces for either.
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
  constructor(message: string) {
    super(message);
    this.name = 'CommandError';
  }
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
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
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
      options: { ...spec.options, help: { type: 'boolean', short: 'h' } },
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
  return { values: parsed.values as Record<string, string | boolean | undefined>, positionals: parsed.positionals };
}

/** A string option's value, trimmed; `undefined` when absent; refuses an empty one. */
export function stringOption(values: ParsedCommand['values'], name: string): string | undefined {
  const value = values[name];
  if (value === undefined || typeof value === 'boolean') return undefined;
  if (value.trim() === '') throw new UsageError(`--${name} needs a non-empty value`);
  return value.trim();
}

/** An integer option within bounds. */
export function integerOption(raw: string | undefined, name: string, bounds: { min: number; max: number }): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^-?\d+$/.test(raw)) throw new UsageError(`${name} must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < bounds.min || value > bounds.max) throw new UsageError(`${name} must be from ${bounds.min} to ${bounds.max}, got ${value}`);
  return value;
}

/** A port number (0 = any free port). */
export function portOption(raw: string | undefined, name: string): number | undefined {
  return integerOption(raw, name, { min: 0, max: 65_535 });
}

const DURATION = /^(\d+)(s|m|h)?$/;
const UNIT_SECONDS = { s: 1, m: 60, h: 3600 } as const;

/** A duration in seconds, written `90`, `90s`, `15m` or `2h`. */
export function durationOption(raw: string | undefined, name: string, bounds: { min: number; max: number }): number | undefined {
  if (raw === undefined) return undefined;
  const match = DURATION.exec(raw.trim());
  if (!match) throw new UsageError(`${name} must be a duration like 600, 15m or 1h, got "${raw}"`);
  const seconds = Number(match[1]) * UNIT_SECONDS[(match[2] ?? 's') as keyof typeof UNIT_SECONDS];
  if (seconds < bounds.min || seconds > bounds.max)
    throw new UsageError(`${name} must be from ${bounds.min} s to ${bounds.max} s, got ${seconds} s`);
  return seconds;
}

export interface CommandIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** The process's own streams. */
export const PROCESS_IO: CommandIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/**
 * Runs a command's main function and turns its outcome into an exit code: 0 on success,
 * 2 with one line on {@link UsageError}, 1 with one line on anything else.
 */
export async function runCommand(name: string, main: () => Promise<void>, io: CommandIo = PROCESS_IO): Promise<number> {
  try {
    await main();
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const oneLine = message.split('\n')[0] ?? message;
    if (error instanceof UsageError) {
      io.stderr(`${name}: ${oneLine} (see ${name} --help)\n`);
      return 2;
    }
    io.stderr(`${name}: ${oneLine}\n`);
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
