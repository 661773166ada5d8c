/**
 * The authorizer's Lambda function: a {@link TollboothFunction} on the authorizer entry. Read
 * access to the revocation table is granted by `TollboothAuthorizer`.
 */
import type { Construct } from 'constructs';
import { DEFAULT_METRICS_NAMESPACE, DEFAULT_SERVICE_NAME } from '../lambdas/core/metric-names';
import { COMMON_ENVIRONMENT, TollboothFunction, type TollboothFunctionSettings } from './tollbooth-function';

/** The service name in every log line and metric of the authorizer. */
export const AUTHORIZER_SERVICE_NAME = DEFAULT_SERVICE_NAME;

/** Every environment variable the authorizer's code reads, declared on the function. */
export const AUTHORIZER_ENVIRONMENT = [...COMMON_ENVIRONMENT, 'POWERTOOLS_METRICS_NAMESPACE'] as const;

/** Properties of an {@link AuthorizerFunction}. */
export interface AuthorizerFunctionProps extends TollboothFunctionSettings {
  /**
   * CloudWatch namespace of the authorizer's EMF metrics (`POWERTOOLS_METRICS_NAMESPACE`).
   *
   * @default 'Tollbooth'
   */
  readonly metricsNamespace?: string;
}

/** The authorizer Lambda function. */
export class AuthorizerFunction extends TollboothFunction {
  constructor(scope: Construct, id: string, props: AuthorizerFunctionProps) {
    const { metricsNamespace, ...settings } = props;
    super(scope, id, {
      ...settings,
      extraEnvironment: { POWERTOOLS_METRICS_NAMESPACE: metricsNamespace ?? DEFAULT_METRICS_NAMESPACE },
      entry: 'authorizer',
      serviceName: AUTHORIZER_SERVICE_NAME,
      description: 'Tollbooth JWT authorizer',
      roleDescription: 'Tollbooth authorizer: writes its own logs and reads the revocation table, nothing else',
    });
  }
}
