/**
 * Tollbooth's public CDK surface: the authorizer construct, its issuers, and the revocation table.
 */
export { TollboothAuthorizer, type TollboothAuthorizerProps } from './tollbooth-authorizer';
export { TrustedIssuer, type CognitoIssuerOptions, type OidcIssuerOptions } from './trusted-issuer';
export { RevocationTable, type RevocationTableProps } from './revocation-table';
export { PayloadV2HttpLambdaAuthorizer, type PayloadV2HttpLambdaAuthorizerProps } from './http-authorizer';
export { AuthorizerFunction, AUTHORIZER_ENVIRONMENT, type AuthorizerLogLevel } from './authorizer-function';
export { TollboothStack, type TollboothStackProps } from './tollbooth-stack';
