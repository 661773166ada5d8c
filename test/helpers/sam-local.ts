/**
 * How `sam local start-api` decides a request that a Lambda authorizer guards — re-implemented from
 * SAM CLI's source, so the authorizer's real answers and the synthesized template can be judged by
 * SAM's rules without Docker or Python. aws/aws-sam-cli at 1.164.0 (commit fe8f8dbb1160abce8ae1,
 * "chore: bump version to 1.164.0"); line numbers are from that commit:
 *
 * - samcli/local/apigw/local_apigw_service.py:557-598 `_valid_identity_sources`: every identity
 *   source must be present (headers case-insensitively, `$context.X` a top-level key of the
 *   context), or SAM answers 401 without calling the authorizer (:679-681);
 * - :242-264 `_create_method_arn`: `arn:aws:execute-api:us-east-1:123456789012:1234567890/<the
 *   template's StageName>/<METHOD><the requested path>`;
 * - samcli/local/apigw/authorizers/lambda_authorizer.py:325-355 `is_valid_response`: simple
 *   responses (payload 2.0 with EnableSimpleResponses) by `isAuthorized` alone (:399-420), anything
 *   else must be an IAM policy whose shape is validated first (:490-550; a violation is a 502);
 * - :357-397 `_is_resource_authorized`: only `Allow` statements count (a `Deny` is ignored), the
 *   action must name `execute-api:Invoke`, and each resource becomes a regular expression by
 *   replacing `*` with `.*` and `?` with `.` and appending `$` — nothing else is escaped — matched
 *   with `re.match` (anchored at the start) against the method ARN;
 * - local_apigw_service.py:699-715: not authorized → 403, an invalid response → 502, a thrown
 *   error (REST's `Unauthorized` included) → 502 through Flask's error handler.
 *
 * The open pull request aws/aws-sam-cli#9155 escapes the resource before turning `*` and `?` into
 * wildcards; {@link SamMatching} `'pr-9155'` models it. JavaScript's and Python's regular expressions
 * agree on the ARNs here (letters, digits, `:`, `/`, `-`, `.`, `$`); `[` and `(` are errors in both.
 */

/** A resource of a synthesized template. */
export interface CfnResource {
  readonly Type: string;
  readonly Properties: Record<string, unknown>;
}

/** SAM CLI 1.164.0, or SAM CLI with aws/aws-sam-cli#9155 (resources taken literally, wildcards aside). */
export type SamMatching = 'sam-1.164.0' | 'pr-9155';

/** What SAM answers before the integration runs; `'allow'`: it goes on to the integration. */
export type SamOutcome = 401 | 403 | 502 | 'allow';

/** A Lambda authorizer as SAM reads it from the template. */
export interface SamAuthorizer {
  readonly payloadVersion: '1.0' | '2.0';
  readonly simpleResponses: boolean;
  /** `$request.header.Authorization`, `$context.routeKey`, … */
  readonly identitySources: readonly string[];
}

/** The API as SAM reads it from a synthesized template. */
export interface SamApi {
  /** The `StageName` of the last stage resource (SAM keeps the last one it meets), or `null`. */
  readonly stageName: string | null;
  readonly authorizer: SamAuthorizer;
  /** Route keys guarded by the authorizer. */
  readonly protectedRoutes: readonly string[];
}

/** Reads what `sam local start-api` reads of an HTTP API with one Lambda authorizer. */
export function samApiOf(resources: Readonly<Record<string, CfnResource>>): SamApi {
  const ofType = (type: string) => Object.values(resources).filter((resource) => resource.Type === type);
  const stages = ofType('AWS::ApiGatewayV2::Stage');
  const [authorizer] = ofType('AWS::ApiGatewayV2::Authorizer');
  if (!authorizer) throw new Error('the template has no HTTP API authorizer');
  const properties = authorizer.Properties;
  return {
    stageName: (stages.at(-1)?.Properties['StageName'] as string | undefined) ?? null,
    authorizer: {
      payloadVersion: properties['AuthorizerPayloadFormatVersion'] === '1.0' ? '1.0' : '2.0',
      simpleResponses: properties['EnableSimpleResponses'] === true,
      identitySources: (properties['IdentitySource'] as string[] | undefined) ?? [],
    },
    protectedRoutes: ofType('AWS::ApiGatewayV2::Route')
      .filter((route) => route.Properties['AuthorizationType'] === 'CUSTOM')
      .map((route) => String(route.Properties['RouteKey'])),
  };
}

