// oidc-provider ships no type declarations; this covers the part the tests use (a real
// authorization server on 127.0.0.1: client_credentials with JWT access tokens, rotated keys).
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  /** Koa's request context, as far as the resource-indicator hooks receive it. */
  type KoaContextWithOIDC = unknown;

  interface ResourceServerInfo {
    readonly scope: string;
    readonly audience?: string;
    readonly accessTokenTTL?: number;
    readonly accessTokenFormat?: 'jwt' | 'opaque';
    readonly jwt?: { readonly sign?: { readonly alg?: string } };
  }

  interface ProviderConfiguration {
    readonly clients?: ReadonlyArray<Record<string, unknown>>;
    readonly jwks?: { readonly keys: ReadonlyArray<Record<string, unknown>> };
    readonly features?: {
      readonly devInteractions?: { readonly enabled: boolean };
      readonly clientCredentials?: { readonly enabled: boolean };
      readonly resourceIndicators?: {
        readonly enabled: boolean;
        readonly defaultResource?: (ctx: KoaContextWithOIDC) => string | Promise<string>;
        readonly useGrantedResource?: (ctx: KoaContextWithOIDC) => boolean | Promise<boolean>;
        readonly getResourceServerInfo?: (ctx: KoaContextWithOIDC, resource: string) => ResourceServerInfo | Promise<ResourceServerInfo>;
      };
    };
  }

  export class Provider {
    constructor(issuer: string, configuration?: ProviderConfiguration);
    /** The Node.js request listener serving every endpoint. */
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
  }

  export const errors: {
    readonly InvalidTarget: new (description?: string) => Error;
  };

  export default Provider;
}
