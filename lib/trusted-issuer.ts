/**
 * Who may issue tokens the authorizer accepts, in CDK terms: a Cognito user pool (a construct,
 * so a pool created in the same app works) or any OpenID Connect issuer.
 *
 * Each issuer renders to one entry of the authorizer's `issuers` configuration (README,
 * "Configuration"). Values that are CloudFormation tokens — the id of a user pool created in
 * the same stack — are only known at deploy time; the construct ships those through an
 * environment variable instead of the bundled file, and validates a stand-in at synth time.
 */
import { Token } from 'aws-cdk-lib';
import type * as cognito from 'aws-cdk-lib/aws-cognito';

/** A Cognito user pool whose tokens are accepted. */
export interface CognitoIssuerOptions {
  /** The user pool; a pool created in the same app or one imported by id. */
  readonly userPool: cognito.IUserPool;

  /**
   * App clients whose tokens are accepted (`client_id` of access tokens, `aud` of ID tokens).
   * Required unless {@link allowAnyAppClient} is set.
   *
   * @default - none; then `allowAnyAppClient` must be true
   */
  readonly appClients?: readonly cognito.IUserPoolClient[];

  /**
   * Accept tokens of every app client of the pool. Not recommended: any client of the pool,
   * including ones added later, could call the API.
   *
   * @default false
   */
  readonly allowAnyAppClient?: boolean;

  /**
   * Which Cognito token is accepted.
   *
   * @default 'access'
   */
  readonly tokenUse?: 'access' | 'id';

  /**
   * The token must be in at least one of these Cognito groups.
   *
   * @default - no group requirement
   */
  readonly requiredGroups?: readonly string[];

  /**
   * Treat the token's Cognito groups as scopes when resolving routes.
   *
   * @default false
   */
  readonly groupsAsScopes?: boolean;
}

/** Any OpenID Connect / OAuth 2 issuer whose tokens are accepted. */
export interface OidcIssuerOptions {
  /** The exact `iss` value of the tokens, an `https://` URL. */
  readonly issuer: string;

  /**
   * Accepted `aud` values (any one must be present). Required unless {@link allowAnyAudience} is set.
   *
   * @default - none; then `allowAnyAudience` must be true
   */
  readonly audiences?: readonly string[];

  /**
   * Accept tokens whatever their audience. Not recommended: tokens minted for other APIs of the
   * same issuer would be accepted.
   *
   * @default false
   */
  readonly allowAnyAudience?: boolean;

  /**
   * Where the issuer's keys are fetched.
   *
   * @default - the issuer followed by `/.well-known/jwks.json`
   */
  readonly jwksUri?: string;

  /**
   * Require RFC 9068 access tokens (`typ: at+jwt`).
   *
   * @default false
   */
  readonly requireAccessTokenType?: boolean;

  /**
   * Claim holding group names.
   *
   * @default 'groups'
   */
  readonly groupsClaim?: string;

  /**
   * Treat group names as scopes when resolving routes.
   *
   * @default false
   */
  readonly groupsAsScopes?: boolean;
}

/** A trusted token issuer for {@link TollboothAuthorizer}. */
export class TrustedIssuer {
  /** Tokens of a Cognito user pool. */
  static cognito(options: CognitoIssuerOptions): TrustedIssuer {
    return new TrustedIssuer({
      type: 'cognito',
      userPoolId: options.userPool.userPoolId,
      ...(options.allowAnyAppClient
        ? { clientId: null }
        : options.appClients
          ? { clientId: options.appClients.map((client) => client.userPoolClientId) }
          : {}),
      ...(options.tokenUse ? { tokenUse: options.tokenUse } : {}),
      ...(options.requiredGroups ? { requiredGroups: [...options.requiredGroups] } : {}),
      ...(options.groupsAsScopes !== undefined ? { groupsAsScopes: options.groupsAsScopes } : {}),
    });
  }

  /** Tokens of any OpenID Connect / OAuth 2 issuer. */
  static oidc(options: OidcIssuerOptions): TrustedIssuer {
    return new TrustedIssuer({
      type: 'oidc',
      issuer: options.issuer,
      ...(options.allowAnyAudience ? { audience: null } : options.audiences ? { audience: [...options.audiences] } : {}),
      ...(options.jwksUri ? { jwksUri: options.jwksUri } : {}),
      ...(options.requireAccessTokenType !== undefined ? { requireAccessTokenType: options.requireAccessTokenType } : {}),
      ...(options.groupsClaim ? { groupsClaim: options.groupsClaim } : {}),
      ...(options.groupsAsScopes !== undefined ? { groupsAsScopes: options.groupsAsScopes } : {}),
    });
  }

  /**
   * An issuer written in the authorizer's own JSON format (one entry of `issuers`, README
   * "Configuration"), for configuration files. Validated with everything else at synth time.
   */
  static fromJson(entry: Readonly<Record<string, unknown>>): TrustedIssuer {
    return new TrustedIssuer({ ...entry });
  }

  private constructor(private readonly entry: Readonly<Record<string, unknown>>) {}

  /** The configuration entry; may contain CloudFormation tokens. */
  toJson(): Readonly<Record<string, unknown>> {
    return this.entry;
  }

  /** Whether some value is only known at deploy time. */
  get hasDeployTimeValues(): boolean {
    return Token.isUnresolved(JSON.stringify(this.entry));
  }

  /**
   * The entry with every deploy-time value replaced by a well-formed stand-in, so the rest of
   * the entry can be validated at synth time by the authorizer's own parser.
   */
  toSynthTimeStandIn(): Readonly<Record<string, unknown>> {
    return standIn(this.entry, '') as Record<string, unknown>;
  }
}

// Stand-ins that pass the parser's format checks for the field they replace.
const STAND_INS: Readonly<Record<string, string>> = {
  userPoolId: 'us-east-1_DeployTime0',
  issuer: 'https://deploy-time.invalid',
  jwksUri: 'https://deploy-time.invalid/.well-known/jwks.json',
};

function standIn(value: unknown, key: string): unknown {
  if (typeof value === 'string') return Token.isUnresolved(value) ? (STAND_INS[key] ?? 'deploy-time-value') : value;
  if (Array.isArray(value)) return value.map((item) => standIn(item, key));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([childKey, child]) => [childKey, standIn(child, childKey)]));
  }
  return value;
}
