/**
 * `npm run invoke -- <event.json>`: the Docker-free counterpart of `sam local invoke`. Builds the
 * authorizer bundle exactly as the construct does, runs it on the event in a fresh process, and
 * returns what `sam local invoke` prints — the response JSON, or for a failed invocation the
 * error object (`{"errorType":"Error","errorMessage":"Unauthorized"}` is a REST 401).
 *
 * The function runs against a local environment: the dev issuer (tokens minted for the event's
 * placeholders), dynalite as DynamoDB, and the sample stack's configuration built by the same
 * code as the construct's (`lib/authorizer-config.ts`). When the caller's environment already
 * configures the authorizer (`TOLLBOOTH_CONFIG` or `TOLLBOOTH_CONFIG_FILE`), that environment is
 * used as it is and nothing local is started.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONFIG_ENV } from '../../lambdas/core/config/environment';
import { RevocationWriter } from '../../lambdas/core/revocation-writer';
import { buildAuthorizerConfig } from '../../lib/authorizer-config';
import { LOCAL_AUDIENCE, SAMPLE_SCOPE_ROUTES } from '../../lib/sample-config';
import { TrustedIssuer } from '../../lib/trusted-issuer';
import { buildLocalBundle } from './bundle-cache';
import { startDevIssuer, type DevIssuer } from './dev-issuer';
import { REVOCATION_SETTINGS } from '../../lambdas/core/config/defaults';
import { AWS_SDK_NOTICE_OFF } from './aws-sdk-notice';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './local-credentials';
import { startLocalDynamoDb, type LocalDynamoDb } from './local-dynamodb';
import { findPlaceholders, replacePlaceholders, type Placeholder } from './placeholders';
import { runBundle } from './run-bundle';

/** The outcome of one invocation. */
export interface Invocation {
  /** What `sam local invoke` would print on standard output: one line of JSON. */
  readonly output: string;
  /** `allow` (200), `deny` (403: a Deny policy or `isAuthorized: false`), `unauthorized` (REST 401), or `error`. */
  readonly decision: 'allow' | 'deny' | 'unauthorized' | 'error';
  /** The reason code of the decision log line, when there is one. */
  readonly reason: string | undefined;
  /** The function's log lines (what sam prints on standard error). */
  readonly logs: string;
}

/** Environment variables of the caller that are handed to the function when it brings its own configuration. */
const PASSED_THROUGH = /^(TOLLBOOTH_|AWS_|POWERTOOLS_|NODE_OPTIONS$)/;

/** Runs the authorizer bundle on an event (given as JSON text). */
export async function invokeEvent(
  eventText: string,
  callerEnv: Readonly<Record<string, string | undefined>> = process.env,
): Promise<Invocation> {
  const placeholders = findPlaceholders(eventText);
  const ownConfig = Boolean(callerEnv[CONFIG_ENV.inline] || callerEnv[CONFIG_ENV.file]);
  if (ownConfig && placeholders.length > 0) {
    throw new Error(
      `the event has token placeholders (${placeholders[0]?.text}), which only the local dev issuer can fill: unset ${CONFIG_ENV.inline} / ${CONFIG_ENV.file} or put a real token in the event`,
    );
  }
  const bundle = await buildLocalBundle();
  if (ownConfig) {
    const env = Object.fromEntries(
      Object.entries(callerEnv).filter((entry): entry is [string, string] => PASSED_THROUGH.test(entry[0]) && entry[1] !== undefined),
    );
    return describe(
      await runBundle({
        runner: bundle.runner,
        taskRoot: bundle.taskRoot,
        env: { AWS_LAMBDA_FUNCTION_NAME: 'tollbooth-invoke', ...env },
        event: JSON.parse(eventText),
      }),
    );
  }

  let issuer: DevIssuer | undefined;
  let dynamodb: LocalDynamoDb | undefined;
  const configDir = mkdtempSync(join(tmpdir(), 'tollbooth-invoke-'));
  try {
    [issuer, dynamodb] = await Promise.all([startDevIssuer({ audience: LOCAL_AUDIENCE }), startLocalDynamoDb()]);
    const event = JSON.parse(await replacePlaceholders(eventText, mintFor(issuer, dynamodb))) as unknown;
    const config = buildAuthorizerConfig({
      issuers: [TrustedIssuer.oidc({ issuer: issuer.issuer, audiences: [LOCAL_AUDIENCE], jwksUri: issuer.jwksUri })],
      scopeRoutes: SAMPLE_SCOPE_ROUTES,
      httpApiResponseMode: 'iam',
      // As the construct configures the caches for these routes (their {id} keeps TOKEN authorizers uncached).
      resultsCache: { httpApi: 'route', restRequest: 'route', restToken: 'off' },
      notRevokedCacheSeconds: REVOCATION_SETTINGS.notRevokedCacheSeconds.default,
      advanced: { jwks: { allowInsecureLoopbackHttp: true } },
    });
    const configFile = join(configDir, 'tollbooth.config.json');
    writeFileSync(configFile, JSON.stringify(config.file));
    const run = await runBundle({
      runner: bundle.runner,
      taskRoot: bundle.taskRoot,
      event,
      env: {
        AWS_LAMBDA_FUNCTION_NAME: 'tollbooth-invoke',
        AWS_REGION: LOCAL_REGION,
        AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
        AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
        ...AWS_SDK_NOTICE_OFF,
        [CONFIG_ENV.file]: configFile,
        [CONFIG_ENV.revocationTable]: dynamodb.tableName,
        POWERTOOLS_LOG_LEVEL: callerEnv['POWERTOOLS_LOG_LEVEL'] ?? 'INFO',
      },
    });
    return describe(run);
  } finally {
    await Promise.all([issuer?.close(), dynamodb?.close()]);
    rmSync(configDir, { recursive: true, force: true });
  }
}

function mintFor(issuer: DevIssuer, dynamodb: LocalDynamoDb): (placeholder: Placeholder) => Promise<string> {
  return async ({ kind, scopes }) => {
    const token = issuer.mint({
      sub: 'invoke-user',
      ...(scopes ? { scope: scopes } : {}),
      expiresIn: kind === 'expired-token' ? -3600 : 3600,
    });
    if (kind === 'revoked-token') {
      const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { jti: string; exp: number };
      const client = dynamodb.client();
      await new RevocationWriter(client, dynamodb.tableName).revokeToken({ issuer: issuer.issuer, jti: payload.jti, exp: payload.exp });
      client.destroy();
    }
    return token;
  };
}

function describe(run: Awaited<ReturnType<typeof runBundle>>): Invocation {
  const reason = /"reason":"([a-z_]+)"/.exec(run.logs)?.[1];
  const { result } = run;
  if (!result.ok) {
    const output = JSON.stringify({ errorType: result.errorType, errorMessage: result.errorMessage });
    const unauthorized = result.phase === 'invoke' && result.errorType === 'Error' && result.errorMessage === 'Unauthorized';
    return { output, decision: unauthorized ? 'unauthorized' : 'error', reason, logs: run.logs };
  }
  const response = result.response as { isAuthorized?: boolean; policyDocument?: { Statement?: Array<{ Effect?: string }> } };
  const effects = response.policyDocument?.Statement?.map((statement) => statement.Effect) ?? [];
  const allowed = response.isAuthorized === true || (effects.length > 0 && !effects.includes('Deny'));
  return { output: JSON.stringify(response), decision: allowed ? 'allow' : 'deny', reason, logs: run.logs };
}
