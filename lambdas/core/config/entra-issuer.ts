/**
 * The shapes Microsoft Entra ID writes `iss` in, and what each shape requires of the rest of an
 * issuer's settings. Kept apart from the other presets because Entra's shape depends on three
 * things the others do not have: the cloud (global, US Government, China), the token version the
 * API's app registration asks for (v1.0 under an `sts` host, v2.0 under a `login` host), and the
 * product (Azure AD B2C issues from `<name>.b2clogin.com`, with its keys per user flow and no
 * token id in its tokens).
 *
 * Every `iss` Entra writes names the tenant by its id — a lower-case GUID — never by a domain
 * name or the `common`/`organizations`/`consumers` aliases its endpoints accept. An issuer
 * configured any other way would see every token refused with `wrong_issuer`, so it is refused at
 * cold start and at synth instead.
 */

/** One Entra ID cloud: the host of its v1.0 and of its v2.0 token issuers. */
export interface EntraCloudHosts {
  /** `iss` of v1.0 tokens: `https://<v1>/<tenant id>/`. */
  readonly v1: string;
  /** `iss` of v2.0 tokens: `https://<v2>/<tenant id>/v2.0`. */
  readonly v2: string;
}

/** The clouds Entra ID runs in, and where each writes `iss` (Microsoft's national-cloud pages). */
export const ENTRA_CLOUDS = {
  global: { v1: 'sts.windows.net', v2: 'login.microsoftonline.com' },
  usGovernment: { v1: 'sts.windows.net', v2: 'login.microsoftonline.us' },
  china: { v1: 'sts.chinacloudapi.cn', v2: 'login.partner.microsoftonline.cn' },
} as const satisfies Record<string, EntraCloudHosts>;

/** An Entra ID cloud's name, as `TrustedIssuer.entra({ cloud })` takes it. */
export type EntraCloud = keyof typeof ENTRA_CLOUDS;

const V1_HOSTS = new Set<string>(Object.values(ENTRA_CLOUDS).map((cloud) => cloud.v1));
const V2_HOSTS = new Set<string>(Object.values(ENTRA_CLOUDS).map((cloud) => cloud.v2));

/** The tenant-independent names Entra ID's endpoints accept, which never appear in `iss`. */
const TENANT_ALIASES = new Set(['common', 'organizations', 'consumers']);

/** How Entra writes a tenant id in `iss`, and a client id in a v2.0 `aud`: a GUID in lower case. */
const TENANT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The issuer of a tenant's tokens of one version, in one cloud. */
export function entraIssuer(tenantId: string, tokenVersion: 1 | 2, cloud: EntraCloud = 'global'): string {
  const hosts = ENTRA_CLOUDS[cloud];
  return tokenVersion === 1 ? `https://${hosts.v1}/${tenantId}/` : `https://${hosts.v2}/${tenantId}/v2.0`;
}

/** What the rest of an `entra` issuer's settings say, where its shape constrains them. */
export interface EntraIssuerSettings {
  readonly jwksUriGiven: boolean;
  /** The accepted audiences (`null`: any). */
  readonly audiences: readonly string[] | null;
}

/** A problem with one field of an issuer entry. */
export interface EntraIssuerProblem {
  readonly field: 'issuer' | 'jwksUri' | 'audience';
  readonly message: string;
}

/**
 * True for an Azure AD B2C issuer (`https://<name>.b2clogin.com/…`), whose tokens carry neither
 * `uti` nor `jti` (Microsoft's B2C token reference lists every claim): the preset revokes them by
 * subject only. A B2C tenant on a custom domain is not recognisable; it sets `tokenIdClaim: null`.
 */
export function isB2cIssuer(issuer: string): boolean {
  try {
    return new URL(issuer).hostname.toLowerCase().endsWith('.b2clogin.com');
  } catch {
    return false;
  }
}

/**
 * What is wrong with an `entra` issuer, if anything. Hosts that are not Entra's own (a custom
 * domain, Entra External ID's `ciamlogin.com`) are only held to the tenant-id rule where the
 * tenant is found where Entra puts it.
 */
export function entraIssuerProblems(issuer: string, settings: EntraIssuerSettings): EntraIssuerProblem[] {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return []; // Reported as not a URL elsewhere.
  }
  return [...issuerShapeProblems(url, issuer, settings), ...v2AudienceProblems(url, settings.audiences)];
}

/** Hosts whose `/v2.0` issuers are Entra's v2.0 token endpoints: the clouds', External ID's, B2C's. */
function isV2TokenIssuer(url: URL): boolean {
  const host = url.hostname.toLowerCase();
  const v2Host = V2_HOSTS.has(host) || host.endsWith('.ciamlogin.com') || host.endsWith('.b2clogin.com');
  return v2Host && /\/v2\.0\/?$/.test(url.pathname);
}

