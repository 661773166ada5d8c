/**
 * Configuration test helpers shared by the config test files.
 */
import { ConfigError, parseConfig } from '../../lambdas/core/config/config';

/** The problems parseConfig reports for `raw`, or [] when it accepts it. */
export function problemsOf(raw: unknown): readonly string[] {
  try {
    parseConfig(raw);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}
