/**
 * `npm start` (first version): runs the real authorizer on embedded defaults — a dev issuer and
 * dynalite on 127.0.0.1 — and walks sample requests of every API Gateway event kind through it:
 * allowed, missing token, too few scopes, and revoked. No AWS account, no Docker.
 */
import { parseConfig } from '../lambdas/authorizer/config';
import { createHandler } from '../lambdas/authorizer/handler';
import { RevocationWriter } from '../lambdas/shared/revocation-writer';
import { LOCAL_AUDIENCE, SAMPLE_SCOPE_ROUTES } from '../lib/sample-config';
import { startDevIssuer } from './local/dev-issuer';
import { startLocalDynamoDb } from './local/local-dynamodb';

const ARN = 'arn:aws:execute-api:us-east-1:123456789012:local0api/$default';

const issuer = await startDevIssuer({ audience: LOCAL_AUDIENCE });
const dynamodb = await startLocalDynamoDb();
try {
  const config = parseConfig({
    issuers: [{ type: 'oidc', issuer: issuer.issuer, audience: [LOCAL_AUDIENCE], jwksUri: issuer.jwksUri }],
    routes: SAMPLE_SCOPE_ROUTES,
    jwks: { allowInsecureLoopbackHttp: true },
    revocation: { tableName: dynamodb.tableName, notRevokedCacheSeconds: 0 },
  });
  const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const handler = createHandler(config, { dynamoDbClient: dynamodb.client(), logger: quiet });
  const reader = issuer.mint({ sub: 'alice', scope: 'orders:read' });

  const httpV2 = (method: string, path: string, authorization?: string) => ({
    version: '2.0', type: 'REQUEST', routeArn: `${ARN}/${method}${path}`, routeKey: `${method} ${path}`, rawPath: path,
    headers: authorization ? { authorization } : {}, identitySource: authorization ? [authorization] : [],
  });
  const restToken = (method: string, path: string, token: string) => ({ type: 'TOKEN', authorizationToken: token, methodArn: `${ARN}/${method}${path}` });

  const run = async (label: string, event: unknown): Promise<void> => {
    let outcome: string;
    try {
      const response = (await handler(event)) as { policyDocument?: { Statement: Array<{ Effect: string; Resource: unknown }> } };
      const effects = response.policyDocument?.Statement.map((s) => s.Effect) ?? [];
      outcome = effects.includes('Deny') ? '403 (deny policy)' : '200 (allow policy)';
    } catch (error) {
      outcome = error instanceof Error && error.message === 'Unauthorized' ? '401 (Unauthorized)' : `error: ${String(error)}`;
    }
    console.log(`${label.padEnd(58)} → ${outcome}`);
  };

  console.log(`Tollbooth authorizer on embedded defaults\n  dev issuer ${issuer.issuer}\n  DynamoDB   ${dynamodb.endpoint} (table ${dynamodb.tableName})\n`);
  await run('HTTP API 2.0  GET /orders   with orders:read', httpV2('GET', '/orders', `Bearer ${reader}`));
  await run('HTTP API 2.0  GET /orders   without a token', httpV2('GET', '/orders'));
  await run('HTTP API 2.0  POST /orders  with orders:read only', httpV2('POST', '/orders', `Bearer ${reader}`));
  await run('REST TOKEN    GET /orders/7 with orders:read', restToken('GET', '/orders/7', `Bearer ${reader}`));
  await run('REST TOKEN    GET /orders/7 with a tampered token', restToken('GET', '/orders/7', `Bearer ${reader.slice(0, -3)}abc`));
  const jti = JSON.parse(Buffer.from(reader.split('.')[1] ?? '', 'base64url').toString()).jti as string;
  await new RevocationWriter(dynamodb.client(), dynamodb.tableName).revokeToken({ issuer: issuer.issuer, jti, exp: Date.now() / 1000 + 3600 });
  await run('REST TOKEN    GET /orders/7 after revoking the token', restToken('GET', '/orders/7', `Bearer ${reader}`));
} finally {
  await Promise.all([issuer.close(), dynamodb.close()]);
}
