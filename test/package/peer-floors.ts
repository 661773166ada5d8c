/**
 * The oldest releases of the peer dependencies Tollbooth supports — the lower bounds of
 * package.json's `peerDependencies` — named once for the test that installs them
 * (peer-floor.test.ts) and for the test that keeps them equal to package.json and the docs
 * (test/unit/package/peer-range.test.ts).
 *
 * Why aws-cdk-lib 2.178.0 (docs/attach.md, "Supported aws-cdk-lib versions"): the revocation
 * table's `pointInTimeRecoverySpecification` arrived then, and an older release would ignore the
 * property without a word — a table without point-in-time recovery. constructs: the oldest 10.x,
 * as aws-cdk-lib 2.178.0 itself accepts `^10.0.0`.
 */
export const PEER_FLOORS = {
  'aws-cdk-lib': '2.178.0',
  constructs: '10.0.0',
} as const;
