/**
 * A logger double that records every line, so tests assert on the decision log and prove that
 * no token ever reaches it.
 */
import type { DecisionLogger } from '../../lambdas/authorizer/decision-log';

export interface LogLine {
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
  readonly attributes: Record<string, unknown>;
}

export class LogCapture implements DecisionLogger {
  readonly lines: LogLine[] = [];

  info(message: string, attributes: Record<string, unknown>): void {
    this.lines.push({ level: 'info', message, attributes });
  }

  warn(message: string, attributes: Record<string, unknown>): void {
    this.lines.push({ level: 'warn', message, attributes });
  }

  error(message: string, attributes: Record<string, unknown>): void {
    this.lines.push({ level: 'error', message, attributes });
  }

  /** Attributes of every decision line, oldest first. */
  get decisions(): Record<string, unknown>[] {
    return this.lines.filter((line) => line.message === 'authorizer decision').map((line) => line.attributes);
  }

  get lastDecision(): Record<string, unknown> | undefined {
    return this.decisions.at(-1);
  }

  /** Everything logged, as one string, for "never contains the token" assertions. */
  get text(): string {
    return JSON.stringify(this.lines);
  }

  clear(): void {
    this.lines.length = 0;
  }
}
