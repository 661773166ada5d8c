/**
 * The sample API's scopes and routes: one definition shared by the deployable stack
 * (`tollbooth-stack.ts`) and the local stack (`npm start`), so what runs locally is exactly what
 * `cdk deploy` deploys.
 */

/** Scope → the routes it grants. */
export const SAMPLE_SCOPE_ROUTES: Readonly<Record<string, readonly string[]>> = {
  'orders:read': ['GET /orders', 'GET /orders/{id}'],
  'orders:write': ['POST /orders'],
  'tollbooth:admin': ['POST /revocations'],
};

/** Routes served without the authorizer. */
export const SAMPLE_PUBLIC_ROUTES: readonly string[] = ['GET /health'];

/** The scope the revocation endpoint requires. */
export const ADMIN_SCOPE = 'tollbooth:admin';

/** Audience of tokens minted by the local dev issuer. */
export const LOCAL_AUDIENCE = 'tollbooth-local';
