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
import { iamGlobMatches } from '../../bin/local/iam-policy';
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

const METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'];

/**
 * What each scope of SAMPLE_ROUTES grants, as regular expressions over `METHOD/path` — written out
 * by hand from test/helpers/fixture.ts and the documented semantics (`{id}` one segment, `*` and
 * `{proxy+}` any run, the latter non-empty) rather than computed by Tollbooth, so tests can judge
 * its decisions and policies.
 */
export const SAMPLE_SCOPE_GRANTS: Readonly<Record<string, readonly RegExp[]>> = {
  'orders:read': [/^GET\/orders$/, /^GET\/orders\/.*$/s],
  'orders:write': [/^POST\/orders$/, /^PUT\/orders\/[^/]+$/, /^DELETE\/orders\/[^/]+$/],
  admin: [/^(DELETE|GET|HEAD|OPTIONS|PATCH|POST|PUT)\/admin\/.+$/s],
};

/**
 * The IAM globs every policy of a scope lists — its patterns IAM can say exactly (`{id}` it
 * cannot), `ANY` written out per method — again by hand.
 */
export const SAMPLE_SCOPE_RESOURCES: Readonly<Record<string, readonly string[]>> = {
  'orders:read': ['GET/orders', 'GET/orders/*'],
  'orders:write': ['POST/orders'],
  admin: METHODS.map((method) => `${method}/admin/?*`),
};

/** Whether these scopes grant `METHOD/path` (the path taken literally). */
export function scopesGrant(scopes: readonly string[], resource: string): boolean {
  return scopes.some((scope) => (SAMPLE_SCOPE_GRANTS[scope] ?? []).some((grant) => grant.test(resource)));
}

/**
 * What an IAM policy for these scopes must allow on the invoked stage when API Gateway's cache is
 * keyed by the token (the security fixture's configuration): the scopes' exact globs, plus the
 * invoked resource when the scopes grant it but no exact glob does (and it holds no wildcard).
 */
export function expectedAllowList(scopes: readonly string[], invoked: string): string[] {
  const listed = [...new Set(scopes.flatMap((scope) => SAMPLE_SCOPE_RESOURCES[scope] ?? []))];
  const granted = scopesGrant(scopes, invoked);
  const listedCovers = listed.some((glob) => iamMatches(glob, invoked));
  // An invoked resource holding an IAM wildcard cannot be allowed exactly: it is refused instead.
  const expressible = !/[*?]/.test(invoked);
  return [...listed, ...(granted && !listedCovers && expressible ? [invoked] : [])].sort();
}

/** Whether a policy allows an ARN as IAM evaluates it: some Allow matches and no Deny does. */
export function policyAllows(policy: PolicyDocument, arn: string): boolean {
  return statementsMatching(policy, 'Allow', arn).length > 0 && statementsMatching(policy, 'Deny', arn).length === 0;
}

/** Curve orders by ECDSA signature length (Wycheproof `ec_prime_order_curves_test.json`). */
const CURVE_ORDERS: Readonly<Record<number, bigint>> = {
  64: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  96: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
  132: 0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
};

/** The token with s of its ECDSA signature replaced by `change(s, n)` (written here, not with Tollbooth's twin). */
export function withS(token: string, change: (s: bigint, n: bigint) => bigint, extraBytes = 0): string {
  const [h, p, signature = ''] = token.split('.');
  const bytes = Buffer.from(signature, 'base64url');
  const n = CURVE_ORDERS[bytes.length];
  if (n === undefined) throw new Error(`not an ECDSA signature: ${bytes.length} bytes`);
  const half = bytes.length / 2;
  const s = BigInt(`0x${bytes.subarray(half).toString('hex')}`);
  const changed = Buffer.from(
    change(s, n)
      .toString(16)
      .padStart(half * 2, '0'),
    'hex',
  );
  return `${h}.${p}.${Buffer.concat([bytes.subarray(0, half), changed, Buffer.alloc(extraBytes)]).toString('base64url')}`;
}
/** The ECDSA token's twin: s replaced by n − s, as valid as the original. */
export const twin = (token: string): string => withS(token, (s, n) => n - s);

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
  const overLimit = limitViolation(kind, response);
  if (overLimit) return { outcome: 'crash', detail: `a response API Gateway would refuse: ${overLimit}` };
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
export function expectedDenyShape(kind: EventKindName, reason: DenyReason, invokedPath = '', method = 'GET'): DenyShape {
  if (kind === 'http-v2-simple') return 'not-authorized';
  // The explicit Deny names the invoked ARN: left out when IAM would read a wildcard in it, or it is
  // longer than a Resource may be (the fixture's stage ARN is 60 characters).
  const arnLength = 'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/prod/'.length + method.length + invokedPath.length;
  if (isForbidden(reason)) return /[*?]/.test(invokedPath) || arnLength > 512 ? 'implicit-deny' : 'explicit-deny';
  return kind === 'rest-token' || kind === 'rest-request' ? '401' : 'deny-all';
}

/**
 * What in a response breaks API Gateway's documented limits for authorizer output (written out
 * here, not imported from Tollbooth): a policy `Resource` over 512 characters, a response over
 * Lambda's 6 MB, a `principalId` that is not a string, and — REST and HTTP API 1.0 — a `context`
 * value that is not a string, number or boolean. `undefined` when it keeps to them all.
 */
function limitViolation(kind: EventKindName, response: Record<string, unknown>): string | undefined {
  if (Buffer.byteLength(JSON.stringify(response)) > 6 * 1024 * 1024) return 'over 6 MB';
  if ('principalId' in response && typeof response['principalId'] !== 'string') return 'a principalId that is not a string';
  const policy = response['policyDocument'];
  if (isRecord(policy) && Array.isArray(policy['Statement'])) {
    for (const statement of policy['Statement'] as Statement[]) {
      const long = resourcesOf(statement).find((resource) => resource.length > 512);
      if (long) return `a Resource of ${long.length} characters`;
    }
  }
  const context = response['context'];
  if (context !== undefined && kind !== 'http-v2-simple' && kind !== 'http-v2-iam') {
    if (!isRecord(context)) return 'a context that is not an object';
    for (const [key, value] of Object.entries(context)) {
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
        return `context.${key} of type ${typeof value}`;
    }
  }
  return undefined;
}

/** IAM-style match of a policy's statements of one effect against an ARN. */
function statementsMatching(policy: PolicyDocument, effect: 'Allow' | 'Deny', arn: string): Statement[] {
  return policy.Statement.filter(
    (statement) => statement.Effect === effect && resourcesOf(statement).some((resource) => iamMatches(resource, arn)),
  );
}

/**
 * IAM's matching of a Resource (`*` any run, `/` included; `?` one character), by the local stack's
 * evaluator (bin/local/iam-policy.ts) — written apart from the authorizer, playing API Gateway.
 */
export function iamMatches(resource: string, arn: string): boolean {
  return iamGlobMatches(resource, arn);
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
