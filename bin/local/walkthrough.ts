/**
 * The requests the banner suggests, worked out from the configuration rather than written for the
 * sample: for each scope, a request its token is allowed and one it is refused (403) — both on
 * routes the API serves, so the refusal is the authorizer's and not a 404. Whether a scope grants
 * a request is decided with the authorizer's own patterns and segment matcher (`{name}` one segment).
 */
import { matchesPath } from '../../lambdas/core/route-matching';
import { REVOCATION_ROUTE, type LocalConfig } from './stack-config';

/** A concrete request: `GET /orders/1` for the route `GET /orders/{id}`. */
export interface ExampleRequest {
  readonly method: string;
  readonly path: string;
}

export interface ScopeExample {
  readonly scope: string;
  /** A request a token with only this scope is allowed; none when the scope grants no served route. */
  readonly allowed: ExampleRequest | undefined;
  /** A served request it is refused; none when it grants every route. */
  readonly refused: ExampleRequest | undefined;
}

/** One example pair per scope, in the configuration's order. */
export function scopeExamples(config: LocalConfig): ScopeExample[] {
  const requests = config.protectedRoutes.map(exampleOf);
  return [...config.authorizer.scopeRoutes].map(([scope, patterns]) => {
    const grants = (request: ExampleRequest): boolean =>
      patterns.some(
        (pattern) => (pattern.method === '*' || pattern.method === request.method) && matchesPath(pattern.path, request.path.slice(1)),
      );
    const granted = requests.filter(grants);
    // The revocation endpoint wants a body; any other granted route makes a better first request.
    const allowed = granted.find((request) => `${request.method} ${request.path}` !== REVOCATION_ROUTE) ?? granted[0];
    const notGranted = requests.filter((request) => !grants(request));
    const refused = notGranted.find((request) => request.path === allowed?.path) ?? notGranted[0];
    return { scope, allowed, refused };
  });
}

/** A request a route key serves: path variables filled in, `ANY` as `GET`. */
export function exampleOf(routeKey: string): ExampleRequest {
  const [method = 'GET', path = '/'] = routeKey.split(' ');
  const filled = path
    .split('/')
    .map((segment) => (/^\{.*\+\}$/.test(segment) ? 'example' : /^\{.*\}$/.test(segment) ? '1' : segment))
    .join('/');
  return { method: method === 'ANY' ? 'GET' : method, path: filled };
}

/** `curl -i [-X METHOD] <url>` with the token header, as the banner prints it. */
export function curlFor(apiUrl: string, request: ExampleRequest, header: string | undefined): string {
  const method = request.method === 'GET' ? '' : `-X ${request.method} `;
  return `curl -i ${method}${apiUrl}${request.path}${header ? ` -H "${header}"` : ''}`;
}
