/**
 * The cold-start contract every Tollbooth Lambda entry shares.
 *
 * Inside Lambda, a failed initialisation (a bad configuration, say) must fail the cold start with
 * every problem named, so the function never answers with half a setup. Outside Lambda — a test or
 * a program importing an entry module for its factories — a missing configuration must not be an
 * import error: the returned handler reports it when called instead.
 */
import type { StructuredLogger } from './structured-logger';

/** Errors of cold start are logged here before they fail the initialisation. */
export type EntryLogger = Pick<StructuredLogger, 'error' | 'warn'>;

/** Runs `initialise` once and returns the handler it built, under the contract above. */
export async function initialiseEntry<Event, Result>(
  initialise: () => Promise<(event: Event) => Promise<Result>>,
  logger: EntryLogger,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<(event: Event) => Promise<Result>> {
  try {
    return await initialise();
  } catch (error) {
    if (env['AWS_LAMBDA_FUNCTION_NAME'] !== undefined) {
      logger.error('cold start failed', { error: error instanceof Error ? error.message : String(error) });
      throw error;
    }
    const failure = error instanceof Error ? error : new Error(String(error));
    return async () => {
      throw failure;
    };
  }
}

/**
 * Fetches every trusted issuer's JWKS at cold start; a shortfall is logged, never fatal. Issuers
 * sharing a JWKS URI share one fetch, so the expectation counts distinct URIs.
 */
export async function hydrateAtColdStart(
  hydrate: () => Promise<number>,
  issuers: ReadonlyArray<{ readonly keys: { readonly uri: string } }>,
  logger: EntryLogger,
): Promise<void> {
  const expected = new Set(issuers.map((issuer) => issuer.keys.uri)).size;
  const hydrated = await hydrate();
  if (hydrated < expected) logger.warn('cold start: not every JWKS could be fetched', { hydrated, expected });
}
