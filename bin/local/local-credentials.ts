/**
 * The region and static credentials the local stack's DynamoDB (dynalite) answers to: dynalite
 * accepts any, and the tools that talk to it (revoke, invoke) must use the same ones.
 */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
export const LOCAL_REGION = 'us-east-1';
