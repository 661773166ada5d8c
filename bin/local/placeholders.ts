/**
 * Token placeholders in event files. Real tokens expire, so `events/*.json` carry placeholders
 * that `npm run invoke` replaces with tokens freshly minted by the local dev issuer:
 *
 * | placeholder                     | replaced by                                              |
 * |---------------------------------|----------------------------------------------------------|
 * | `{{token:<scopes>}}`            | a valid token with these (space-separated) scopes        |
 * | `{{expired-token:<scopes>}}`    | the same, expired an hour ago                            |
 * | `{{revoked-token:<scopes>}}`    | a valid token whose `jti` is written to the revocation table first |
 *
 * For `sam local invoke`, replace them with a real token of your issuer (README, "sam local").
 */

export type PlaceholderKind = 'token' | 'expired-token' | 'revoked-token';

/** One placeholder found in an event. */
export interface Placeholder {
  readonly text: string;
  readonly kind: PlaceholderKind;
  readonly scopes: string;
}

const PLACEHOLDER = /\{\{(token|expired-token|revoked-token):([^{}]*)\}\}/g;
const ANY_PLACEHOLDER = /\{\{[^{}]*\}\}/g;

/** Every placeholder of the event text; throws naming the first malformed one. */
export function findPlaceholders(eventText: string): Placeholder[] {
  const found: Placeholder[] = [];
  for (const match of eventText.matchAll(ANY_PLACEHOLDER)) {
    const parsed = new RegExp(PLACEHOLDER.source).exec(match[0]);
    if (!parsed)
      throw new Error(`unknown placeholder ${match[0]} (use {{token:<scopes>}}, {{expired-token:<scopes>}} or {{revoked-token:<scopes>}})`);
    found.push({ text: match[0], kind: parsed[1] as PlaceholderKind, scopes: (parsed[2] ?? '').trim() });
  }
  return found;
}

/** Replaces each placeholder with the token minted for it (the same text gets the same token). */
export async function replacePlaceholders(eventText: string, mint: (placeholder: Placeholder) => Promise<string>): Promise<string> {
  const tokens = new Map<string, string>();
  for (const placeholder of findPlaceholders(eventText)) {
    if (!tokens.has(placeholder.text)) tokens.set(placeholder.text, await mint(placeholder));
  }
  return eventText.replace(ANY_PLACEHOLDER, (text) => tokens.get(text) ?? text);
}
