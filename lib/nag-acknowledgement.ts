/**
 * Records, on a resource the library creates, that a cdk-nag finding was reviewed and why — in the
 * two places the two cdk-nag majors read: the construct metadata cdk-nag 3 reads
 * (`aws:cdk:acknowledged-rules`, the key aws-cdk-lib's `Validations.acknowledge` writes and
 * documents for plugin authors), and the resource's CloudFormation metadata `cdk_nag` that cdk-nag 2
 * reads (the format of its `NagSuppressions`). Apps on aws-cdk-lib before 2.257 can only run
 * cdk-nag 2, and cdk-nag 2 still runs on the newest releases.
 *
 * Why not `Validations.of(resource).acknowledge(...)`: that method only exists from aws-cdk-lib
 * 2.252, and until 2.269 it throws `InvalidValidationId` on the granular ids cdk-nag reports for
 * IAM wildcards (`AwsSolutions-IAM5[Resource::arn:…]`, whose `::` it takes for a namespace). The
 * construct library supports older releases (docs/attach.md, "Supported aws-cdk-lib versions"),
 * and an acknowledgement is only metadata: writing it directly works on every one of them.
 */
import type { CfnResource } from 'aws-cdk-lib';

/** The metadata type aws-cdk-lib's `Validations.ACKNOWLEDGED_RULES_METADATA_KEY` names (test/cdk checks they agree). */
export const ACKNOWLEDGED_RULES_METADATA_KEY = 'aws:cdk:acknowledged-rules';

/** The CloudFormation metadata key cdk-nag 2 reads its suppressions from. */
export const CDK_NAG_2_METADATA_KEY = 'cdk_nag';

/** One suppression as cdk-nag 2 writes it into CloudFormation metadata. */
interface CdkNag2Suppression {
  readonly id: string;
  readonly reason: string;
  readonly applies_to?: readonly string[];
  readonly is_reason_encoded?: true;
}

/**
 * Acknowledges one cdk-nag finding on a resource.
 *
 * @param resource where the finding is reported
 * @param id the finding as cdk-nag names it: `AwsSolutions-L1`, or with the one finding it is
 *   about, `AwsSolutions-IAM5[Resource::arn:…]`
 * @param reason why it is acceptable, for the reader of the audit trail
 */
export function acknowledgeNagFinding(resource: CfnResource, id: string, reason: string): void {
  resource.node.addMetadata(ACKNOWLEDGED_RULES_METADATA_KEY, { [id]: reason });
  const existing = resource.getMetadata(CDK_NAG_2_METADATA_KEY) as { rules_to_suppress?: CdkNag2Suppression[] } | undefined;
  resource.addMetadata(CDK_NAG_2_METADATA_KEY, {
    rules_to_suppress: [...(existing?.rules_to_suppress ?? []), cdkNag2Suppression(id, reason)],
  });
}

/** cdk-nag 2's form: the finding in `applies_to`, and a reason beyond Latin-1 base64-encoded, as its reader expects. */
function cdkNag2Suppression(id: string, reason: string): CdkNag2Suppression {
  const granular = /^([^[\]]+)\[(.+)\]$/.exec(id);
  const rule = granular?.[1] && granular[2] ? { id: granular[1], applies_to: [granular[2]] } : { id };
  const latin1 = [...reason].every((character) => (character.codePointAt(0) ?? 0) <= 255);
  return latin1 ? { ...rule, reason } : { ...rule, reason: Buffer.from(reason).toString('base64'), is_reason_encoded: true };
}