/**
 * "In v2.0 tokens, [aud] is always the client ID of the API" (Microsoft's access token claims
 * reference): an App ID URI (`api://…`) as the audience of a v2.0 issuer matches no token.
 */
function v2AudienceProblems(url: URL, audiences: readonly string[] | null): EntraIssuerProblem[] {
  if (audiences === null || !isV2TokenIssuer(url)) return [];
  return audiences
    .filter((audience) => !TENANT_ID.test(audience))
    .map((audience) => ({
      field: 'audience',
      message: TENANT_ID.test(audience.toLowerCase())
        ? `Entra ID writes the client id in lower case: "${audience.toLowerCase()}"`
        : `"${audience}" is never the aud of a v2.0 token: Entra ID v2.0 tokens always name the API by its client id (a GUID, "Application (client) ID"); the App ID URI appears only in v1.0 tokens`,
    }));
}

function issuerShapeProblems(url: URL, issuer: string, settings: EntraIssuerSettings): EntraIssuerProblem[] {
  const host = url.hostname.toLowerCase();
  if (host.endsWith('.b2clogin.com')) return b2cProblems(url, issuer, settings);
  if (!V1_HOSTS.has(host) && !V2_HOSTS.has(host)) return [];
  const [tenant = '', ...rest] = url.pathname.split('/').slice(1);
  // The cloud the host belongs to (sts.windows.net serves two: the global one is named first).
  const cloud = Object.values(ENTRA_CLOUDS).find((hosts) => hosts.v1 === host || hosts.v2 === host) ?? ENTRA_CLOUDS.global;
  const shapes = `https://${cloud.v2}/<tenant id>/v2.0 (v2.0 tokens) or https://${cloud.v1}/<tenant id>/ (v1.0)`;
  if (TENANT_ALIASES.has(tenant.toLowerCase()))
    return [{ field: 'issuer', message: `"${tenant}" is not a tenant: Entra ID writes iss with the tenant id, as ${shapes}` }];
  const shapeFits = V1_HOSTS.has(host) ? rest.length === 1 && rest[0] === '' : rest.length === 1 && rest[0] === 'v2.0';
  if (!shapeFits || tenant === '') return [{ field: 'issuer', message: `Entra ID writes iss as ${shapes}, not "${issuer}"` }];
  return tenantIdProblems(tenant);
}

function tenantIdProblems(tenant: string): EntraIssuerProblem[] {
  if (TENANT_ID.test(tenant)) return [];
  if (TENANT_ID.test(tenant.toLowerCase()))
    return [{ field: 'issuer', message: `Entra ID writes the tenant id in lower case: "${tenant.toLowerCase()}"` }];
  return [
    {
      field: 'issuer',
      message: `"${tenant}" is not a tenant id: Entra ID writes iss with the tenant's id (a GUID, "Directory (tenant) ID" in the portal), never its domain name`,
    },
  ];
}

/**
 * Azure AD B2C: `https://<name>.b2clogin.com/<tenant id>/v2.0/` (with the trailing slash), or with
 * the "AuthorityWithTfp" issuer setting `…/tfp/<tenant id>/<policy>/v2.0/`. Only the latter has a
 * discovery document under the issuer; the default one is published per user flow
 * (`…/<tenant>.onmicrosoft.com/<policy>/v2.0/.well-known/openid-configuration`), so the keys must
 * be named.
 */
function b2cProblems(url: URL, issuer: string, settings: EntraIssuerSettings): EntraIssuerProblem[] {
  const segments = url.pathname.split('/').slice(1);
  const tfp = segments[0] === 'tfp';
  const [tenant = '', ...rest] = tfp ? segments.slice(1) : segments;
  const tail = tfp ? rest.slice(1) : rest;
  const problems: EntraIssuerProblem[] = [];
  if (tail.length !== 2 || tail[0] !== 'v2.0' || tail[1] !== '' || (tfp && !rest[0]))
    problems.push({
      field: 'issuer',
      message: `Azure AD B2C writes iss as https://<name>.b2clogin.com/<tenant id>/v2.0/ (with the trailing slash), not "${issuer}"`,
    });
  else problems.push(...tenantIdProblems(tenant));
  if (!tfp && !settings.jwksUriGiven)
    problems.push({
      field: 'jwksUri',
      message:
        'is required for Azure AD B2C: its keys are published per user flow, e.g. "https://<name>.b2clogin.com/<name>.onmicrosoft.com/<policy>/discovery/v2.0/keys"',
    });
  return problems;
}
