/**
 * Tollbooth's public CDK surface: the authorizer construct and its issuers, the revocation table,
 * and the alarms and dashboard for the authorizer function. Re-exports only.
 */
export { TollboothAuthorizer, type RevocationEndpointOptions, type TollboothAuthorizerProps } from './tollbooth-authorizer';
export { TrustedIssuer } from './trusted-issuer';
export type {
  AudienceOptions,
  Auth0IssuerOptions,
  ClaimOptions,
  ClaimPathSpec,
  CognitoIssuerOptions,
  EntraCloud,
  EntraIssuerOptions,
  GrantOptions,
  KeycloakIssuerOptions,
  OidcIssuerOptions,
  OidcProviderPreset,
  OktaIssuerOptions,
} from './trusted-issuer-options';
export { RevocationTable, type RevocationTableProps } from './revocation-table';
export { TollboothMonitoring, type TollboothMonitoringOptions, type TollboothMonitoringProps } from './tollbooth-monitoring';
export type { TollboothLogLevel } from './tollbooth-function';
export type { HttpApiResponseMode } from '../lambdas/core/config/config';
