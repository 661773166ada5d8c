/**
 * The text `npm start` prints once the stack is ready: where everything listens, which
 * configuration runs (and that edits apply), what was kept from the last run, the cache windows,
 * every scope with a request it is allowed and one it is refused, and ready-to-paste commands that
 * walk through allow (200), no token (401), too few scopes (403) and revocation (403 about a second
 * later with the revocation feed, the caches left on; else once both cache windows passed). The walkthrough is worked out from the configuration (walkthrough.ts), so it is true for
 * your routes as much as for the sample's.
 */
import { relative } from 'node:path';
import type { LocalStack } from './local-stack';
import { DEFAULT_STACK_NAME } from './state-dir';
import { curlFor, scopeExamples, type ExampleRequest } from './walkthrough';

/**
 * The ready banner for a started stack; `readyInMs` is shown as the start-up time.
 * `besideOtherStacks`: other local stacks were running when this one started.
 */
export function banner(stack: LocalStack, name: string, readyInMs: number, besideOtherStacks = false): string {
  const api = stack.apiUrl;
  const window = stack.revocationBoundSeconds;
  const table = stack.revocationTable;
  const config = stack.config;
  const others = stack.trustedIssuers.filter((issuer) => issuer !== stack.devIssuer.issuer);
  const lines = [
    `Tollbooth local stack "${name}" — ready in ${(readyInMs / 1000).toFixed(1)} s. Ctrl-C stops everything.`,
    '',
    `  HTTP API     ${api}   the configuration's routes, the real authorizer, API Gateway HTTP API semantics`,
    `  config       ${stack.configSource}${stack.watching ? ' — edits apply without a restart' : ''}`,
    `  dev issuer   ${stack.devIssuer.issuer}   OIDC discovery, JWKS, POST /token (mints any token: loopback only)`,
    ...(others.length > 0 ? [`  issuers      ${others.join(', ')}   (the configuration's, trusted beside the dev issuer)`] : []),
    table
      ? table.embedded
        ? `  DynamoDB     ${table.endpoint ?? ''}   dynalite in memory, table ${table.name}`
        : `  DynamoDB     table ${table.name} through the AWS SDK's standard chain (TOLLBOOTH_REVOCATION_TABLE)`
      : '  revocation   off in the configuration',
    ...keptLines(stack),
    table
      ? stack.followsFeed
        ? `  caches       authorizer result cache ${stack.authorizerCacheTtlSeconds} s, "not revoked" cache ${stack.notRevokedCacheSeconds} s; the revocation feed refuses a revoked token within about ${window} s`
        : `  caches       authorizer result cache ${stack.authorizerCacheTtlSeconds} s + "not revoked" cache ${stack.notRevokedCacheSeconds} s: a revocation is refused within ${window} s`
      : `  caches       authorizer result cache ${stack.authorizerCacheTtlSeconds} s`,
    '',
    scopesSection(stack),
    '',
  ];

  // The tools use the only running stack; beside another one they must be told which, so the
  // commands name the stack unless it is the default one running alone.
  const named = name !== DEFAULT_STACK_NAME || besideOtherStacks;
  const tool = (script: 'token' | 'revoke'): string => `npm run -s ${script} --${named ? ` --stack ${name}` : ''}`;
  const header = (variable: string): string => `${headerName(config.authorizer.token.headerName)}: Bearer $${variable}`;
  const [first] = scopeExamples(config).filter((example) => example.scope !== config.adminScope && example.allowed);
  if (first?.allowed) {
    const tries: Array<[string, string]> = [
      [curlFor(api, first.allowed, header('TOKEN')), `200, ${first.scope} grants ${describe(first.allowed)}`],
      [curlFor(api, first.allowed, undefined), '401, no token'],
      ...(first.refused
        ? [
            [curlFor(api, first.refused, header('TOKEN')), `403, ${first.scope} does not grant ${describe(first.refused)}`] as [
              string,
              string,
            ],
          ]
        : []),
    ];
    const width = Math.max(...tries.map(([command]) => command.length)) + 2;
    lines.push(
      '  Try it from another terminal, in this directory:',
      '',
      `    TOKEN=$(${tool('token')} --sub alice --scope ${first.scope})`,
      ...tries.map(([command, comment]) => `    ${command.padEnd(width)}# ${comment}`),
      '',
    );
    if (table) {
      const admin = config.adminScope
        ? [
            `    ADMIN=$(${tool('token')} --sub ops --scope ${config.adminScope})`,
            `    curl -i ${api}/revocations -H "${header('ADMIN')}" --data-urlencode "token=$TOKEN"`,
            `    #   …or write the table directly:  ${tool('revoke')} --token "$TOKEN"`,
          ]
        : [`    ${tool('revoke')} --token "$TOKEN"`];
      lines.push(
        '  Revoke the token, then watch it get refused:',
        '',
        ...admin,
        `    sleep ${window}; ${curlFor(api, first.allowed, header('TOKEN'))}    # 403, revoked${stack.followsFeed ? ' (caches left on)' : ''}`,
        '',
      );
    }
  }
  lines.push(`  More: npm run -s decode -- "$TOKEN" · ${tool('revoke')} --sub alice · npm start -- --help`, '');
  return lines.join('\n');
}

/** Every scope, the routes it grants, and a request it is allowed and one it is refused. */
export function scopesSection(stack: LocalStack): string {
  const config = stack.config;
  const width = Math.max(18, ...Object.keys(config.scopeRoutes).map((scope) => scope.length + 2));
  const lines = ['  Scopes: the routes each grants; with a token of that scope alone, a request allowed and one refused (403):'];
  for (const example of scopeExamples(config)) {
    const endpoint = example.scope === config.adminScope ? '   (the revocation endpoint)' : '';
    lines.push(`    ${example.scope.padEnd(width)} ${(config.scopeRoutes[example.scope] ?? []).join(', ')}${endpoint}`);
    const tries = [
      example.allowed ? `allows ${describe(example.allowed)}` : 'allows no route the API serves',
      example.refused ? `refuses ${describe(example.refused)}` : 'refuses none: it grants every route',
    ];
    lines.push(`    ${''.padEnd(width)} ${tries.join(', ')}`);
  }
  if (config.publicRoutes.length > 0) lines.push(`    ${'(public)'.padEnd(width)} ${config.publicRoutes.join(', ')}`);
  return lines.join('\n');
}

function keptLines(stack: LocalStack): string[] {
  const kept = stack.kept;
  if (!kept) return [];
  const fromHere = relative(process.cwd(), kept.folder);
  const folder = fromHere && !fromHere.startsWith('..') ? fromHere : kept.folder;
  return [
    kept.keyCreated
      ? `  state        ${folder}/   a new dev signing key (kept from now on: tokens outlive restarts on port ${stack.devIssuer.port})`
      : `  state        ${folder}/   the dev signing key of the last run: its tokens stay valid`,
    ...(stack.revocationTable?.embedded
      ? [`               revocations restored: ${kept.restoredRevocations} (saved after every write; --clear-revocations starts empty)`]
      : []),
  ];
}

function describe(request: ExampleRequest): string {
  return `${request.method} ${request.path}`;
}

/** `authorization` → `Authorization`, as people write header names. */
function headerName(lowerCase: string): string {
  return lowerCase.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => `${dash}${letter.toUpperCase()}`);
}
