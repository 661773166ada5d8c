/**
 * The cache flusher's Lambda function (`lambdas/flusher/`): a {@link TollboothFunction} on the
 * flusher entry, triggered by the revocation table's stream for revocation rows only (an event
 * filter on the key prefixes, so feed items never invoke it). Its role may announce rows on the
 * feed (slots and heads only), read rows, and read the registrations under its own SSM path; each
 * protected API's stack grants it that API's cache flushes (`TollboothAuthorizer`).
 */
import { Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Construct } from 'constructs';
import { CONFIG_ENV } from '../lambdas/core/config/environment';
import { FLUSHER_SERVICE_NAME } from '../lambdas/core/metric-names';
import { FEED_KEY_PREFIX } from '../lambdas/core/revocation-feed';
import { REVOCATION_ATTRIBUTES, REVOCATION_KEY_PREFIXES } from '../lambdas/core/revocation-table';
import { TollboothFunction, type TollboothFunctionSettings } from './tollbooth-function';

/** Properties of a {@link CacheFlusherFunction}. */
export interface CacheFlusherFunctionProps extends TollboothFunctionSettings {
  /** The revocation table; must have a stream. */
  readonly table: dynamodb.ITable;
  /** The SSM path the protected APIs register under. */
  readonly registryPath: string;
}

/** The cache flusher Lambda function. */
export class CacheFlusherFunction extends TollboothFunction {
  constructor(scope: Construct, id: string, props: CacheFlusherFunctionProps) {
    const { table, registryPath, ...settings } = props;
    super(scope, id, {
      ...settings,
      entry: 'flusher',
      serviceName: FLUSHER_SERVICE_NAME,
      description: "Tollbooth cache flusher: announces revocations on the feed and flushes API Gateway's authorizer cache",
      roleDescription: 'Tollbooth cache flusher: reads the revocation stream, writes feed items, flushes registered API stages',
      extraEnvironment: { TOLLBOOTH_FLUSH_REGISTRY: registryPath, [CONFIG_ENV.revocationTable]: table.tableName },
    });
    const leadingKeys = { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${FEED_KEY_PREFIX}*`] } };
    this.addToRolePolicy(new iam.PolicyStatement({ actions: ['dynamodb:GetItem'], resources: [table.tableArn] }));
    this.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
        resources: [table.tableArn],
        conditions: leadingKeys,
      }),
    );
    table.encryptionKey?.grantEncryptDecrypt(this);
    const stack = Stack.of(this);
    this.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ssm:GetParametersByPath'],
        resources: [stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: registryPath.slice(1) })],
      }),
    );
    this.addEventSource(
      new DynamoEventSource(table, {
        startingPosition: lambda.StartingPosition.LATEST,
        batchSize: 100,
        retryAttempts: 10,
        bisectBatchOnError: true,
        filters: REVOCATION_KEY_PREFIXES.map((prefix) =>
          lambda.FilterCriteria.filter({
            eventName: lambda.FilterRule.or('INSERT', 'MODIFY'),
            dynamodb: { Keys: { [REVOCATION_ATTRIBUTES.partitionKey]: { S: lambda.FilterRule.beginsWith(prefix) } } },
          }),
        ),
      }),
    );
  }
}
