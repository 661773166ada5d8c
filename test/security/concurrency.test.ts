/**
 * Hundreds of concurrent invocations of one warm authorizer instance (as Lambda reuses an
 * execution environment, and as a Node.js handler interleaves at every await) with different
 * tokens: different subjects, different scopes for the same subject, revoked subjects, tampered
 * signatures, the same token several times at once, every event kind. Each answer must be exactly
 * its own token's: principal, context and granted routes — no decision or context may leak from
 * one request to another through the verified-token cache, the revocation cache, the grant memo
 * or any other shared state.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthorizerHandler } from '../../lambdas/authorizer/handler';
import type { DenyReason } from '../../lambdas/core/reasons';
import { executeApiArn } from '../helpers/events';
import { LogCapture } from '../helpers/log-capture';
import { buildEvent, EVENT_KINDS, expectedAllowList, expectedDenyShape, observe, scopesGrant, type EventKindName } from './harness';
import { REPORT_MODE, saveSection, staleness, type SectionResult } from './report';
import { startSecurityFixture, type SecurityFixture } from './security-fixture';

const SCOPE_SETS = ['orders:read', 'orders:write', 'admin', 'orders:read orders:write', 'orders:read admin', ''] as const;
const ROUTES = [
  { method: 'GET', path: '/orders', resource: 'GET/orders' },
  { method: 'POST', path: '/orders', resource: 'POST/orders' },
  { method: 'DELETE', path: '/orders/7', resource: 'DELETE/orders/7' },
  { method: 'PATCH', path: '/admin/users/3', resource: 'PATCH/admin/users/3' },
] as const;
const REQUESTS_PER_ROUND = 300;
const REVOKED_SUBJECTS = ['user-0', 'user-1', 'user-2', 'user-3'];
const ROUNDS = 2;

interface Request {
  readonly kind: EventKindName;
  readonly sub: string;
  readonly scope: string;
  readonly jti: string;
  readonly token: string;
  readonly tampered: boolean;
  readonly route: (typeof ROUTES)[number];
  readonly expected: 'allow' | DenyReason;
}

let world: SecurityFixture;
const handlers = {} as Record<'iam' | 'simple', AuthorizerHandler>;
const logs = { iam: new LogCapture(), simple: new LogCapture() };
let requests: Request[];
const checked = { allowed: 0, denied: 0, rounds: 0 };

beforeAll(async () => {
  world = await startSecurityFixture();
  // Generous DynamoDB bounds, connection included: hundreds of lookups at once queue up in dynalite,
  // which shares this process's event loop, and on a busy machine even accepting a connection can
  // take seconds. This test is about whose answer is whose, not about latency (faults-dynamodb is).
  const overrides = { revocation: { tableName: world.base.dynalite.tableName, requestTimeoutMs: 10_000, maxAttempts: 2 } };
  const dynamoDbClient = world.base.dynalite.client({ requestTimeoutMs: 10_000, maxAttempts: 2, connectionTimeoutMs: 10_000 });
  handlers.iam = world.authorizer({ overrides, deps: { logger: logs.iam, dynamoDbClient } }).handler;
  handlers.simple = world.authorizer({ simple: true, overrides, deps: { logger: logs.simple, dynamoDbClient } }).handler;
  // These subjects are signed out after all of their tokens were issued.
  const now = Math.floor(Date.now() / 1000);
  await Promise.all(REVOKED_SUBJECTS.map((sub) => world.writer.revokeSubject({ issuer: world.issuer, sub, before: now + 1 })));
  requests = [];
  for (let i = 0; i < REQUESTS_PER_ROUND; i++) requests.push(makeRequest(i, now, requests.at(-1)));
});

afterAll(async () => {
  await world.close();
});

function makeRequest(i: number, now: number, previous: Request | undefined): Request {
  const route = ROUTES[(i * 3) % ROUTES.length] ?? ROUTES[0];
  const kind = EVENT_KINDS[i % EVENT_KINDS.length] ?? 'http-v2-iam';
  // Every fifth request reuses the previous request's token (the same token twice at once).
  if (i % 5 === 1 && previous)
    return { ...previous, kind, route, expected: expectation(previous.scope, previous.sub, previous.tampered, route) };
  const sub = `user-${i % 40}`; // 40 subjects, each with several tokens of different scopes
  const scope = SCOPE_SETS[(i * 7) % SCOPE_SETS.length] ?? '';
  const jti = `jti-${i}`;
  let token = world.mint({
    key: [world.trusted.rsa, world.trusted.ec, world.trusted.ed][i % 3],
    claims: { sub, scope, jti, iat: now - 1 },
  });
  const tampered = i % 11 === 0;
  if (tampered) token = `${token.slice(0, token.lastIndexOf('.') + 1)}${Buffer.alloc(64, i).toString('base64url')}`;
  return { kind, sub, scope, jti, token, tampered, route, expected: expectation(scope, sub, tampered, route) };
}

function expectation(scope: string, sub: string, tampered: boolean, route: (typeof ROUTES)[number]): Request['expected'] {
  if (tampered) return 'bad_signature';
  if (REVOKED_SUBJECTS.includes(sub)) return 'revoked';
  return scopesGrant(scope.split(' '), route.resource) ? 'allow' : 'insufficient_scope';
}

/** What the handler logged for this request's token, so a failure names its reason (and error). */
function loggedReasons(request: Request): string {
  const capture = logs[request.kind === 'http-v2-simple' ? 'simple' : 'iam'];
  const lines = capture.decisions.filter((line) => line['jti'] === request.jti);
  const unattributed = capture.decisions.filter((line) => line['jti'] === undefined && line['reason'] !== 'bad_signature');
  return JSON.stringify({
    reasons: lines.map((line) => [line['reason'], line['error']]),
    denialsWithoutJti: unattributed.map((line) => [line['reason'], line['error']]).slice(0, 5),
  });
}

