/**
 * `POST /revocations`: the admin endpoint that writes the revocation table, behind the
 * authorizer on an HTTP API (Lambda proxy integration, payload format 2.0).
 *
 * Knows no environment variables: `index.ts` is the Lambda entry, and the local stack builds this
 * handler with the same configuration. The answers follow RFC 7009 §2.2:
 *
 * | request                                           | status | body                                        |
 * |---------------------------------------------------|--------|---------------------------------------------|
 * | revoked (or already revoked: writes are idempotent) | 200  | `{ "revoked": [ …items written… ] }`        |
 * | token expired, or can never verify here           | 200    | `{ "revoked": [], "reason": "<code>" }`     |
 * | malformed request                                 | 400    | `{ "error": "invalid_request", … }`          |
 * | `token_type_hint=refresh_token`                   | 400    | `{ "error": "unsupported_token_type", … }`   |
 * | token that might verify later (unknown `kid`, `nbf`) | 400 | `{ "error": "invalid_request", … }`          |
 * | caller's token lacks the admin scope              | 403    | `{ "error": "insufficient_scope", … }`       |
 * | JWKS or DynamoDB unavailable                      | 503    | `{ "error": "temporarily_unavailable" }`, `Retry-After` |
 *
 * The admin scope is enforced twice: by the authorizer's route grants, and here from the context
 * the authorizer passes (`requestContext.authorizer.lambda.scope`), so a route wired without the
 * authorizer by mistake cannot become a public "revoke anyone" button. That context lists the
 * verified token's scopes joined by single spaces, and every scope is an RFC 6749 scope token (the
 * authorizer refuses any other), so the list is read back by that grammar and nothing looser: a
 * list that does not follow it grants nothing here.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Fetcher } from 'aws-jwt-verify/https';
import { REVOKE_WRITE_SETTINGS } from '../core/config/defaults';
import { createDynamoDbClient } from '../core/dynamodb-client';
import { loggableError } from '../core/error-class';
import { canonicalIssuer } from '../core/issuer-aliases';
import { isRecord } from '../core/guards';
import { RevocationWriter } from '../core/revocation-writer';
import { parseScopeString } from '../core/scope-tokens';
import type { StructuredLogger } from '../core/structured-logger';
import { DEFAULT_REVOKE_SERVICE_NAME, type RevokeConfig } from './config';
import { parseRevocationRequest, type RevocationRequest } from './revocation-request';
import { createTokenInspector } from './token-inspector';

export interface RevokeDeps {
  /** DynamoDB client for the writer. Default: bounded client from the SDK's standard config. */
  readonly dynamoDbClient?: DynamoDBClient;
  /** How JWKS documents are fetched. Default: the authorizer's bounded fetcher. */
  readonly jwksFetcher?: Fetcher;
  /** Milliseconds since the epoch. */
  readonly now?: () => number;
  /** One line per request. Default: Powertools Logger. */
  readonly logger?: StructuredLogger;
}

/** One item written, as reported to the caller. */
export type RevokedEntry =
  | { readonly type: 'token'; readonly iss: string; readonly jti: string; readonly expiresAt: number }
  | { readonly type: 'session'; readonly iss: string; readonly originJti: string; readonly expiresAt: number }
  | { readonly type: 'subject'; readonly iss: string; readonly sub: string; readonly revokedBefore: number; readonly expiresAt: number };

export type RevokeHandler = (event: unknown) => Promise<APIGatewayProxyStructuredResultV2>;

export interface Revoker {
  readonly handler: RevokeHandler;
  /** Fetches every trusted issuer's JWKS; resolves to how many succeeded. Never rejects. */
  hydrate(): Promise<number>;
}

const RETRY_AFTER_SECONDS = 5;

/**
 * Builds the revocation endpoint: writer, token inspector and DynamoDB client are created once and
 * shared by every call. The handler never throws: anything unexpected is a 500 with no detail.
 */
