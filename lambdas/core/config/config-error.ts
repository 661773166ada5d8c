/**
 * The one error a configuration problem becomes. Kept apart from the parser so that callers that
 * only catch it (the environment loader, the revoke endpoint's configuration, the CDK construct at
 * synth time) need not import the parser, and the parser's helpers need not import their caller.
 */
import { describeProblems } from '../problems';

/** Thrown by `parseConfig` and every other configuration reader; `problems` lists every problem found. */
export class ConfigError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(describeProblems('Invalid Tollbooth configuration', problems));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}
