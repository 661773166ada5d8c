/**
 * Tollbooth's public CDK surface: the authorizer construct and its issuers, the revocation table,
 * and the alarms and dashboard for the authorizer function. Re-exports only.
 */
export { TollboothAuthorizer, type RevocationEndpointOptions, type TollboothAuthorizerProps } from './tollbooth-authorizer';
export { TrustedIssuer, type CognitoIssuerOptions, type OidcIssuerOptions } from './trusted-issuer';
export { RevocationTable, type RevocationTableProps } from './revocation-table';
export { TollboothMonitoring, type TollboothMonitoringOptions, type TollboothMonitoringProps } from './tollbooth-monitoring';
export type { TollboothLogLevel } from './tollbooth-function';
export type { HttpApiResponseMode } from '../lambdas/core/config/config';
