/**
 * Verifies a bearer token against the trusted issuers with aws-jwt-verify, one verifier per
 * issuer, all sharing one {@link TollboothJwksCache}.
 *
 * Before any key lookup or signature check, the unverified header and payload are read once to
 * refuse cheaply what can never verify: an algorithm outside the allow-list, a `crit` header
 * (RFC 7515 §4.1.11: unknown critical extensions must be rejected), or an `iss` that is not
 * configured. So a token from an unknown issuer never triggers a JWKS fetch. `jku`, `x5u`, `jwk`
 * and `x5c` headers are never read: keys only ever come from the configured JWKS URI.
 *
 * Header and claims set are read strictly before that ({@link readJoseObject}): duplicate member
 * names and invalid UTF-8 are malformed, claims of the wrong type invalid_claim.
 */
import { CognitoJwtVerifier, validateCognitoJwtFields } from 'aws-jwt-verify/cognito-verifier';
import type { Jwks, JwksCache } from 'aws-jwt-verify/jwk';
import type { JwtHeader, JwtPayload } from 'aws-jwt-verify/jwt-model';
import { JwtVerifier } from 'aws-jwt-verify/jwt-verifier';
import type { AuthorizerConfig, CognitoIssuerConfig, IssuerConfig, OidcIssuerConfig } from '../config/authorizer-config';
import { ecdsaSignatureBytes } from './ecdsa-signature';
import { assertRegisteredClaimTypes, readJoseObject } from './strict-json';
import { cognitoIssuerAliases, oidcIssuerAliases } from '../issuer-aliases';
import { DenyError } from '../reasons';

/** A token whose signature and standard claims verified, with the issuer that vouched for it. */
export interface VerifiedToken {
  readonly issuer: IssuerConfig;
  readonly header: JwtHeader;
  readonly payload: JwtPayload;
  /** When the key set that verified it stops being trusted (ms since the epoch). */
  readonly keysTrustedUntilMs: number;
}

/** The JWKS cache as the verifier needs it: aws-jwt-verify's interface plus each set's expiry. */
export type ExpiringJwksCache = JwksCache & { trustedUntil(jwksUri: string): number | undefined };

/** The verifier for one `iss` value, and the JWKS URI aws-jwt-verify asks the cache by for it. */
interface IssuerRoute {
  readonly verifier: IssuerVerifier;
  readonly jwksUri: string;
}

interface IssuerVerifier {
  readonly config: IssuerConfig;
  /** Verifies signature and claims; resolves to the payload or rejects with the library's error. */
  verify(token: string): Promise<JwtPayload>;
  /** Forgets converted public keys so a changed JWKS takes effect (aws-jwt-verify caches them by kid). */
  forgetKeys(jwks: Jwks): void;
}

export class TokenVerifier {
  private readonly byIssuer = new Map<string, IssuerRoute>();
  private readonly byJwksUri = new Map<string, IssuerVerifier[]>();
  private readonly allowedAlgorithms: ReadonlySet<string>;
  private readonly primaryUris: readonly string[];

  constructor(
    config: AuthorizerConfig,
    private readonly jwksCache: ExpiringJwksCache,
  ) {
    this.allowedAlgorithms = new Set(config.verification.algorithms);
    const graceSeconds = config.verification.clockSkewSeconds;
    const primaryUris: string[] = [];
    for (const issuer of config.issuers) {
      const aliases = issuerAliases(issuer);
      // One Cognito verifier takes both of a pool's forms; an OIDC issuer gets one verifier per
      // form its tokens may carry, each checking `iss` exactly (aws-jwt-verify takes one issuer).
      const verifiers =
        issuer.kind === 'cognito'
          ? [cognitoVerifier(issuer, jwksCache, graceSeconds)]
          : aliases.map((iss) => oidcVerifier(issuer, iss, jwksCache, graceSeconds));
      const uris = libraryJwksUris(issuer);
      for (const [index, iss] of aliases.entries()) {
        const verifier = verifiers[index] ?? verifiers[0];
        if (verifier) this.byIssuer.set(iss, { verifier, jwksUri: uris[index] ?? issuer.keys.uri });
      }
      for (const uri of uris) this.byJwksUri.set(uri, [...(this.byJwksUri.get(uri) ?? []), ...verifiers]);
      primaryUris.push(uris[0] ?? issuer.keys.uri);
    }
    this.primaryUris = primaryUris;
  }

  /** One JWKS URI per issuer: the ones worth fetching at cold start. */
  get primaryJwksUris(): string[] {
    return [...this.primaryUris];
  }

  /** Called by the JWKS cache when a URI's keys changed, so no stale converted key outlives its JWK. */
  keysChanged(jwksUri: string, jwks: Jwks): void {
    for (const verifier of this.byJwksUri.get(jwksUri) ?? []) verifier.forgetKeys(jwks);
  }

