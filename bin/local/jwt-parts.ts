/**
 * Reads a JWT's header and claims WITHOUT verifying anything, for the `decode` and `revoke`
 * commands — typed by the person at the keyboard, never by a request. The signature is checked
 * for shape only and never returned, so no command can print it.
 */
import { UsageError } from './args';

export interface UnverifiedJwt {
  readonly header: Readonly<Record<string, unknown>>;
  readonly claims: Readonly<Record<string, unknown>>;
  /** Length in bytes of the signature (the signature itself is not kept). */
  readonly signatureBytes: number;
}

const SEGMENT = /^[A-Za-z0-9_-]+$/;

/** Splits and decodes a compact JWS; accepts a leading `Bearer `. Throws {@link UsageError} naming the problem. */
export function decodeUnverified(input: string): UnverifiedJwt {
  const token = input.trim().replace(/^bearer\s+/i, '');
  if (token === '') throw new UsageError('no token given');
  // A pasted token with more after it (a second token, a comment, npm's banner) is not "the token".
  const extra = /\s+(\S+)/.exec(token);
  if (extra) throw new UsageError(`the token is followed by other text ("${shorten(extra[1] ?? '')}"): give the token alone`);
  const parts = token.split('.');
  if (parts.length === 5) throw new UsageError('this is an encrypted token (JWE, five parts): its claims cannot be read without the key');
  if (parts.length !== 3) throw new UsageError(`a JWT has three dot-separated parts, this has ${parts.length}`);
  const [header, claims, signature] = parts as [string, string, string];
  return {
    header: segment(header, 'header'),
    claims: segment(claims, 'payload'),
    signatureBytes: SEGMENT.test(signature) ? Buffer.from(signature, 'base64url').length : 0,
  };
}

function segment(text: string, name: string): Record<string, unknown> {
  if (!SEGMENT.test(text)) throw new UsageError(`the ${name} is not base64url`);
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw new UsageError(`the ${name} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError(`the ${name} is not a JSON object`);
  return value as Record<string, unknown>;
}

// Enough to recognise the text, never a whole token (a second token pasted after the first).
function shorten(text: string): string {
  return text.length > 24 ? `${text.slice(0, 20)}…` : text;
}
