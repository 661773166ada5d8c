/**
 * Tollbooth's public CDK surface: the authorizer construct, its issuers, the revocation table and its endpoint,
 * and the alarms and dashboard for the authorizer function.
 */
export { TollboothAuthorizer, type RevocationEndpointOptions, type TollboothAuthorizerProps } from './tollbooth-authorizer';
export { TrustedIssuer, type CognitoIssuerOptions, type OidcIssuerOptions } from './trusted-issuer';
export { RevocationTable, type RevocationTableProps } from './revocation-table';
export { PayloadV2HttpLambdaAuthorizer, type PayloadV2HttpLambdaAuthorizerProps } from './http-authorizer';
export { AuthorizerFunction, AUTHORIZER_ENVIRONMENT, type AuthorizerLogLevel } from './authorizer-function';
export { RevokeFunction, REVOKE_ENVIRONMENT, type RevokeFunctionProps } from './revoke-function';
export { TollboothFunction, type TollboothFunctionProps, type TollboothFunctionSettings } from './tollbooth-function';
export { TollboothStack, type TollboothStackProps } from './tollbooth-stack';
export { TollboothMonitoring, type TollboothMonitoringOptions, type TollboothMonitoringProps } from './tollbooth-monitoring';
