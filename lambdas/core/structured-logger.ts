/**
 * The slice of Powertools' Logger that Tollbooth's Lambdas write through: a message and a flat
 * object of attributes at three levels. Both Lambdas, the local stack and the tests depend on this
 * shape rather than on Powertools, so tests pass a recorder and the local stack a terminal printer.
 */

/** Writes one structured line per call. Powertools' `Logger` satisfies it. */
export interface StructuredLogger {
  info(message: string, attributes: Record<string, unknown>): void;
  warn(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
}
