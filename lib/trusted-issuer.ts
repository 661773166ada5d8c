/**
 * Who may issue tokens the authorizer accepts, in CDK terms: a Cognito user pool (a construct,
 * so a pool created in the same app works), any OpenID Connect issuer, or one of the identity
 * providers with a preset — Entra ID, Okta, Auth0, Keycloak — built from what identifies it there
 * (tenant, domain, realm), so the issuer is written the way the provider writes it.
 *
 * Each issuer renders to one entry of the authorizer's `issuers` configuration (README,
 * "Configuration"). Values that are CloudFormation tokens — the id of a user pool created in
 * the same stack — are only known at deploy time; the construct ships those through an
 * environment variable instead of the bundled file, and validates a stand-in at synth time.
 */
import { Token } from 'aws-cdk-lib';
import { entraIssuer } from '../lambdas/core/config/entra-issuer';
import type {
  Auth0IssuerOptions,
  AudienceOptions,
  ClaimOptions,
  CognitoIssuerOptions,
  EntraIssuerOptions,
  GrantOptions,
  KeycloakIssuerOptions,
  OidcIssuerOptions,
  OktaIssuerOptions,
} from './trusted-issuer-options';

/** A trusted token issuer for {@link TollboothAuthorizer}. */
export class TrustedIssuer {
  /** Tokens of a Cognito user pool (or, with `emulatorIssuer`, of an emulator's pool on this machine). */
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
      ...(options.emulatorIssuer ? { emulatorIssuer: options.emulatorIssuer } : {}),
      ...grantEntry(options),
    });
  }

  /**
   * Tokens of any OpenID Connect / OAuth 2 issuer. Its keys are found through its discovery
   * document unless `jwksUri` is given.
   */
  static oidc(options: OidcIssuerOptions): TrustedIssuer {
    return new TrustedIssuer({
      type: 'oidc',
      ...(options.preset ? { preset: options.preset } : {}),
      issuer: options.issuer,
      ...audienceEntry(options),
      ...(options.jwksUri ? { jwksUri: options.jwksUri } : {}),
      ...claimEntry(options),
      ...grantEntry(options),
    });
  }

  /**
   * Access tokens of a Microsoft Entra ID tenant (preset `entra`: `scp` and `roles` as scopes, `uti`
   * as token id), in the global cloud or a national one (`cloud`).
   */
  static entra(options: EntraIssuerOptions): TrustedIssuer {
    return TrustedIssuer.provider('entra', entraIssuer(options.tenantId, options.tokenVersion, options.cloud), options);
  }

  /** Access tokens of an Okta custom authorization server (preset `okta`: `scp` as scopes, `cid` as client id). */
  static okta(options: OktaIssuerOptions): TrustedIssuer {
    return TrustedIssuer.provider('okta', `https://${options.domain}/oauth2/${options.authorizationServerId ?? 'default'}`, options);
  }

  /** Access tokens of an Auth0 tenant (preset `auth0`: `scope` and `permissions` as scopes). */
  static auth0(options: Auth0IssuerOptions): TrustedIssuer {
    return TrustedIssuer.provider('auth0', `https://${options.domain}/`, options);
  }

  /** Access tokens of a Keycloak realm (preset `keycloak`: realm roles and the audience clients' roles as scopes). */
  static keycloak(options: KeycloakIssuerOptions): TrustedIssuer {
    return TrustedIssuer.provider('keycloak', `${options.url.replace(/\/+$/, '')}/realms/${options.realm}`, options);
  }

  private static provider(preset: string, issuer: string, options: AudienceOptions & ClaimOptions & GrantOptions): TrustedIssuer {
    return new TrustedIssuer({ type: 'oidc', preset, issuer, ...audienceEntry(options), ...claimEntry(options), ...grantEntry(options) });
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
    const entry = standIn(this.entry, '') as Record<string, unknown>;
    // An issuer only known at deploy time stands in with the shape its preset checks for.
    const preset = this.entry['preset'];
    if (typeof this.entry['issuer'] === 'string' && Token.isUnresolved(this.entry['issuer']) && typeof preset === 'string')
      entry['issuer'] = ISSUER_STAND_INS[preset] ?? entry['issuer'];
    return entry;
  }
}

function audienceEntry(options: AudienceOptions): Record<string, unknown> {
  return {
    ...(options.allowAnyAudience ? { audience: null } : options.audiences ? { audience: [...options.audiences] } : {}),
    ...(options.requireAccessTokenType !== undefined ? { requireAccessTokenType: options.requireAccessTokenType } : {}),
  };
}

/** The claim settings that were given, in the authorizer's JSON format. */
function claimEntry(options: ClaimOptions): Record<string, unknown> {
  const entry: Record<string, unknown> = {};
  if (options.scopeClaims) entry['scopeClaims'] = [...options.scopeClaims];
  if (options.groupClaims) entry['groupClaims'] = [...options.groupClaims];
  if (options.groupsAsScopes !== undefined) entry['groupsAsScopes'] = options.groupsAsScopes;
  if (options.clientIdClaims) entry['clientIdClaims'] = [...options.clientIdClaims];
  if (options.tokenIdClaim !== undefined) entry['tokenIdClaim'] = options.tokenIdClaim;
  if (options.sessionIdClaim !== undefined) entry['sessionIdClaim'] = options.sessionIdClaim;
  return entry;
}

/** `grantableScopes`, when given. */
function grantEntry(options: GrantOptions): Record<string, unknown> {
  return options.grantableScopes ? { grantableScopes: [...options.grantableScopes] } : {};
}

// Stand-ins that pass the parser's format checks for the field they replace.
const STAND_INS: Readonly<Record<string, string>> = {
  userPoolId: 'us-east-1_DeployTime0',
  issuer: 'https://deploy-time.invalid',
  jwksUri: 'https://deploy-time.invalid/.well-known/jwks.json',
};

const ISSUER_STAND_INS: Readonly<Record<string, string>> = {
  entra: 'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0',
  okta: 'https://deploy-time.invalid/oauth2/default',
  auth0: 'https://deploy-time.invalid/',
  keycloak: 'https://deploy-time.invalid/realms/deploy-time',
};

function standIn(value: unknown, key: string): unknown {
  if (typeof value === 'string') return Token.isUnresolved(value) ? (STAND_INS[key] ?? 'deploy-time-value') : value;
  if (Array.isArray(value)) return value.map((item) => standIn(item, key));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([childKey, child]) => [childKey, standIn(child, childKey)]));
  }
  return value;
}