export function createRevoker(config: RevokeConfig, deps: RevokeDeps = {}): Revoker {
  const now = deps.now ?? Date.now;
  const logger = deps.logger ?? new Logger({ serviceName: DEFAULT_REVOKE_SERVICE_NAME });
  // Writes may wait a little longer than the authorizer's hot-path reads: an admin can afford it.
  const client = deps.dynamoDbClient ?? createDynamoDbClient(REVOKE_WRITE_SETTINGS);
  const writer = new RevocationWriter(client, config.tableName, now);
  const inspector = createTokenInspector(config.authorizer, { now, ...(deps.jwksFetcher ? { jwksFetcher: deps.jwksFetcher } : {}) });
  const trustedIssuers = config.authorizer.issuers.map((issuer) => issuer.issuer);

  async function handler(event: unknown): Promise<APIGatewayProxyStructuredResultV2> {
    try {
      return await handle(readEvent(event));
    } catch (error) {
      logger.error('revocation failed', { error: loggableError(error) });
      return respond(500, { error: 'server_error' });
    }
  }

  async function handle(event: EventParts | undefined): Promise<APIGatewayProxyStructuredResultV2> {
    if (!event) return respond(400, { error: 'invalid_request', error_description: 'not an HTTP API (payload format 2.0) request' });
    if (event.method !== 'POST') return respond(405, { error: 'invalid_request', error_description: 'use POST' }, { allow: 'POST' });
    if (!event.callerScopes.includes(config.adminScope)) {
      logger.warn('revocation refused', { by: event.callerSub, reason: 'insufficient_scope' });
      return respond(403, { error: 'insufficient_scope', error_description: `the caller's token needs the ${config.adminScope} scope` });
    }
    const parsed = parseRevocationRequest(event);
    if (!parsed.ok) return respond(400, { error: parsed.error, error_description: parsed.description });

    const reason = `${parsed.request.reason ?? 'POST /revocations'} (by ${event.callerSub ?? 'unknown'})`;
    const outcome = await revoke(parsed.request, reason);
    logger.info('revocation', { by: event.callerSub, kind: parsed.request.kind, status: outcome.response.statusCode, ...outcome.log });
    return outcome.response;
  }

  function revoke(request: RevocationRequest, reason: string): Promise<Outcome> {
    if (request.kind === 'token') return revokeByToken(request.token, reason);
    const issuer = resolveIssuer(request.iss);
    if (!issuer.ok) return Promise.resolve(outcome(400, { error: 'invalid_request', error_description: issuer.description }));
    if (request.kind === 'jti') return revokeByJti(issuer.value, request.jti, request.exp, reason);
    return revokeBySubject(issuer.value, request.sub, reason);
  }

  async function revokeByToken(token: string, reason: string): Promise<Outcome> {
    const inspection = await inspector.inspect(token);
    switch (inspection.status) {
      case 'unavailable':
        return unavailable('the token could not be verified right now', { reason: inspection.reason });
      case 'undecidable':
        return outcome(
          400,
          {
            error: 'invalid_request',
            error_description: `the token cannot be verified yet (${inspection.reason}) and might become valid later; nothing was written: revoke it by jti or sub instead`,
          },
          { reason: inspection.reason },
        );
      case 'expired':
        return outcome(
          200,
          { revoked: [], reason: inspection.reason, message: 'the token has expired: nothing to revoke' },
          { reason: inspection.reason },
        );
      case 'invalid':
        return outcome(
          200,
          {
            revoked: [],
            reason: inspection.reason,
            message: 'the token does not verify here, so the authorizer refuses it anyway: nothing to revoke',
          },
          { reason: inspection.reason },
        );
      default:
        break;
    }
    const { claims } = inspection;
    const log = { sub: claims.sub, jti: claims.jti, iss: claims.issuer };
    if (!claims.jti && !claims.originJti) {
      return outcome(
        200,
        {
          revoked: [],
          reason: 'missing_claim',
          message: 'the token has no jti, so the authorizer refuses it while revocation is enabled; revoke its sub to be sure',
        },
        log,
      );
    }
    return write(log, async () => {
      const entries: RevokedEntry[] = [];
      if (claims.jti) {
        const item = await writer.revokeToken({ issuer: claims.issuer, jti: claims.jti, exp: claims.exp, reason });
        entries.push({ type: 'token', iss: claims.issuer, jti: claims.jti, expiresAt: item.expiresAt });
      }
      if (claims.originJti) {
        const item = await writer.revokeSession({
          issuer: claims.issuer,
          originJti: claims.originJti,
          maxTokenLifetimeSeconds: config.maxTokenLifetimeSeconds,
          reason,
        });
        entries.push({ type: 'session', iss: claims.issuer, originJti: claims.originJti, expiresAt: item.expiresAt });
      }
      return entries;
    });
  }

  async function revokeByJti(issuer: string, jti: string, exp: number | undefined, reason: string): Promise<Outcome> {
    const nowSeconds = Math.floor(now() / 1000);
    const expiresAt = exp ?? nowSeconds + config.maxTokenLifetimeSeconds;
    if (expiresAt <= nowSeconds) return outcome(200, { revoked: [], reason: 'expired', message: 'exp has passed: nothing to revoke' });
    return write({ jti, iss: issuer }, async () => {
      const item = await writer.revokeToken({ issuer, jti, exp: expiresAt, reason });
      return [{ type: 'token', iss: issuer, jti, expiresAt: item.expiresAt }];
    });
  }

  async function revokeBySubject(issuer: string, sub: string, reason: string): Promise<Outcome> {
    return write({ sub, iss: issuer }, async () => {
      const item = await writer.revokeSubject({ issuer, sub, maxTokenLifetimeSeconds: config.maxTokenLifetimeSeconds, reason });
      return [
        { type: 'subject', iss: issuer, sub, revokedBefore: item.revokedBefore ?? Math.floor(now() / 1000), expiresAt: item.expiresAt },
      ];
    });
  }

  /** Runs the writes; a DynamoDB failure is a 503 (the caller must assume nothing was revoked). */
  async function write(log: Record<string, unknown>, action: () => Promise<RevokedEntry[]>): Promise<Outcome> {
    try {
      return outcome(200, { revoked: await action() }, log);
    } catch (error) {
      const described = loggableError(error);
      return unavailable('the revocation table could not be written', { ...log, error: described });
    }
  }

  function resolveIssuer(iss: string | undefined): { ok: true; value: string } | { ok: false; description: string } {
    if (iss !== undefined) {
      // Any form the verifier accepts names its configured issuer (a Cognito pool's global-form iss).
      const configured = trustedIssuers.find((trusted) => canonicalIssuer(trusted) === canonicalIssuer(iss));
      return configured !== undefined
        ? { ok: true, value: configured }
        : { ok: false, description: `iss "${iss}" is not a trusted issuer (trusted: ${trustedIssuers.join(', ')})` };
    }
    const [only, ...others] = trustedIssuers;
    if (only !== undefined && others.length === 0) return { ok: true, value: only };
    return { ok: false, description: `iss is required: ${trustedIssuers.length} issuers are trusted (${trustedIssuers.join(', ')})` };
  }

  return { handler, hydrate: () => inspector.hydrate() };
}

