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
 * (the authorizer only reads it: `dynamodb:GetItem` and `dynamodb:BatchGetItem`). It needs outbound HTTPS to the issuers'
 * JWKS URIs, exactly as the authorizer does.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { hydrateAtColdStart, initialiseEntry } from '../core/lambda-entry';
import { DEFAULT_REVOKE_SERVICE_NAME, loadRevokeConfigFromEnvironment } from './config';
import { createRevoker, type RevokeHandler } from './handler';

const logger = new Logger({ serviceName: DEFAULT_REVOKE_SERVICE_NAME });

async function initialise(): Promise<RevokeHandler> {
  const config = loadRevokeConfigFromEnvironment();
  const revoker = createRevoker(config, { logger });
  if (config.authorizer.jwks.hydrateOnColdStart) await hydrateAtColdStart(revoker.hydrate, config.authorizer.issuers, logger);
  return revoker.handler;
}

/** The Lambda handler: configure the function with `index.handler`. */
export const handler: RevokeHandler = await initialiseEntry(initialise, logger);

export { createHandler, createRevoker } from './handler';
export type { RevokeDeps, RevokedEntry, RevokeHandler, Revoker } from './handler';
export { DEFAULT_ADMIN_SCOPE, DEFAULT_REVOKE_SERVICE_NAME, loadRevokeConfigFromEnvironment, REVOKE_ENV, revokeConfigFrom } from './config';
export type { RevokeConfig, RevokeConfigOptions } from './config';
