/**
 * Records, on a construct the library creates, that a cdk-nag finding was reviewed and why — in
 * the construct metadata cdk-nag 3 reads (`aws:cdk:acknowledged-rules`, the key aws-cdk-lib's
 * `Validations.acknowledge` writes and documents for plugin authors).
 *
 * Why not `Validations.of(construct).acknowledge(...)`: that method only exists from aws-cdk-lib
 * 2.252, and until 2.269 it throws `InvalidValidationId` on the granular ids cdk-nag reports for
 * IAM wildcards (`AwsSolutions-IAM5[Resource::arn:…]`, whose `::` it takes for a namespace). The
 * construct library supports older releases (docs/attach.md, "Supported aws-cdk-lib versions"),
 * and an acknowledgement is only metadata: writing it directly works on every one of them.
 */
import type { IConstruct } from 'constructs';

/** The metadata type aws-cdk-lib's `Validations.ACKNOWLEDGED_RULES_METADATA_KEY` names (test/cdk checks they agree). */
export const ACKNOWLEDGED_RULES_METADATA_KEY = 'aws:cdk:acknowledged-rules';

/**
 * Acknowledges one cdk-nag finding on a construct (and, as cdk-nag reads it, on everything under it).
 *
 * @param construct where the finding is reported
 * @param id the finding as cdk-nag names it, e.g. `AwsSolutions-IAM5[Resource::arn:…]`
 * @param reason why it is acceptable, for the reader of the audit trail
 */
export function acknowledgeNagFinding(construct: IConstruct, id: string, reason: string): void {
  construct.node.addMetadata(ACKNOWLEDGED_RULES_METADATA_KEY, { [id]: reason });
}
