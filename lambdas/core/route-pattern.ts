/**
 * Route patterns ("GET /orders/*", "ANY /admin/{proxy+}") and how they match a request.
 *
 * Matching deliberately follows IAM's wildcard rules on the execute-api resource string, because a
 * REST or HTTP API caches the policy we return and evaluates it with IAM against *other* requests
 * of the same token. If our own "does this token reach this route?" answer and IAM's answer could
 * differ, the cache could let a token through that we would deny, or deny one we would allow. So a
 * pattern compiles to exactly one IAM resource suffix, and we match with IAM's semantics:
 *
 * - `*` matches any run of characters, including `/` (IAM has no single-segment wildcard);
 * - `{name}` and `{name+}` are written for readability and compile to `*` as well, so
 *   `GET /orders/{id}` also grants `GET /orders/1/items`. Write a literal route when that matters.
 */

/** HTTP methods a pattern may name. `ANY` means every method. */
export const ROUTE_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY'] as const;
export type RouteMethod = (typeof ROUTE_METHODS)[number];

/** A parsed route pattern. */
export interface RoutePattern {
  /** The pattern as written in configuration, for messages. */
  readonly source: string;
  /** `*` for ANY, else the upper-case method. */
  readonly method: string;
  /** The path as an IAM glob without the leading slash, e.g. `orders/*`. */
  readonly pathGlob: string;
  /** `METHOD/path-glob`: the part of an execute-api ARN after `apiId/stage/`. */
  readonly resourceGlob: string;
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
    return { ok: false, problem: `"${source}" is not of the form "METHOD /path" (e.g. "GET /orders/*")` };
  }
  const methodWord = (shape[1] ?? '').toUpperCase();
  if (!(ROUTE_METHODS as readonly string[]).includes(methodWord)) {
    return { ok: false, problem: `"${source}" has unknown method "${shape[1]}" (use one of ${ROUTE_METHODS.join(', ')})` };
  }
  const segments = (shape[2] ?? '/').slice(1).split('/');
  const globSegments: string[] = [];
  for (const [index, segment] of segments.entries()) {
    if (PATH_PARAMETER.test(segment)) {
      if (segment.endsWith('+}') && index !== segments.length - 1) {
        return { ok: false, problem: `"${source}": a greedy parameter like {proxy+} must be the last segment` };
      }
      globSegments.push('*');
    } else if (segment === '*' || PATH_SEGMENT.test(segment.replaceAll('*', ''))) {
      if (segment === '' && index !== segments.length - 1) {
        return { ok: false, problem: `"${source}" has an empty path segment ("//")` };
      }
      globSegments.push(segment);
    } else {
      return { ok: false, problem: `"${source}" has a path segment "${segment}" with characters API Gateway paths cannot contain` };
    }
  }
  const method = methodWord === 'ANY' ? '*' : methodWord;
  const pathGlob = globSegments.join('/');
  return { ok: true, value: { source, method, pathGlob, resourceGlob: `${method}/${pathGlob}` } };
}

/**
 * IAM-style glob match: `*` matches any (possibly empty) run of characters, everything else is
 * literal and case-sensitive. Iterative with a single backtrack point, so the cost is bounded by
 * glob length × text length and a hostile path cannot trigger exponential backtracking.
 */
export function globMatches(glob: string, text: string): boolean {
  let g = 0;
  let t = 0;
  let starAt = -1;
  let resumeAt = 0;
  while (t < text.length) {
    if (g < glob.length && glob[g] === '*') {
      starAt = g++;
      resumeAt = t;
    } else if (g < glob.length && glob[g] === text[t]) {
      g++;
      t++;
    } else if (starAt !== -1) {
      g = starAt + 1;
      t = ++resumeAt;
    } else {
      return false;
    }
  }
  while (g < glob.length && glob[g] === '*') g++;
  return g === glob.length;
}

/**
 * True when every string `narrow` matches is also matched by `wide`, so `narrow` can be dropped
 * from a policy that contains `wide`. Treats the `*` in `narrow` as a character only a `*` in
 * `wide` can absorb, which is exact for globs whose only wildcard is `*`.
 */
export function globCovers(wide: string, narrow: string): boolean {
  return globMatches(wide, narrow);
}
