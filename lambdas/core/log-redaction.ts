/**
 * Keeps anything shaped like a token out of log lines built from text Tollbooth does not control:
 * the request path (a client may put a token in it — `GET /sessions/eyJ…`) and the messages of
 * errors thrown by libraries (which may echo their input). A JWS or JWE in compact form starts
 * with three base64url runs joined by dots; the whole run is replaced, so neither the claims nor
 * the signature reach the log.
 */

/** Three or more dot-joined base64url runs, the first two long enough to be a JOSE header and payload. */
const COMPACT_JOSE = /[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}(?:\.[A-Za-z0-9_-]*)+/g;

export const REDACTED = '[redacted]';

/** `text` with every compact-JOSE-shaped run replaced by `[redacted]`. */
export function redactTokenShapes(text: string): string {
  return text.replace(COMPACT_JOSE, REDACTED);
}
