/**
 * Reads the sample app's settings from CDK context (`cdk deploy -c issuer=… -c audience=…`) and
 * an optional configuration file, into `TollboothStack` properties. Every problem is collected
 * and reported at once; nothing here touches AWS, so `cdk synth` works offline.
 *
 * | context               | meaning                                                          |
 * |-----------------------|------------------------------------------------------------------|
 * | `issuer`, `audience`  | an OIDC issuer and its accepted audiences (comma-separated)      |
 * | `jwksUri`             | that issuer's JWKS, when not at `<issuer>/.well-known/jwks.json` |
 * | `userPoolId`, `clientId` | an existing Cognito user pool and its app clients (comma-separated) |
 * | `configFile`          | a JSON file in the authorizer's format (README, "Configuration") |
 * | `scopePrefix`         | prefix for the sample scopes, e.g. `my-resource-server/` for a Cognito pool |
 * | `stackName`           | default `Tollbooth`                                              |
 * | `cognitoDomainPrefix` | domain prefix of the user pool created when no issuer is given   |
 * | `revocationTableName` | an existing revocation table (the one a deleted stack retained)  |
 * | `stageName`           | the API's stage (default `$default`; `local` for `sam local start-api`) |
 * | `architecture`        | `arm64` (default) or `x86_64`, e.g. for `sam local` on an x86_64 machine |
 *
 * With no issuer at all, the stack creates a Cognito user pool to try it out with.
 *
 * Any other context key fails the synth, naming the known ones (and the nearest, for a typo):
 * `-c userpoolId=…` would otherwise be ignored, and the stack would quietly create a user pool.
 * Keys with a `:` are the CDK's own (feature flags, `aws:cdk:…`, lookups), and so are the few
 * colon-less keys the CDK CLI writes (`cli-telemetry`, `acknowledged-issue-numbers`).
 */
import { readFileSync } from 'node:fs';
import { Duration, Validations, type App } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describeProblems } from '../lambdas/core/problems';
import type { HttpApiResponseMode } from '../lambdas/core/config/config';
import { SAMPLE_SCOPE_ROUTES } from '../lib/sample-config';
import { TollboothStack, type TollboothStackProps } from '../lib/tollbooth-stack';
import { TrustedIssuer } from '../lib/trusted-issuer';

/** The context keys this app reads. */
export const CONTEXT_KEYS = [
  'architecture',
  'audience',
  'clientId',
  'cognitoDomainPrefix',
  'configFile',
  'issuer',
  'jwksUri',
  'revocationTableName',
  'scopePrefix',
  'stackName',
  'stageName',
  'userPoolId',
] as const;

/** Colon-less context keys the CDK CLI itself writes (every other key of the CDK's has a `:`). */
const CDK_CONTEXT_KEYS: readonly string[] = ['cli-telemetry', 'acknowledged-issue-numbers'];

/** Adds the sample stack to `app` as its context describes, with cdk-nag's AwsSolutions checks. */
export function buildTollboothApp(app: App): TollboothStack {
  const { stackName, stackProps } = settingsFromContext(
    (key) => app.node.tryGetContext(key),
    undefined,
    Object.keys(app.node.getAllContext() as Record<string, unknown>),
  );
  const stack = new TollboothStack(app, stackName, stackProps);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stack;
}

/** `-c architecture=` values: Lambda's own names for them. */
const ARCHITECTURES: Readonly<Record<string, lambda.Architecture>> = {
  arm64: lambda.Architecture.ARM_64,
  x86_64: lambda.Architecture.X86_64,
};

/** Stack properties plus the stack's name. */
export interface AppSettings {
  readonly stackName: string;
  readonly stackProps: TollboothStackProps;
}

/** Reads one context value (`app.node.tryGetContext`). */
export type ContextReader = (key: string) => unknown;

/** Thrown when the context is unusable; `problems` lists every problem. */
export class AppContextError extends Error {
  constructor(readonly problems: readonly string[]) {
    const unknownKey = problems.some((problem) => problem.includes(UNKNOWN_KEY));
    super(
      `${describeProblems('Invalid context for the Tollbooth app', problems)}${unknownKey ? `\nThe app's settings: ${CONTEXT_KEYS.join(', ')}` : ''}`,
    );
    this.name = 'AppContextError';
  }
}

const UNKNOWN_KEY = 'not a setting of this app';

