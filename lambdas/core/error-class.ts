import { redactTokenShapes } from './log-redaction';

/**
 * Names an error's class for logs. aws-jwt-verify's error classes do not set `name`, so
 * `error.name` reads "Error" for all of them; the constructor's name tells them apart, and it
 * survives bundling because the bundle keeps names (`keepNames` in lib/bundling.ts).
 */
export function errorClassName(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const constructorName = error.constructor?.name;
  return constructorName && constructorName !== 'Error' ? constructorName : error.name;
}

/** Longest error text a log line carries: enough to diagnose, too short to echo a request back. */
export const MAX_LOGGED_ERROR_LENGTH = 300;

/** `Class: message`, for log lines about infrastructure failures. */
export function describeError(error: unknown): string {
  return error instanceof Error ? `${errorClassName(error)}: ${error.message}` : String(error);
}

/**
 * `Class: message` as a log line may carry it: bounded, and with anything shaped like a token
 * redacted, in case a library echoes its input in a message.
 */
export function loggableError(error: unknown): string {
  return redactTokenShapes(describeError(error)).slice(0, MAX_LOGGED_ERROR_LENGTH);
}
