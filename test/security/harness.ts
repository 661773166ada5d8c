/**
 * The security suite's view of the authorizer: one real handler per response mode (loopback JWKS,
 * dynalite, jose-generated keys), every API Gateway event kind, and one function that turns
 * whatever the handler did — a response or a throw — into an {@link Observation} the tests judge.
 *
 * Why a separate harness: the attack catalogue, the fuzz properties and the fault tests all ask
 * the same two questions of every invocation ("was the invoked route allowed?" and "was the answer
 * a well-formed deny of the right shape?"), and they must answer them the way API Gateway would —
 * by evaluating the returned policy against the invoked ARN with IAM's wildcard rules, not by
 * trusting the log line.
 */
import { KeyObject } from 'node:crypto';
import type { PolicyDocument, Statement } from 'aws-lambda';
import type { AuthorizerHandler } from '../../lambdas/authorizer/handler';
import { isRecord } from '../../lambdas/core/guards';
import { isForbidden, type DenyReason } from '../../lambdas/core/reasons';
import { globMatches } from '../../lambdas/core/iam-glob';
import { httpApiV2Event, restRequestEvent, restTokenEvent, type EventOptions } from '../helpers/events';

/** The five ways API Gateway can call the authorizer (HTTP API 2.0 in both response modes). */
export const EVENT_KINDS = ['rest-token', 'rest-request', 'http-v1', 'http-v2-iam', 'http-v2-simple'] as const;
export type EventKindName = (typeof EVENT_KINDS)[number];

/** Kinds whose events carry headers and a query string (everything but the REST TOKEN event). */
export const REQUEST_KINDS: readonly EventKindName[] = ['rest-request', 'http-v1', 'http-v2-iam', 'http-v2-simple'];

/** Builds the event API Gateway would send for this kind. */
export function buildEvent(kind: EventKindName, options: EventOptions = {}): Record<string, unknown> {
  switch (kind) {
    case 'rest-token':
      return { ...restTokenEvent(options) };
    case 'rest-request':
      return { ...restRequestEvent(options) };
    case 'http-v1':
      return { ...restRequestEvent({ ...options, httpApiV1: true }) };
    case 'http-v2-iam':
    case 'http-v2-simple':
      return { ...httpApiV2Event(options) };
  }
}

/**
 * What each scope of SAMPLE_ROUTES grants, as `METHOD/path` IAM globs — written out by hand from
 * test/helpers/fixture.ts rather than computed by Tollbooth, so tests can judge its policies.
 */
export const SAMPLE_SCOPE_RESOURCES: Readonly<Record<string, readonly string[]>> = {
  'orders:read': ['GET/orders', 'GET/orders/*'],
  'orders:write': ['POST/orders', 'PUT/orders/*', 'DELETE/orders/*'],
  admin: ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'].map((method) => `${method}/admin/*`),
};

/** Whether these scopes grant `METHOD/path` (the path taken literally, as IAM takes a request). */
export function scopesGrant(scopes: readonly string[], resource: string): boolean {
  return scopes.some((scope) => (SAMPLE_SCOPE_RESOURCES[scope] ?? []).some((glob) => globMatches(glob, resource)));
}

/** Whether a policy allows an ARN as IAM evaluates it: some Allow matches and no Deny does. */
export function policyAllows(policy: PolicyDocument, arn: string): boolean {
  return statementsMatching(policy, 'Allow', arn).length > 0 && statementsMatching(policy, 'Deny', arn).length === 0;
}

/** The invoked route's ARN, as the event names it (`methodArn` or `routeArn`). */
export function invokedArn(event: Record<string, unknown>): string | undefined {
  const arn = event['routeArn'] ?? event['methodArn'];
  return typeof arn === 'string' ? arn : undefined;
}

/** What one invocation did, judged as API Gateway would. */
export type Observation =
  | {
      readonly outcome: 'allow';
      readonly principalId: string | undefined;
      readonly context: Record<string, unknown> | undefined;
      readonly response: unknown;
    }
  | { readonly outcome: 'deny'; readonly shape: DenyShape; readonly response: unknown }
  /** Anything API Gateway would turn into a 500, or a response it could not use. */
  | { readonly outcome: 'crash'; readonly detail: string };

/**
 * - `401`: the exact `Error('Unauthorized')` (REST only);
 * - `deny-all`: principal `anonymous`, one Deny for every route of the invoked API and stage;
 * - `explicit-deny`: a policy with an explicit Deny covering the invoked route;
 * - `implicit-deny`: a policy whose statements do not match the invoked route (403 by IAM);
 * - `not-authorized`: HTTP API simple response `{ isAuthorized: false }`.
 */
export type DenyShape = '401' | 'deny-all' | 'explicit-deny' | 'implicit-deny' | 'not-authorized';

