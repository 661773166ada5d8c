/**
 * The revocation endpoint's Lambda function (`POST /revocations`, `lambdas/revoke/`): a
 * {@link TollboothFunction} on the revoke entry, with the authorizer's own configuration file so a
 * token presented for revocation is verified against exactly what the authorizer trusts. Write
 * access to the table (`dynamodb:PutItem`, nothing else) is granted by
 * `TollboothAuthorizer.addRevocationEndpoint`: this is the only principal that writes it.
 */
import type { Construct } from 'constructs';
import { DEFAULT_REVOKE_SERVICE_NAME, REVOKE_ENV } from '../lambdas/revoke/config';
import { COMMON_ENVIRONMENT, TollboothFunction, type TollboothFunctionSettings } from './tollbooth-function';

/** The service name in every log line of the revocation endpoint. */
export const REVOKE_SERVICE_NAME = DEFAULT_REVOKE_SERVICE_NAME;

/** Every environment variable the revoke function's code reads, declared on the function. */
export const REVOKE_ENVIRONMENT = [...COMMON_ENVIRONMENT, REVOKE_ENV.adminScope] as const;

/** Properties of a {@link RevokeFunction}. */
export interface RevokeFunctionProps extends TollboothFunctionSettings {
  /** The scope an admin token must carry (checked again inside the function). */
  readonly adminScope: string;
}

/** The revocation endpoint Lambda function. */
export class RevokeFunction extends TollboothFunction {
  constructor(scope: Construct, id: string, props: RevokeFunctionProps) {
    const { adminScope, ...settings } = props;
    super(scope, id, {
      ...settings,
      entry: 'revoke',
      serviceName: REVOKE_SERVICE_NAME,
      description: 'Tollbooth revocation endpoint (POST /revocations)',
      roleDescription: 'Tollbooth revocation endpoint: writes its own logs and puts items in the revocation table, nothing else',
      extraEnvironment: { [REVOKE_ENV.adminScope]: adminScope },
    });
  }
}