  /** Verifies the token; rejects with a {@link DenyError} or one of aws-jwt-verify's errors. */
  async verify(token: string): Promise<VerifiedToken> {
    // Strict JSON first (no duplicate members, UTF-8 only); a claim of the wrong type is
    // invalid_claim, where the library would call it a parse error. Decoded once: these objects
    // serve every check below, where aws-jwt-verify's decomposeUnverifiedJwt on top would parse
    // both a third and a fourth time (BENCHMARKS.md, "What was optimised"). They are only read,
    // never merged.
    const [headerSegment = '', payloadSegment = '', signatureB64 = ''] = token.split('.');
    const header = readJoseObject(headerSegment, 'header') as JwtHeader;
    const payload = readJoseObject(payloadSegment, 'payload') as JwtPayload;
    assertRegisteredClaimTypes(payload);
    // The checks decomposeUnverifiedJwt made that the lines above do not, so reasons stay as they were.
    for (const member of ['alg', 'kid'] as const) {
      if (header[member] !== undefined && typeof header[member] !== 'string')
        throw new DenyError('malformed', `${member} must be a string`);
    }
    if (typeof header.alg !== 'string' || !this.allowedAlgorithms.has(header.alg)) {
      throw new DenyError('bad_algorithm', 'algorithm is not in the allow-list');
    }
    // Node throws a plain Error("Malformed signature") for an ECDSA signature of the wrong length
    // (truncated, DER-encoded), which would surface as verification_failed — an outage reason,
    // logged at WARN — for what is simply a bad signature any client can send.
    const ecdsaLength = ecdsaSignatureBytes(header.alg);
    if (ecdsaLength !== undefined && Buffer.from(signatureB64, 'base64url').length !== ecdsaLength) {
      throw new DenyError('bad_signature', `an ${header.alg} signature is ${ecdsaLength} bytes (r || s)`);
    }
    if (header['crit'] !== undefined) throw new DenyError('malformed', 'crit header parameters are not supported');
    const route = typeof payload.iss === 'string' ? this.byIssuer.get(payload.iss) : undefined;
    if (!route) throw new DenyError('wrong_issuer', 'issuer is not trusted');
    const verifiedPayload = await route.verifier.verify(token);
    // Read after verification: the set that just supplied the key (a refetch may have replaced it).
    const keysTrustedUntilMs = this.jwksCache.trustedUntil(route.jwksUri) ?? 0;
    return { issuer: route.verifier.config, header, payload: verifiedPayload, keysTrustedUntilMs };
  }
}

function oidcVerifier(issuer: OidcIssuerConfig, iss: string, jwksCache: JwksCache, graceSeconds: number): IssuerVerifier {
  const verifier = JwtVerifier.create(
    { issuer: iss, audience: issuer.audiences === null ? null : [...issuer.audiences], jwksUri: issuer.keys.uri, graceSeconds },
    { jwksCache },
  );
  return {
    config: issuer,
    verify: (token) => verifier.verify(token),
    forgetKeys: (jwks) => verifier.cacheJwks(jwks),
  };
}

function cognitoVerifier(issuer: CognitoIssuerConfig, jwksCache: JwksCache, graceSeconds: number): IssuerVerifier {
  if (issuer.emulator) return emulatedCognitoVerifier(issuer, jwksCache, graceSeconds);
  const verifier = CognitoJwtVerifier.create(
    {
      userPoolId: issuer.userPoolId,
      tokenUse: issuer.tokenUse,
      clientId: issuer.clientIds === null ? null : [...issuer.clientIds],
      groups: issuer.requiredGroups.length > 0 ? [...issuer.requiredGroups] : null,
      graceSeconds,
    },
    { jwksCache },
  );
  return {
    config: issuer,
    verify: (token) => verifier.verify(token),
    forgetKeys: (jwks) => verifier.cacheJwks(jwks),
  };
}

/**
 * A Cognito emulator's pool (cognito-local: `local_3c2TeeQO` at `http://localhost:9229/<pool>`).
 * aws-jwt-verify's `CognitoJwtVerifier` only accepts AWS pool ids (`<region>_<id>`) and derives
 * the issuer from the region, so an emulator's tokens are verified by its `JwtVerifier` against
 * the configured loopback issuer — with the library's own Cognito checks (token use, client id,
 * groups: `validateCognitoJwtFields`) run on the verified payload, exactly as `CognitoJwtVerifier`
 * runs them, so nothing is given up. Cognito access tokens carry no `aud`.
 */
function emulatedCognitoVerifier(issuer: CognitoIssuerConfig, jwksCache: JwksCache, graceSeconds: number): IssuerVerifier {
  const cognitoChecks = {
    tokenUse: issuer.tokenUse,
    clientId: issuer.clientIds === null ? null : [...issuer.clientIds],
    groups: issuer.requiredGroups.length > 0 ? [...issuer.requiredGroups] : null,
  };
  const verifier = JwtVerifier.create(
    {
      issuer: issuer.issuer,
      audience: null,
      jwksUri: issuer.keys.uri,
      graceSeconds,
      customJwtCheck: ({ payload }) => validateCognitoJwtFields(payload, cognitoChecks),
    },
    { jwksCache },
  );
  return {
    config: issuer,
    verify: (token) => verifier.verify(token),
    forgetKeys: (jwks) => verifier.cacheJwks(jwks),
  };
}

/**
 * The `iss` values an issuer's tokens may carry (`issuer-aliases.ts`): Cognito issues under a
 * regional and a global host name, Google with and without the scheme.
 */
function issuerAliases(issuer: IssuerConfig): string[] {
  if (issuer.kind === 'oidc') return oidcIssuerAliases(issuer.issuer);
  if (issuer.emulator) return [issuer.issuer];
  return [issuer.issuer, cognitoIssuerAliases(issuer.userPoolId)[1]];
}

/**
 * The JWKS URIs aws-jwt-verify asks the cache by for an issuer: the configured one, or for an
 * issuer found through discovery its discovery URI (the cache resolves it to the `jwks_uri`);
 * for an AWS Cognito pool, the ones the library derives from each of its issuer names.
 */
export function libraryJwksUris(issuer: IssuerConfig): string[] {
  if (issuer.kind === 'oidc' || issuer.emulator) return [issuer.keys.uri];
  return issuerAliases(issuer).map((iss) => `${iss}/.well-known/jwks.json`);
}
