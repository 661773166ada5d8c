/**
 * A Cognito user pool to try the sample stack without an identity provider of your own: a
 * resource server whose scopes are the sample scopes, a domain for the token endpoint, and app
 * clients allowed the OAuth 2 client-credentials grant — one for the API's scopes, one for the
 * admin scope of the revocation endpoint — so `cdk deploy` works out of the box and a token is
 * one `curl` away (README, "Deploy").
 *
 * Cognito prefixes custom scopes with the resource server's identifier: the token carries
 * `tollbooth/orders:read`, so the stack maps scopes through {@link SampleUserPool.scopeName}.
 */
import { Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { TrustedIssuer } from './trusted-issuer';

/** Properties of a {@link SampleUserPool}. */
export interface SampleUserPoolProps {
  /** Scope names (without the resource-server prefix) the pool's resource server defines. */
  readonly scopes: readonly string[];

  /** Scopes the sample app client may request. */
  readonly clientScopes: readonly string[];

  /**
   * Scopes of a second, administrators' app client (for the revocation endpoint).
   *
   * @default - no admin client
   */
  readonly adminClientScopes?: readonly string[];

  /**
   * Prefix of the Cognito domain (`<prefix>.auth.<region>.amazoncognito.com`), unique per region.
   *
   * @default - `tollbooth-<account id>`
   */
  readonly domainPrefix?: string;
}

/** The sample stack's own identity provider. */
export class SampleUserPool extends Construct {
  /** Identifier of the resource server; the prefix of every scope in a token. */
  static readonly RESOURCE_SERVER_ID = 'tollbooth';

  /** The scope name as it appears in tokens of this pool. */
  static scopeName(scope: string): string {
    return `${SampleUserPool.RESOURCE_SERVER_ID}/${scope}`;
  }

  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;
  /** The administrators' client, when `adminClientScopes` was given. */
  readonly adminClient: cognito.UserPoolClient | undefined;
  /** `https://<domain>/oauth2/token`. */
  readonly tokenEndpoint: string;
  /** The pool as a trusted issuer, accepting access tokens of {@link client}. */
  readonly issuer: TrustedIssuer;

  constructor(scope: Construct, id: string, props: SampleUserPoolProps) {
    super(scope, id);
    this.userPool = new cognito.UserPool(this, 'Pool', {
      // Machine-to-machine only: nobody signs up or signs in with a password.
      selfSignUpEnabled: false,
      signInAliases: { username: true },
      passwordPolicy: { minLength: 14, requireDigits: true, requireLowercase: true, requireUppercase: true, requireSymbols: true },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.NONE,
      featurePlan: cognito.FeaturePlan.ESSENTIALS,
      // A sample pool holds no users and no state worth keeping.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const scopeByName = new Map(
      props.scopes.map((name) => [
        name,
        new cognito.ResourceServerScope({ scopeName: name, scopeDescription: `Tollbooth sample scope ${name}` }),
      ]),
    );
    const resourceServer = this.userPool.addResourceServer('ResourceServer', {
      identifier: SampleUserPool.RESOURCE_SERVER_ID,
      scopes: [...scopeByName.values()],
    });
    const domain = this.userPool.addDomain('Domain', {
      cognitoDomain: { domainPrefix: props.domainPrefix ?? Fn.join('-', ['tollbooth', Stack.of(this).account]) },
    });
    const clientCredentialsClient = (clientId: string, scopes: readonly string[]): cognito.UserPoolClient =>
      this.userPool.addClient(clientId, {
        generateSecret: true,
        authFlows: {},
        accessTokenValidity: Duration.minutes(60),
        oAuth: {
          flows: { clientCredentials: true },
          scopes: scopes.map((name) => {
            const resourceScope = scopeByName.get(name);
            if (!resourceScope) throw new Error(`${this.node.path}: client scope "${name}" is not one of the resource server's scopes`);
            return cognito.OAuthScope.resourceServer(resourceServer, resourceScope);
          }),
        },
      });
    this.client = clientCredentialsClient('SampleClient', props.clientScopes);
    this.adminClient = props.adminClientScopes ? clientCredentialsClient('AdminClient', props.adminClientScopes) : undefined;
    this.tokenEndpoint = `${domain.baseUrl()}/oauth2/token`;
    this.issuer = TrustedIssuer.cognito({
      userPool: this.userPool,
      appClients: this.adminClient ? [this.client, this.adminClient] : [this.client],
    });
  }
}