/** The request as SAM's identity-source validators see it. */
export interface SamRequest {
  /** Header names as sent (looked up case-insensitively). */
  readonly headers: Readonly<Record<string, string>>;
  /** The top-level keys of SAM's context (`routeKey`, `stage`, …). */
  readonly context: Readonly<Record<string, unknown>>;
}

/** `_valid_identity_sources`: every source present and non-empty. */
export function samIdentitySourcesPresent(authorizer: SamAuthorizer, request: SamRequest): boolean {
  return authorizer.identitySources.every((source) => {
    const header = /^\$request\.header\.([a-zA-Z0-9._-]+)$/.exec(source)?.[1];
    if (header !== undefined)
      return Object.entries(request.headers).some(([name, value]) => name.toLowerCase() === header.toLowerCase() && value !== '');
    const context = /^\$context\.([a-zA-Z0-9._-]+)$/.exec(source)?.[1];
    // A dotted name is looked up as one flat key, so `$context.identity.sourceIp` is never found.
    if (context !== undefined) return request.context[context] !== undefined && request.context[context] !== '';
    return false;
  });
}

/** What the authorizer function did: answered with a body, or threw. */
export type AuthorizerRun = { readonly threw: true } | { readonly threw: false; readonly body: unknown };

/** SAM's decision on a request the authorizer was invoked for. */
export function samDecide(
  authorizer: SamAuthorizer,
  run: AuthorizerRun,
  methodArn: string,
  matching: SamMatching = 'sam-1.164.0',
): SamOutcome {
  if (run.threw) return 502;
  const body = run.body;
  if (!isObject(body)) return 502;
  if (authorizer.payloadVersion === '2.0' && authorizer.simpleResponses) {
    if (typeof body['isAuthorized'] !== 'boolean') return 502;
    return body['isAuthorized'] ? 'allow' : 403;
  }
  const policy = body['policyDocument'];
  if (typeof body['principalId'] !== 'string' || !isObject(policy)) return 502;
  const statements = policy['Statement'];
  if (!Array.isArray(statements) || statements.length === 0) return 502;
  for (const statement of statements) {
    if (!isObject(statement)) return 502;
    if (!(typeof statement['Action'] === 'string' || Array.isArray(statement['Action']))) return 502;
    if (typeof statement['Effect'] !== 'string') return 502;
    if (!(typeof statement['Resource'] === 'string' || Array.isArray(statement['Resource']))) return 502;
  }
  for (const statement of statements as Array<Record<string, unknown>>) {
    if (statement['Effect'] !== 'Allow') continue;
    const actions = ([] as unknown[]).concat(statement['Action']);
    if (!actions.includes('execute-api:Invoke')) continue;
    for (const resource of ([] as unknown[]).concat(statement['Resource'])) {
      const matched = samResourceMatches(String(resource), methodArn, matching);
      if (matched === 'error') return 502;
      if (matched) return 'allow';
    }
  }
  return 403;
}

/** One policy resource against the method ARN, as SAM matches it; `'error'` where Python's `re` raises. */
export function samResourceMatches(resource: string, methodArn: string, matching: SamMatching): boolean | 'error' {
  const escaped =
    matching === 'pr-9155'
      ? resource
          .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
          .replaceAll('\\*', '*')
          .replaceAll('\\?', '?')
      : resource;
  let pattern: RegExp;
  try {
    pattern = new RegExp(`^(?:${escaped.replaceAll('*', '.*').replaceAll('?', '.')}$)`);
  } catch {
    return 'error';
  }
  return pattern.test(methodArn);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
