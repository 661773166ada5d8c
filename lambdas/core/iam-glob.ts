/**
 * IAM's wildcard matching on execute-api resource strings, for the globs Tollbooth writes into
 * policies: `*` matches any run of characters, `/` included (IAM has no single-segment
 * wildcard); everything else is literal and case-sensitive.
 *
 * Tollbooth writes `?` only as `?*` (a trailing `{proxy+}`: at least one character), and only
 * compares its own globs with each other here (grant compaction), where reading `?` as a literal
 * character is conservative: a glob is only dropped when a wider one certainly covers it.
 */

/**
 * `*` matches any (possibly empty) run of characters, everything else (`?` included) is literal.
 * Iterative with a single backtrack point, so the cost is bounded by glob length × text length and
 * a hostile path cannot trigger exponential backtracking.
 */
export function globMatches(glob: string, text: string): boolean {
  return matches(glob, text, false);
}

/** IAM's own matching of a `Resource`: `*` any run of characters, `?` exactly one. */
export function iamResourceMatches(glob: string, text: string): boolean {
  return matches(glob, text, true);
}

function matches(glob: string, text: string, questionMarkIsWildcard: boolean): boolean {
  let g = 0;
  let t = 0;
  let starAt = -1;
  let resumeAt = 0;
  while (t < text.length) {
    if (g < glob.length && glob[g] === '*') {
      starAt = g++;
      resumeAt = t;
    } else if (g < glob.length && (glob[g] === text[t] || (questionMarkIsWildcard && glob[g] === '?'))) {
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
 * from a policy that contains `wide`. Treats the wildcards in `narrow` as characters only a `*` in
 * `wide` can absorb (or an identical `?`), which never claims a cover that is not there.
 */
export function globCovers(wide: string, narrow: string): boolean {
  return globMatches(wide, narrow);
}
