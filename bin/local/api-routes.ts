/**
 * The local HTTP API's route table: parses HTTP API route keys (`GET /orders/{id}`,
 * `ANY /admin/{proxy+}`) and selects the route for a request the way API Gateway HTTP APIs do —
 * the most specific match wins: more literal segments first, then plain path variables before a
 * greedy `{proxy+}`, then an exact method before `ANY`. No match is a 404 (HTTP APIs have no 405).
 *
 * Route keys are the API's routes, not IAM globs: the authorizer's scope patterns use the same
 * syntax, and the sample configuration lists only keys an HTTP API accepts.
 */

type Segment = { readonly kind: 'literal'; readonly value: string } | { readonly kind: 'variable' | 'greedy'; readonly name: string };

/** One route of the API. */
export interface ApiRoute<T> {
  /** The route key as written, e.g. `GET /orders/{id}`; sent to authorizer and backend as `routeKey`. */
  readonly routeKey: string;
  /** Upper-case method, or `ANY`. */
  readonly method: string;
  readonly segments: readonly Segment[];
  /** What serves it (backend and whether the authorizer guards it). */
  readonly target: T;
}

export interface RouteMatch<T> {
  readonly route: ApiRoute<T>;
  /** Decoded path variables, `{id}` → `id`, `{proxy+}` → `proxy`. */
  readonly pathParameters: Readonly<Record<string, string>>;
}

const ROUTE_KEY = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|ANY) (\/[^\s]*)$/;
const VARIABLE = /^\{([A-Za-z0-9_.-]+)(\+?)\}$/;

/** Parses a route key; throws with a one-line message naming the key when it is not valid. */
export function parseApiRoute<T>(routeKey: string, target: T): ApiRoute<T> {
  const shape = ROUTE_KEY.exec(routeKey);
  if (!shape) throw new Error(`"${routeKey}" is not an HTTP API route key like "GET /orders/{id}"`);
  const parts = (shape[2] ?? '/').slice(1).split('/');
  const segments: Segment[] = parts.map((part, index) => {
    const variable = VARIABLE.exec(part);
    if (variable) {
      const greedy = variable[2] === '+';
      if (greedy && index !== parts.length - 1) throw new Error(`"${routeKey}": {${variable[1]}+} must be the last segment`);
      return { kind: greedy ? 'greedy' : 'variable', name: variable[1] ?? '' };
    }
    if (/[{}*]/.test(part)) throw new Error(`"${routeKey}": segment "${part}" is neither literal nor a {variable}`);
    return { kind: 'literal', value: part };
  });
  return { routeKey, method: shape[1] ?? 'ANY', segments, target };
}

/** The API's routes; {@link RouteTable.match} selects one per request as HTTP APIs do. */
export class RouteTable<T> {
  constructor(readonly routes: readonly ApiRoute<T>[]) {}

  /** The most specific route for this request, or `undefined` (a 404). */
  match(method: string, path: string): RouteMatch<T> | undefined {
    const parts = path.slice(1).split('/');
    let best: { match: RouteMatch<T>; score: readonly number[] } | undefined;
    for (const route of this.routes) {
      if (route.method !== 'ANY' && route.method !== method) continue;
      const pathParameters = matchSegments(route.segments, parts);
      if (!pathParameters) continue;
      const score = specificity(route);
      if (!best || compareScores(score, best.score) > 0) best = { match: { route, pathParameters }, score };
    }
    return best?.match;
  }
}

function matchSegments(segments: readonly Segment[], parts: readonly string[]): Record<string, string> | undefined {
  const parameters: Record<string, string> = {};
  for (const [index, segment] of segments.entries()) {
    if (segment.kind === 'greedy') {
      const rest = parts.slice(index);
      if (rest.length === 0 || rest.join('/') === '') return undefined;
      parameters[segment.name] = decode(rest.join('/'));
      return parameters;
    }
    const part = parts[index];
    if (part === undefined) return undefined;
    if (segment.kind === 'literal') {
      if (part !== segment.value) return undefined;
    } else {
      if (part === '') return undefined;
      parameters[segment.name] = decode(part);
    }
  }
  return parts.length === segments.length ? parameters : undefined;
}

/** [literal segments, plain variables, not greedy, exact method]: compared left to right. */
function specificity(route: ApiRoute<unknown>): readonly number[] {
  const literal = route.segments.filter((segment) => segment.kind === 'literal').length;
  const variables = route.segments.filter((segment) => segment.kind === 'variable').length;
  const greedy = route.segments.some((segment) => segment.kind === 'greedy') ? 0 : 1;
  return [literal, variables, greedy, route.method === 'ANY' ? 0 : 1];
}

function compareScores(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