/** Invokes the handler and judges the answer against the invoked route. Never throws. */
export async function observe(handler: AuthorizerHandler, kind: EventKindName, event: unknown): Promise<Observation> {
  let response: unknown;
  try {
    response = await handler(event);
  } catch (error) {
    // REST answers 401 only for exactly this error; anything else thrown is a 500.
    if (isExactlyUnauthorized(error) && (kind === 'rest-token' || kind === 'rest-request'))
      return { outcome: 'deny', shape: '401', response: undefined };
    return { outcome: 'crash', detail: `threw ${describeThrown(error)}` };
  }
  return judge(kind, event, response);
}

function judge(kind: EventKindName, event: unknown, response: unknown): Observation {
  if (!isRecord(response)) return { outcome: 'crash', detail: `returned ${typeof response}` };
  if (kind === 'http-v2-simple') {
    if (response['isAuthorized'] === true)
      return { outcome: 'allow', principalId: undefined, context: asRecord(response['context']), response };
    if (response['isAuthorized'] === false && Object.keys(response).length === 1)
      return { outcome: 'deny', shape: 'not-authorized', response };
    return { outcome: 'crash', detail: `malformed simple response ${JSON.stringify(response)}` };
  }
  const policy = response['policyDocument'] as PolicyDocument | undefined;
  if (policy?.Version !== '2012-10-17' || !Array.isArray(policy.Statement) || typeof response['principalId'] !== 'string') {
    return { outcome: 'crash', detail: `malformed policy response ${JSON.stringify(response).slice(0, 200)}` };
  }
  const arn = isRecord(event) ? invokedArn(event) : undefined;
  const allowed = arn !== undefined && policyAllows(policy, arn);
  if (allowed) return { outcome: 'allow', principalId: response['principalId'], context: asRecord(response['context']), response };
  const denyAll =
    response['principalId'] === 'anonymous' &&
    policy.Statement.length === 1 &&
    policy.Statement[0]?.Effect === 'Deny' &&
    resourcesOf(policy.Statement[0]).every((resource) => resource === '*' || resource.endsWith('/*'));
  if (denyAll) return { outcome: 'deny', shape: 'deny-all', response };
  if (arn !== undefined && statementsMatching(policy, 'Deny', arn).length > 0) return { outcome: 'deny', shape: 'explicit-deny', response };
  // Statements, none of which matches the route: IAM's implicit deny (Tollbooth's answer for a
  // path carrying IAM wildcard characters, which an explicit Deny cannot name exactly).
  if (policy.Statement.length > 0) return { outcome: 'deny', shape: 'implicit-deny', response };
  return { outcome: 'crash', detail: `empty policy: ${JSON.stringify(response)}` };
}

/**
 * The deny shape a reason must produce for this kind (see README, "Event kinds and status codes").
 * `invokedPath`: a forbidden route whose path holds `*` or `?` gets IAM's implicit deny instead.
 */
export function expectedDenyShape(kind: EventKindName, reason: DenyReason, invokedPath = ''): DenyShape {
  if (kind === 'http-v2-simple') return 'not-authorized';
  if (isForbidden(reason)) return /[*?]/.test(invokedPath) ? 'implicit-deny' : 'explicit-deny';
  return kind === 'rest-token' || kind === 'rest-request' ? '401' : 'deny-all';
}

/** IAM-style match of a policy's statements of one effect against an ARN. */
function statementsMatching(policy: PolicyDocument, effect: 'Allow' | 'Deny', arn: string): Statement[] {
  return policy.Statement.filter(
    (statement) => statement.Effect === effect && resourcesOf(statement).some((resource) => iamMatches(resource, arn)),
  );
}

/** IAM matches `*` across any characters and `?` as exactly one. */
function iamMatches(resource: string, arn: string): boolean {
  if (!resource.includes('?')) return globMatches(resource, arn);
  const pattern = new RegExp(
    `^${resource
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replaceAll('*', '.*')
      .replaceAll('?', '.')}$`,
    's',
  );
  return pattern.test(arn);
}

function resourcesOf(statement: Statement): string[] {
  const resource = (statement as { Resource?: string | string[] }).Resource;
  if (resource === undefined) return [];
  return Array.isArray(resource) ? resource : [resource];
}

export function isExactlyUnauthorized(error: unknown): boolean {
  return error instanceof Error && error.constructor === Error && error.message === 'Unauthorized';
}

function describeThrown(error: unknown): string {
  return error instanceof Error ? `${error.constructor.name}(${JSON.stringify(error.message)})` : typeof error;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return isRecord(value) ? value : undefined;
}

/** A `node:crypto` private key from a jose-generated test key, for {@link signRaw}. */
export function keyObjectOf(key: { readonly privateKey: unknown }): KeyObject {
  return KeyObject.from(key.privateKey as Parameters<typeof KeyObject.from>[0]);
}