interface Outcome {
  readonly response: APIGatewayProxyStructuredResultV2;
  /** Extra attributes for the log line: never the token. */
  readonly log: Record<string, unknown>;
}

function outcome(
  statusCode: number,
  body: Record<string, unknown>,
  log: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Outcome {
  return { response: respond(statusCode, body, headers), log };
}

/** RFC 7009 §2.2.1: 503 means the token may still be valid; the client may retry later. */
function unavailable(what: string, log: Record<string, unknown>): Outcome {
  return outcome(503, { error: 'temporarily_unavailable', error_description: `${what}: treat the token as still valid and retry` }, log, {
    'retry-after': String(RETRY_AFTER_SECONDS),
  });
}

/** The Lambda-shaped handler of {@link createRevoker}. */
export function createHandler(config: RevokeConfig, deps?: RevokeDeps): RevokeHandler {
  return createRevoker(config, deps).handler;
}

interface EventParts {
  readonly method: string;
  readonly contentType: string | undefined;
  readonly body: string | undefined;
  readonly isBase64Encoded: boolean;
  readonly callerScopes: readonly string[];
  readonly callerSub: string | undefined;
}

/**
 * The parts of a payload 2.0 proxy event this handler uses, read defensively. The authorizer's
 * context arrives as `requestContext.authorizer.lambda` (IAM-policy and simple responses alike).
 */
function readEvent(event: unknown): EventParts | undefined {
  if (!isRecord(event) || !isRecord(event['requestContext'])) return undefined;
  const requestContext = event['requestContext'];
  const http = requestContext['http'];
  if (!isRecord(http) || typeof http['method'] !== 'string') return undefined;
  const authorizer = isRecord(requestContext['authorizer']) ? requestContext['authorizer'] : {};
  const context = isRecord(authorizer['lambda']) ? authorizer['lambda'] : {};
  const headers = isRecord(event['headers']) ? event['headers'] : {};
  const contentType = Object.entries(headers).find(([name]) => name.toLowerCase() === 'content-type')?.[1];
  return {
    method: http['method'].toUpperCase(),
    contentType: typeof contentType === 'string' ? contentType : undefined,
    body: typeof event['body'] === 'string' ? event['body'] : undefined,
    isBase64Encoded: event['isBase64Encoded'] === true,
    callerScopes: (typeof context['scope'] === 'string' ? parseScopeString(context['scope']) : undefined) ?? [],
    callerSub: typeof context['sub'] === 'string' ? context['sub'] : undefined,
  };
}

function respond(
  statusCode: number,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 {
  // RFC 6749 §5.1: responses carrying token-related data are never cached.
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}
