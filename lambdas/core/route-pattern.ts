/**
 * Route patterns ("GET /orders/{id}", "ANY /admin/{proxy+}", "GET /files/*") and route templates
 * (what API Gateway names the route a request was routed to: "GET /orders/{id}", "$default"),
 * parsed into the atoms {@link matchesPath} and its relatives work on.
 *
 * A pattern's path means, segment by segment:
 * - literal text matches itself (case-sensitive);
 * - `{name}` matches exactly one non-empty segment — never a `/`;
 * - `{name+}` (last segment only) matches the rest of the path: one or more characters, `/` included;
 * - a `*` written in the pattern keeps IAM's meaning: any run of characters, `/` included, so
 *   `GET /orders/*` grants `GET /orders/1/items` too.
 *
 * Tollbooth decides with these semantics. The policy it returns is evaluated by IAM — also later,
 * from API Gateway's cache, for other requests — and IAM has no single-segment wildcard, so a
 * pattern is only written into a policy as an IAM glob when that glob means exactly what the
 * pattern means ({@link RoutePattern.exactGlob}: literal text, `*`, and a trailing `{name+}` as
 * `?*`); how requests granted by `{name}` are allowed is the policy's business (iam-policy.ts).
 */

import { LONGEST_STAGE_ARN_PREFIX, POLICY_RESOURCE_MAX_LENGTH } from './gateway-limits';

/** HTTP methods a pattern may name. `ANY` means every method. */
export const ROUTE_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY'] as const;
export type RouteMethod = (typeof ROUTE_METHODS)[number];

/** The methods `ANY` stands for. */
export const CONCRETE_METHODS: readonly string[] = ROUTE_METHODS.filter((method) => method !== 'ANY');

/** One piece of a path (the part after its leading `/`). */
export type PathAtom =
  /** Literal characters, `/` included, never `*`. */
  | { readonly kind: 'text'; readonly text: string }
  /** `*`: any run of characters, possibly empty, `/` included (IAM's meaning). */
  | { readonly kind: 'star' }
  /** `{name}`: one or more characters, no `/`. */
  | { readonly kind: 'segment' }
  /** `{name+}`: one or more characters, `/` included. */
  | { readonly kind: 'rest' };

/** A parsed route pattern. */
export interface RoutePattern {
  /** The pattern as written in configuration, for messages. */
  readonly source: string;
  /** `*` for ANY, else the upper-case method. */
  readonly method: string;
  /** The path after its leading `/`, as atoms. */
  readonly path: readonly PathAtom[];
  /**
   * `METHOD/path` as an IAM glob that matches exactly the requests the pattern does, or
   * `undefined` when IAM cannot express the pattern (it has a `{name}` segment). `*` for ANY.
   */
  readonly exactGlob: string | undefined;
}

/**
 * The route API Gateway routed a request to. An event names it (HTTP API `routeKey`, REST and
 * HTTP API 1.0 `resource`), and a route-keyed authorizer cache replays an answer only for
 * requests of the same route.
 */
export interface RouteTemplate {
  /** As the event or the construct named it. */
  readonly source: string;
  /** Upper-case method, or `*` for `ANY` and for `$default`. */
  readonly method: string;
  /** The path after its leading `/` (literal text, `{name}`, `{name+}`); `undefined` for `$default`, which routes any path. */
  readonly path: readonly PathAtom[] | undefined;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; problem: string };

const PATTERN_SHAPE = /^([A-Za-z]+)\s+(\/\S*)$/;
const PATH_PARAMETER = /^\{[A-Za-z0-9_.-]+\+?\}$/;
// Characters API Gateway allows in resource paths, plus the `*` wildcard. `?` is excluded because
// IAM would read it as a single-character wildcard.
const PATH_SEGMENT = /^[A-Za-z0-9._~!$&'()+,;=:@%-]*$/;

/** Parses one `METHOD /path` pattern, or says exactly what is wrong with it. */
export function parseRoutePattern(source: string): ParseResult<RoutePattern> {
  const shape = PATTERN_SHAPE.exec(source.trim());
  if (!shape) {
    return { ok: false, problem: `"${source}" is not of the form "METHOD /path" (e.g. "GET /orders/{id}")` };
  }
  const methodWord = (shape[1] ?? '').toUpperCase();
  if (!(ROUTE_METHODS as readonly string[]).includes(methodWord)) {
    return { ok: false, problem: `"${source}" has unknown method "${shape[1]}" (use one of ${ROUTE_METHODS.join(', ')})` };
  }
  const segments = (shape[2] ?? '/').slice(1).split('/');
  for (const [index, segment] of segments.entries()) {
    if (PATH_PARAMETER.test(segment)) {
      if (segment.endsWith('+}') && index !== segments.length - 1) {
        return { ok: false, problem: `"${source}": a greedy parameter like {proxy+} must be the last segment` };
      }
    } else if (!PATH_SEGMENT.test(segment.replaceAll('*', ''))) {
      return { ok: false, problem: `"${source}" has a path segment "${segment}" with characters API Gateway paths cannot contain` };
    } else if (segment === '' && index !== segments.length - 1) {
      return { ok: false, problem: `"${source}" has an empty path segment ("//")` };
    }
  }
  const method = methodWord === 'ANY' ? '*' : methodWord;
  const path = atomsOf(segments, true);
  const pathGlob = exactPathGlob(path);
  // The policy lists the glob behind the stage's ARN (`ANY` written out per method): it must fit
  // API Gateway's Resource limit behind the longest ARN a real API can have.
  const longest = LONGEST_STAGE_ARN_PREFIX + 'OPTIONS/'.length + (pathGlob ?? '').length;
  if (pathGlob !== undefined && longest > POLICY_RESOURCE_MAX_LENGTH) {
    return {
      ok: false,
      problem: `"${source}" is too long: its policy resource can reach ${longest} characters, over API Gateway's ${POLICY_RESOURCE_MAX_LENGTH}`,
    };
  }
  return { ok: true, value: { source, method, path, exactGlob: pathGlob === undefined ? undefined : `${method}/${pathGlob}` } };
}

const TEMPLATE_SHAPE = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|ANY) (\/[^\s]*)$/;
// A template's literal segments are taken as they come (API Gateway validated them); only what
// would change their meaning is refused: braces outside a parameter, and empty segments inside.
const TEMPLATE_LITERAL = /^[^{}]*$/;