/**
 * Builds the stack's settings from CDK context; throws {@link AppContextError} naming every problem.
 * `keys` lists every context key present, so unknown ones can be refused.
 */
export function settingsFromContext(
  context: ContextReader,
  readText: (path: string) => string = (path) => readFileSync(path, 'utf8'),
  keys: readonly string[] = [],
): AppSettings {
  const problems: string[] = unknownContextKeys(keys);
  const text = (key: string): string | undefined => {
    const value = context(key);
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') {
      problems.push(`-c ${key}: must be a string`);
      return undefined;
    }
    return value;
  };
  const list = (key: string): string[] | undefined =>
    text(key)
      ?.split(',')
      .map((item) => item.trim())
      .filter(Boolean);

  const issuers: TrustedIssuer[] = [];
  let stackProps: TollboothStackProps = {};

  const issuer = text('issuer');
  const audiences = list('audience');
  const jwksUri = text('jwksUri');
  if (issuer && !audiences) problems.push('-c issuer: needs -c audience=<accepted aud values, comma-separated>');
  if (!issuer && (audiences || jwksUri)) problems.push('-c audience / -c jwksUri: given without -c issuer');
  if (issuer && audiences) issuers.push(TrustedIssuer.oidc({ issuer, audiences, ...(jwksUri ? { jwksUri } : {}) }));

  const userPoolId = text('userPoolId');
  const clientIds = list('clientId');
  if (userPoolId && !clientIds) problems.push('-c userPoolId: needs -c clientId=<app client ids, comma-separated>');
  if (!userPoolId && clientIds) problems.push('-c clientId: given without -c userPoolId');
  if (userPoolId && clientIds) issuers.push(TrustedIssuer.fromJson({ type: 'cognito', userPoolId, clientId: clientIds }));

  const configFile = text('configFile');
  if (configFile) {
    const fromFile = readConfigFile(configFile, readText, problems);
    issuers.push(...fromFile.issuers);
    stackProps = { ...stackProps, ...fromFile.stackProps };
  }

  const scopePrefix = text('scopePrefix');
  if (scopePrefix) {
    if (stackProps.scopeRoutes) problems.push('-c scopePrefix: applies to the sample scopes only, not to routes from -c configFile');
    stackProps = {
      ...stackProps,
      scopeRoutes: Object.fromEntries(Object.entries(SAMPLE_SCOPE_ROUTES).map(([scope, routes]) => [`${scopePrefix}${scope}`, routes])),
    };
  }
  if (issuers.length === 0 && stackProps.scopeRoutes && !configFile) {
    problems.push('-c scopePrefix: only meaningful with an issuer of your own (the created user pool uses the "tollbooth/" prefix)');
  }
  const revocationTableName = text('revocationTableName');
  if (revocationTableName && !/^[A-Za-z0-9_.-]{3,255}$/.test(revocationTableName)) {
    problems.push(`-c revocationTableName: "${revocationTableName}" is not a DynamoDB table name`);
  }
  if (revocationTableName && stackProps.revocation === false)
    problems.push('-c revocationTableName: given while the configuration turns revocation off');
  const cognitoDomainPrefix = text('cognitoDomainPrefix');
  if (cognitoDomainPrefix && issuers.length > 0)
    problems.push('-c cognitoDomainPrefix: only used when the stack creates its own user pool (no issuer given)');

  const stageName = text('stageName');
  if (stageName && !/^(?:[A-Za-z0-9_-]{1,128}|\$default)$/.test(stageName))
    problems.push(`-c stageName: "${stageName}" is not a stage name (letters, digits, - and _, up to 128; or $default)`);
  const architectureName = text('architecture');
  const architecture = architectureName === undefined ? undefined : ARCHITECTURES[architectureName];
  if (architectureName !== undefined && !architecture)
    problems.push(`-c architecture: must be ${Object.keys(ARCHITECTURES).join(' or ')}, got "${architectureName}"`);

  if (problems.length > 0) throw new AppContextError(problems);
  return {
    stackName: text('stackName') ?? 'Tollbooth',
    stackProps: {
      ...stackProps,
      ...(issuers.length > 0 ? { issuers } : {}),
      ...(cognitoDomainPrefix ? { cognitoDomainPrefix } : {}),
      ...(revocationTableName ? { revocationTableName } : {}),
      ...(stageName ? { stageName } : {}),
      ...(architecture ? { architecture } : {}),
    },
  };
}

