/**
 * The text `npm start` prints once the stack is ready: where everything listens, the cache
 * windows in effect, the routes and their scopes, and ready-to-paste commands that walk through
 * allow (200), no token (401), too few scopes (403) and revocation (403 about a second later, the
 * caches left on: the revocation feed).
 */
import { ADMIN_SCOPE, SAMPLE_PUBLIC_ROUTES } from '../../lib/sample-config';
import type { LocalStack } from './local-stack';

/** The ready banner for a started stack; `readyInMs` is shown as the start-up time. */
export function banner(stack: LocalStack, readyInMs: number): string {
  const api = stack.apiUrl;
  const window = stack.revocationBoundSeconds;
  const table = stack.revocationTable;
  const lines = [
    `Tollbooth local stack — ready in ${(readyInMs / 1000).toFixed(1)} s. Ctrl-C stops everything.`,
    '',
    `  HTTP API     ${api}   sample routes, the real authorizer, API Gateway HTTP API semantics`,
    stack.devIssuer
      ? `  dev issuer   ${stack.devIssuer.issuer}   OIDC discovery, JWKS, POST /token (mints any token: loopback only)`
      : `  issuers      ${stack.trustedIssuers.join(', ')}   (from TOLLBOOTH_CONFIG / TOLLBOOTH_CONFIG_FILE)`,
    table
      ? table.embedded
        ? `  DynamoDB     ${table.endpoint ?? ''}   dynalite in memory, table ${table.name}`
        : `  DynamoDB     table ${table.name} through the AWS SDK's standard chain (TOLLBOOTH_REVOCATION_TABLE)`
      : '  revocation   disabled by the configuration',
    `  caches       authorizer result cache ${stack.authorizerCacheTtlSeconds} s, "not revoked" cache ${stack.notRevokedCacheSeconds} s; the revocation feed refuses a revoked token within about ${window} s`,
    '',
    '  Routes:',
    ...Object.entries(stack.scopeRoutes).map(([scope, routes]) => `    ${scope.padEnd(18)} ${routes.join(', ')}`),
    `    ${'(public)'.padEnd(18)} ${SAMPLE_PUBLIC_ROUTES.join(', ')}`,
    '',
  ];
  const token = stack.devIssuer
    ? 'TOKEN=$(npm run -s token -- --sub alice --scope orders:read)'
    : 'TOKEN=<an access token from your identity provider with the orders:read scope>';
  lines.push(
    '  Try it from another terminal, in this directory:',
    '',
    `    ${token}`,
    `    curl -i ${api}/orders -H "Authorization: Bearer $TOKEN"            # 200, echoes the authorizer context`,
    `    curl -i ${api}/orders                                              # 401, no token`,
    `    curl -i -X POST ${api}/orders -H "Authorization: Bearer $TOKEN"    # 403, orders:read cannot POST`,
    '',
  );
  if (table) {
    const admin = stack.devIssuer
      ? `ADMIN=$(npm run -s token -- --sub ops --scope ${ADMIN_SCOPE})`
      : `ADMIN=<a token with the ${ADMIN_SCOPE} scope>`;
    lines.push(
      '  Revoke the token, then watch it get refused:',
      '',
      `    ${admin}`,
      `    curl -i ${api}/revocations -H "Authorization: Bearer $ADMIN" --data-urlencode "token=$TOKEN"`,
      '    #   …or write the table directly:  npm run -s revoke -- --token "$TOKEN"',
      `    sleep ${window}; curl -i ${api}/orders -H "Authorization: Bearer $TOKEN"    # 403, revoked (caches left on)`,
      '',
    );
  }
  lines.push('  More: npm run -s decode -- "$TOKEN" · npm run -s revoke -- --sub alice · npm start -- --help', '');
  return lines.join('\n');
}
