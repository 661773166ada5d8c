/**
 * The authorizer's Lambda function: a {@link TollboothFunction} on the authorizer entry. Read
 * access to the revocation table is granted by `TollboothAuthorizer`.
 */
import type { Construct } from 'constructs';
import { COMMON_ENVIRONMENT, TollboothFunction, type TollboothFunctionSettings } from './tollbooth-function';

export { defaultAuthorizerRuntime, lambdaBundlingOptions, nodeMajorOf, type AuthorizerLogLevel } from './tollbooth-function';

/** The service name in every log line of the authorizer. */
export const AUTHORIZER_SERVICE_NAME = 'tollbooth-authorizer';

/** Every environment variable the authorizer's code reads, declared on the function. */
export const AUTHORIZER_ENVIRONMENT = COMMON_ENVIRONMENT;

/** Properties of an {@link AuthorizerFunction}. */
export type AuthorizerFunctionProps = TollboothFunctionSettings;

/** The authorizer Lambda function. */
export class AuthorizerFunction extends TollboothFunction {
  constructor(scope: Construct, id: string, props: AuthorizerFunctionProps) {
    super(scope, id, {
      ...props,
      entry: 'authorizer',
      serviceName: AUTHORIZER_SERVICE_NAME,
      description: 'Tollbooth JWT authorizer',
      roleDescription: 'Tollbooth authorizer: writes its own logs and reads the revocation table, nothing else',
    });
  }
}
