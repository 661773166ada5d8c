/**
 * Evaluates the IAM policy a Lambda authorizer returned against one `execute-api:Invoke` request,
 * as API Gateway does for REST APIs and for HTTP APIs in IAM-policy mode — including for every
 * later request that reuses the cached policy, which is why the local stack needs its own
 * evaluator rather than trusting "the authorizer said allow".
 *
 * IAM's evaluation logic within one policy: an explicit `Deny` that matches wins; otherwise an
 * `Allow` that matches allows; otherwise the request is implicitly denied. Matching:
 * - `Action`: case-insensitive, `*` and `?` wildcards (`execute-api:*` matches `execute-api:Invoke`);
 * - `Resource`: case-sensitive ARN globs, `*` = any run of characters **including `/`**, `?` = one
 *   character (IAM has no single-segment wildcard — the authorizer's route patterns rely on this).
 *
 * Statements this evaluator does not understand (`Condition`, `NotAction`, `NotResource`,
 * `Principal`) fail closed: such an `Allow` never matches and such a `Deny` always does.
 */
import { isRecord } from '../../lambdas/core/guards';

/** The outcome of evaluating a policy for one request. */
export type PolicyVerdict = 'allow' | 'explicit-deny' | 'implicit-deny';

export interface PolicyRequest {
  /** e.g. `execute-api:Invoke`. */
  readonly action: string;
  /** The execute-api ARN of the request (`routeArn` / `methodArn`). */
  readonly resource: string;
}

const UNSUPPORTED_STATEMENT_KEYS = ['Condition', 'NotAction', 'NotResource', 'Principal', 'NotPrincipal'];

/** True when `value` has the shape of an IAM policy document API Gateway accepts. */
export function isPolicyDocument(value: unknown): value is { Version: string; Statement: unknown[] } {
  if (!isRecord(value) || typeof value['Version'] !== 'string') return false;
  const statements = value['Statement'];
  return (
    Array.isArray(statements) &&
    statements.every((statement) => isRecord(statement) && (statement['Effect'] === 'Allow' || statement['Effect'] === 'Deny'))
  );
}

/** Evaluates a policy document for one request; anything malformed is an implicit deny. */
export function evaluatePolicy(policy: unknown, request: PolicyRequest): PolicyVerdict {
  if (!isPolicyDocument(policy)) return 'implicit-deny';
  let allowed = false;
  for (const statement of policy.Statement) {
    if (!isRecord(statement)) continue;
    const understood = UNSUPPORTED_STATEMENT_KEYS.every((key) => !(key in statement));
    const matches =
      understood && listMatches(statement['Action'], request.action, true) && listMatches(statement['Resource'], request.resource, false);
    if (statement['Effect'] === 'Deny' && (matches || !understood)) return 'explicit-deny';
    if (statement['Effect'] === 'Allow' && matches) allowed = true;
  }
  return allowed ? 'allow' : 'implicit-deny';
}

function listMatches(patterns: unknown, value: string, ignoreCase: boolean): boolean {
  const list = typeof patterns === 'string' ? [patterns] : Array.isArray(patterns) ? patterns : [];
  return list.some((pattern) => typeof pattern === 'string' && iamGlobMatches(pattern, value, ignoreCase));
}

/**
 * IAM wildcard match: `*` any run of characters (possibly empty), `?` exactly one. Iterative with
 * a single backtrack point, so a hostile path cannot make it exponential.
 *
 * Deliberately not the authorizer's `globMatches` (lambdas/core/route-pattern.ts): this plays API
 * Gateway's part, evaluating whatever policy the authorizer returns with IAM's full rules (`?`,
 * case-insensitive actions), so it must not share the authorizer's assumptions about its own output.
 */
export function iamGlobMatches(pattern: string, text: string, ignoreCase = false): boolean {
  const glob = ignoreCase ? pattern.toLowerCase() : pattern;
  const subject = ignoreCase ? text.toLowerCase() : text;
  let g = 0;
  let t = 0;
  let starAt = -1;
  let resumeAt = 0;
  while (t < subject.length) {
    if (g < glob.length && glob[g] === '*') {
      starAt = g++;
      resumeAt = t;
    } else if (g < glob.length && (glob[g] === '?' || glob[g] === subject[t])) {
      g++;
      t++;
    } else if (starAt !== -1) {
      g = starAt + 1;
      t = ++resumeAt;
    } else {
      return false;
    }
  }
  while (g < glob.length && glob[g] === '*') g++;
  return g === glob.length;
}
