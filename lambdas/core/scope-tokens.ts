/**
 * RFC 6749 §3.3's grammar for scopes, the one rule every reader of a scope list shares: the claim
 * rules (a token's `scope`, `scp` and any mapped role claim), the configuration (the scope names of
 * `routes`) and the revocation endpoint (the context the authorizer handed it).
 *
 *     scope       = scope-token *( SP scope-token )
 *     scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
 *
 * A scope token is printable ASCII without space, `"` and `\`. Holding every scope to that is what
 * makes a list of scopes unambiguous once joined with spaces: a token can no longer carry a space
 * (or a tab, a newline, NBSP, U+3000 — characters some readers split on and others do not) and so
 * smuggle a second scope past whoever splits the list again.
 */

/** One scope token: 1*( %x21 / %x23-5B / %x5D-7E ). */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** A whole scope string: scope-token *( SP scope-token ), checked in one pass before it is split. */
const SCOPE_STRING = /^[\x21\x23-\x5B\x5D-\x7E]+(?: [\x21\x23-\x5B\x5D-\x7E]+)*$/;

/** True when `value` is one RFC 6749 scope token. */
export function isScopeToken(value: string): boolean {
  return SCOPE_TOKEN.test(value);
}

/**
 * The scope tokens of a space-delimited scope string, or `undefined` when it does not follow the
 * grammar: tokens separated by exactly one space (U+0020), no leading or trailing space, every
 * token within the character set. The empty string is the empty list — a token granted no scope
 * at all, as some issuers write it — and not an error.
 */
export function parseScopeString(value: string): string[] | undefined {
  if (value === '') return [];
  return SCOPE_STRING.test(value) ? value.split(' ') : undefined;
}