/** Splits a configuration file into issuers, typed stack properties, and the rest. */
function readConfigFile(
  path: string,
  readText: (path: string) => string,
  problems: string[],
): { issuers: TrustedIssuer[]; stackProps: TollboothStackProps } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readText(path));
  } catch (error) {
    problems.push(`-c configFile=${path}: not readable JSON (${error instanceof Error ? error.message : String(error)})`);
    return { issuers: [], stackProps: {} };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    problems.push(`-c configFile=${path}: must hold a JSON object`);
    return { issuers: [], stackProps: {} };
  }
  const { issuers, routes, httpApiResponseMode, revocation, ...advanced } = parsed as Record<string, unknown>;
  const issuerList = Array.isArray(issuers) ? issuers : [];
  if (issuers !== undefined && !Array.isArray(issuers)) problems.push(`-c configFile=${path}: "issuers" must be a list`);
  const trusted = issuerList.map((entry) =>
    TrustedIssuer.fromJson(typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>) : { invalid: entry }),
  );

  let stackProps: TollboothStackProps = {};
  if (routes !== undefined) stackProps = { ...stackProps, scopeRoutes: routes as Record<string, string[]> };
  if (httpApiResponseMode !== undefined) stackProps = { ...stackProps, httpApiResponseMode: httpApiResponseMode as HttpApiResponseMode };
  if (revocation !== undefined) {
    if (typeof revocation !== 'object' || revocation === null) {
      problems.push(`-c configFile=${path}: "revocation" must be an object`);
    } else {
      const { enabled, tableName, notRevokedCacheSeconds, maxTokenLifetimeSeconds, ...revocationRest } = revocation as Record<
        string,
        unknown
      >;
      if (tableName !== undefined)
        problems.push(
          `-c configFile=${path}: revocation.tableName is not used: the stack creates its own table (remove it, or import an existing table with -c revocationTableName=<name>)`,
        );
      if (enabled !== undefined) stackProps = { ...stackProps, revocation: enabled as boolean };
      if (typeof notRevokedCacheSeconds === 'number')
        stackProps = { ...stackProps, notRevokedCacheDuration: Duration.seconds(notRevokedCacheSeconds) };
      else if (notRevokedCacheSeconds !== undefined)
        problems.push(`-c configFile=${path}: revocation.notRevokedCacheSeconds must be a number`);
      if (typeof maxTokenLifetimeSeconds === 'number')
        stackProps = { ...stackProps, maxTokenLifetime: Duration.seconds(maxTokenLifetimeSeconds) };
      else if (maxTokenLifetimeSeconds !== undefined)
        problems.push(`-c configFile=${path}: revocation.maxTokenLifetimeSeconds must be a number`);
      if (Object.keys(revocationRest).length > 0) advanced['revocation'] = revocationRest;
    }
  }
  if (advanced['resultsCache'] !== undefined) {
    problems.push(
      `-c configFile=${path}: resultsCache is not used: the construct sets it from how it configures API Gateway's cache (remove it)`,
    );
    delete advanced['resultsCache'];
  }
  if (Object.keys(advanced).length > 0) stackProps = { ...stackProps, advancedConfig: advanced };
  return { issuers: trusted, stackProps };
}

/** One problem per context key that is neither this app's nor the CDK's. */
export function unknownContextKeys(keys: readonly string[]): string[] {
  const known: readonly string[] = CONTEXT_KEYS;
  return keys
    .filter((key) => !key.includes(':') && !CDK_CONTEXT_KEYS.includes(key) && !known.includes(key))
    .map((key) => {
      const near = nearestKey(key);
      return `-c ${key}: ${UNKNOWN_KEY}${near ? ` (did you mean ${near}?)` : ''}`;
    });
}

/** A known key that differs only in case, or by at most two edits. */
function nearestKey(key: string): string | undefined {
  const lower = key.toLowerCase();
  const sameLetters = CONTEXT_KEYS.find((known) => known.toLowerCase() === lower);
  if (sameLetters) return sameLetters;
  const scored = CONTEXT_KEYS.map((known) => ({ known, distance: editDistance(lower, known.toLowerCase()) })).sort(
    (a, b) => a.distance - b.distance,
  );
  const best = scored[0];
  return best && best.distance <= 2 ? best.known : undefined;
}

/** Levenshtein distance, for typo suggestions on short keys. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
