/**
 * The revocation table construct: schema from lambdas/core/revocation-table.ts, TTL, PITR,
 * on-demand billing, AWS-managed encryption, RETAIN, replicas, and import.
 */
import { describe, expect, it } from 'vitest';
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { REVOCATION_ATTRIBUTES } from '../../lambdas/core/revocation-table';
import { RevocationTable } from '../../lib/revocation-table';
import { templateOf, testApp, testStack } from '../helpers/cdk';

describe('RevocationTable', () => {
  it("creates a table keyed on the schema module's partition key, with TTL, PITR, on-demand billing and AWS-managed encryption, retained on delete", () => {
    // Prepare
    const stack = testStack();
    // Act
    new RevocationTable(stack, 'Revocations');
    // Assert
    const template = templateOf(stack);
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        KeySchema: [{ AttributeName: REVOCATION_ATTRIBUTES.partitionKey, KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: REVOCATION_ATTRIBUTES.partitionKey, AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
        TimeToLiveSpecification: { AttributeName: REVOCATION_ATTRIBUTES.expiresAt, Enabled: true },
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
        Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
      },
    });
  });

  it('honours an explicit removal policy', () => {
    const stack = testStack();
    new RevocationTable(stack, 'Revocations', { removalPolicy: RemovalPolicy.DESTROY });
    templateOf(stack).hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Delete' });
  });

  it('adds a replica per requested region in a stack with a region', () => {
    const stack = new Stack(testApp(), 'Regional', { env: { region: 'eu-west-1', account: '123456789012' } });
    new RevocationTable(stack, 'Revocations', { replicaRegions: ['us-east-1', 'ap-southeast-2'] });
    const replicas = Object.values(templateOf(stack).findResources('AWS::DynamoDB::GlobalTable'))[0]?.Properties.Replicas as Array<{
      Region: string;
    }>;
    expect(replicas.map((replica) => replica.Region).sort()).toEqual(['ap-southeast-2', 'eu-west-1', 'us-east-1']);
  });

  it.each([
    { name: 'in an environment-agnostic stack', env: undefined, regions: ['us-east-1'], message: /explicit region/ },
    { name: "listing the stack's own region", env: { region: 'eu-west-1' }, regions: ['eu-west-1'], message: /not the stack's own region/ },
    { name: 'listing a region twice', env: { region: 'eu-west-1' }, regions: ['us-east-1', 'us-east-1'], message: /each region once/ },
  ])('fails $name with replica regions', ({ env, regions, message }) => {
    const stack = new Stack(testApp(), 'Replicated', env ? { env } : {});
    expect(() => new RevocationTable(stack, 'Revocations', { replicaRegions: regions })).toThrow(message);
  });

  it('imports an existing table without creating one', () => {
    const stack = testStack();
    const existing = dynamodb.TableV2.fromTableName(stack, 'Existing', 'shared-revocations');
    const revocations = new RevocationTable(stack, 'Revocations', { existingTable: existing });
    expect(revocations.table).toBe(existing);
    expect(revocations.created).toBe(false);
    expect(stack.node.findAll().filter((construct) => construct instanceof dynamodb.TableV2)).toEqual([]);
  });
});