/**
 * Parses a route template as API Gateway names it — `METHOD /path` with `{name}` and a last
 * `{name+}`, or `$default` — or returns `undefined` for anything else (the authorizer then acts
 * as if the event named no route).
 */
export function parseRouteTemplate(source: unknown): RouteTemplate | undefined {
  if (typeof source !== 'string' || source.length > 1024) return undefined;
  if (source === '$default') return { source, method: '*', path: undefined };
  const shape = TEMPLATE_SHAPE.exec(source);
  if (!shape) return undefined;
  const segments = (shape[2] ?? '/').slice(1).split('/');
  for (const [index, segment] of segments.entries()) {
    if (PATH_PARAMETER.test(segment)) {
      if (segment.endsWith('+}') && index !== segments.length - 1) return undefined;
    } else if (!TEMPLATE_LITERAL.test(segment) || (segment === '' && index !== segments.length - 1)) {
      return undefined;
    }
  }
  return { source, method: shape[1] === 'ANY' ? '*' : (shape[1] ?? '*'), path: atomsOf(segments, false) };
}

/**
 * The atoms of a path split into segments. In a pattern a `*` is IAM's wildcard; in a template
 * every character outside a parameter is literal.
 */
function atomsOf(segments: readonly string[], starIsWildcard: boolean): PathAtom[] {
  const atoms: PathAtom[] = [];
  const addText = (text: string): void => {
    if (text === '') return;
    const last = atoms.at(-1);
    if (last?.kind === 'text') atoms[atoms.length - 1] = { kind: 'text', text: last.text + text };
    else atoms.push({ kind: 'text', text });
  };
  for (const [index, segment] of segments.entries()) {
    if (index > 0) addText('/');
    if (PATH_PARAMETER.test(segment)) {
      atoms.push({ kind: segment.endsWith('+}') ? 'rest' : 'segment' });
    } else if (starIsWildcard) {
      for (const [part, piece] of segment.split('*').entries()) {
        if (part > 0) atoms.push({ kind: 'star' });
        addText(piece);
      }
    } else {
      addText(segment);
    }
  }
  return atoms;
}

/** The IAM glob of a pattern path that IAM can express exactly, else `undefined`. */
function exactPathGlob(path: readonly PathAtom[]): string | undefined {
  let glob = '';
  for (const atom of path) {
    if (atom.kind === 'segment') return undefined;
    glob += atom.kind === 'text' ? atom.text : atom.kind === 'star' ? '*' : '?*';
  }
  return glob;
}

/**
 * The most bytes the Allow resources of one policy can take when a token carries every scope:
 * each exact pattern once (`ANY` written out per method) behind the longest ARN a real API can
 * have, quoted and separated. What the configuration is checked against Lambda's response limit
 * with.
 */
export function longestAllowListBytes(patterns: Iterable<RoutePattern>): number {
  const seen = new Set<string>();
  let bytes = 0;
  for (const pattern of patterns) {
    if (pattern.exactGlob === undefined || seen.has(pattern.exactGlob)) continue;
    seen.add(pattern.exactGlob);
    const methods = pattern.method === '*' ? CONCRETE_METHODS.length : 1;
    bytes += methods * (LONGEST_STAGE_ARN_PREFIX + 'OPTIONS/'.length + Buffer.byteLength(pattern.exactGlob) + 3);
  }
  return bytes;
}

/**
 * The path of an IAM glob matching every request a template routes (and, being IAM's, more):
 * `{name}` and `{name+}` become `*`, and `$default` is `*`. `undefined` for a template whose
 * literal text holds `*` or `?`, which IAM would read as wildcards.
 */
export function templatePathGlob(template: RouteTemplate): string | undefined {
  if (template.path === undefined) return '*';
  let glob = '';
  for (const atom of template.path) {
    if (atom.kind === 'text') {
      if (/[*?]/.test(atom.text)) return undefined;
      glob += atom.text;
    } else {
      glob += '*';
    }
  }
  return glob;
}