describe('concurrency on one warm instance', () => {
  it(`answers ${REQUESTS_PER_ROUND} concurrent requests × ${ROUNDS} rounds each with its own token's decision and context`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      // Act: all at once; the second round meets warm caches.
      const observations = await Promise.all(
        requests.map((request) =>
          observe(
            handlers[request.kind === 'http-v2-simple' ? 'simple' : 'iam'],
            request.kind,
            buildEvent(request.kind, { authorization: `Bearer ${request.token}`, method: request.route.method, path: request.route.path }),
          ),
        ),
      );

      // Assert
      observations.forEach((observation, index) => {
        const request = requests[index];
        if (!request) throw new Error('request list and answers differ in length');
        const label = `#${index} ${request.kind} ${request.sub} [${request.scope}] ${request.route.resource} (logged: ${loggedReasons(request)})`;
        if (request.expected === 'allow') {
          expect(observation.outcome, label).toBe('allow');
          if (observation.outcome !== 'allow') return;
          expect(observation.context, label).toEqual(expect.objectContaining({ sub: request.sub, scope: request.scope, jti: request.jti }));
          if (request.kind !== 'http-v2-simple') {
            expect(observation.principalId, label).toBe(request.sub);
            expect(allowedResources(observation.response), label).toEqual(
              expectedAllowList(request.scope.split(' ').filter(Boolean), request.route.resource),
            );
          }
          checked.allowed++;
          return;
        }
        expect(observation, label).toMatchObject({ outcome: 'deny', shape: expectedDenyShape(request.kind, request.expected) });
        if (request.expected === 'insufficient_scope' && request.kind !== 'http-v2-simple' && observation.outcome === 'deny') {
          // A forbidden answer still names its own subject and only its own grants.
          const response = observation.response as { principalId: string; context: Record<string, unknown> };
          expect(response.principalId, label).toBe(request.sub);
          expect(response.context, label).toEqual(expect.objectContaining({ sub: request.sub, scope: request.scope }));
          expect(allowedResources(observation.response), label).toEqual(
            expectedAllowList(request.scope.split(' ').filter(Boolean), request.route.resource),
          );
        }
        checked.denied++;
      });
      checked.rounds++;
    }
    expect(checked.allowed).toBeGreaterThan(50);
    expect(checked.denied).toBeGreaterThan(50);
  });

  it.skipIf(REPORT_MODE)("SECURITY.md shows this run's concurrency results", () => {
    expect(staleness(section())).toBeUndefined();
  });

  it.runIf(REPORT_MODE)("saves this run's concurrency results for SECURITY.md", () => {
    saveSection(section());
  });
});

function allowedResources(response: unknown): string[] {
  const statements = (response as { policyDocument: { Statement: Array<{ Effect: string; Resource: string[] }> } }).policyDocument
    .Statement;
  const prefix = executeApiArn('GET', '/').replace(/GET\/$/, '');
  return statements
    .filter((statement) => statement.Effect === 'Allow')
    .flatMap((statement) => statement.Resource)
    .map((resource) => resource.slice(prefix.length))
    .sort();
}

function section(): SectionResult {
  const total = REQUESTS_PER_ROUND * ROUNDS;
  const passed = checked.rounds === ROUNDS;
  return {
    id: 'concurrency',
    columns: ['Scenario', 'Expected', 'Result'],
    rows: [
      [
        `${REQUESTS_PER_ROUND} concurrent requests × ${ROUNDS} rounds on one warm instance: 40 subjects with several tokens of different scopes each, 4 subjects revoked, every 11th signature tampered, every 5th token sent twice at once, all 5 event kinds`,
        "each answer carries its own token's principal, context (sub, scope, jti) and granted routes; revoked and tampered tokens denied",
        passed ? `passed: ${total} answers checked` : 'FAILED',
      ],
    ],
    measured: [`${checked.allowed} allowed and ${checked.denied} denied answers checked against their own tokens`],
  };
}
