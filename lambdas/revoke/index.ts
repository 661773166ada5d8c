/**
 * Lambda entry point for the revocation endpoint (`POST /revocations`): the only module of the
 * revoke function with import-time side effects, like the authorizer's `index.ts`.
 *
 * At cold start it reads the configuration (the authorizer's own document, from
 * `TOLLBOOTH_CONFIG_FILE` / `TOLLBOOTH_CONFIG`, plus `TOLLBOOTH_REVOCATION_TABLE` and the optional
 * `TOLLBOOTH_ADMIN_SCOPE`), builds the DynamoDB client and verifiers once, and fetches the trusted
 * issuers' JWKS (a failure is logged, not fatal). Inside Lambda a bad configuration fails the cold
 * start with every problem named; outside Lambda importing this module is not an error.
 *
 * Deployment contract (for the CDK wiring): the function needs `dynamodb:PutItem` on the
 * revocation table and nothing else from AWS; it is the only principal that may write the table
 * (the authorizer only needs `dynamodb:BatchGetItem`). It needs outbound HTTPS to the issuers'
 * JWKS URIs, exactly as the authorizer does.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { loadRevokeConfigFromEnvironment } from './config';
import { createRevoker, type RevokeHandler } from './handler';

const logger = new Logger({ serviceName: 'tollbooth-revoke' });

async function initialise(): Promise<RevokeHandler> {
  const config = loadRevokeConfigFromEnvironment();
  const revoker = createRevoker(config, { logger });
  if (config.authorizer.jwks.hydrateOnColdStart) {
    const hydrated = await revoker.hydrate();
    if (hydrated < config.authorizer.issuers.length) logger.warn('cold start: not every JWKS could be fetched', { hydrated, issuers: config.authorizer.issuers.length });
  }
  return revoker.handler;
}

const runningInLambda = process.env['AWS_LAMBDA_FUNCTION_NAME'] !== undefined;
let initialised: RevokeHandler | Error;
try {
  initialised = await initialise();
} catch (error) {
  if (runningInLambda) {
    logger.error('cold start failed', { error: error instanceof Error ? error.message : String(error) });
    throw error;
  }
  initialised = error instanceof Error ? error : new Error(String(error));
}

/** The Lambda handler: configure the function with `index.handler`. */
export const handler: RevokeHandler = async (event) => {
  if (initialised instanceof Error) throw initialised;
  return initialised(event);
};

export { createHandler, createRevoker } from './handler';
export type { RevokeDeps, RevokedEntry, RevokeHandler, Revoker } from './handler';
export { DEFAULT_ADMIN_SCOPE, loadRevokeConfigFromEnvironment, REVOKE_ENV, revokeConfigFrom } from './config';
export type { RevokeConfig, RevokeConfigOptions } from './config';
