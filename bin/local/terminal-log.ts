/**
 * What `npm start` prints while it runs: one line per request, saying why it was answered as it
 * was — the authorizer's reason code whether it decided just now or API Gateway's cache answered
 * from an earlier decision — and the Lambdas' other log lines, shortened for a terminal. The
 * authorizer's own decision line is folded into the request line, except when it reports an
 * outage or a bug (warn and error level), which keeps its line and its error. Everything comes
 * from the allow-listed attributes the Lambda logs (decision-log.ts), so no token or signature can
 * appear.
 */
import { DECISION_MESSAGE, type DecisionLogger } from '../../lambdas/authorizer/decision-log';
import { redactTokenShapes } from '../../lambdas/core/log-redaction';
import type { RequestLog } from './local-api';

const STATUS_TEXT: Readonly<Record<number, string>> = {
  200: 'OK',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  413: 'Too Large',
  500: 'Internal Server Error',
  503: 'Unavailable',
};

/**
 * `GET /orders → 200 OK   (GET /orders; authorizer: allow sub=alice)`, or with `authorizer cache hit,
 * 3 s old:` when API Gateway's cache answered.
 */
export function formatRequest(log: RequestLog): string {
  const status = `${log.status} ${STATUS_TEXT[log.status] ?? ''}`.trimEnd();
  // The path is the client's, and problems quote it: a token pasted into it stays out of the terminal too.
  if (log.status === 400 && log.routeKey === undefined) return redactTokenShapes(`request → ${status}   (${log.problem ?? 'unreadable'})`);
  return redactTokenShapes(`${log.method} ${log.path} → ${status}   (${explain(log)})`);
}

function explain(log: RequestLog): string {
  if (log.routeKey === undefined) return log.problem ?? 'no route';
  const route = `${log.routeKey}; `;
  if (log.authorizer === 'public') return `${route}public route${log.problem ? `; ${log.problem}` : ''}`;
  if (log.authorizer === 'skipped') return `${route}no identity source (the token header is missing or empty): authorizer not invoked`;
  const source = log.authorizer === 'cached' ? `authorizer cache hit, ${Math.round((log.cacheAgeMs ?? 0) / 1000)} s old` : 'authorizer';
  const decision = log.decision;
  if (log.status === 500 && !log.problem)
    return `${route}${source}: failed or answered something invalid${decision ? ` (${decision.reason})` : ''}`;
  const verdict = decision
    ? `${decision.reason === 'allowed' ? 'allow' : `deny ${decision.reason}`}${decision.sub ? ` sub=${decision.sub}` : ''}`
    : '';
  return `${route}${source}: ${verdict}${log.problem ? `; ${log.problem}` : ''}`.trimEnd();
}

/** A logger printing `    authorizer: deny insufficient_scope sub=alice jti=…` style lines. */
export function terminalLogger(write: (line: string) => void): DecisionLogger {
  const line = (level: 'info' | 'warn' | 'error', message: string, attributes: Record<string, unknown>): void => {
    // The request line carries the decision; only outages and bugs keep a line of their own.
    if (level === 'info' && message === DECISION_MESSAGE) return;
    const marker = level === 'info' ? ' ' : '!';
    write(`  ${marker} ${summarise(message, attributes)}`);
  };
  return {
    info: (message, attributes) => line('info', message, attributes),
    warn: (message, attributes) => line('warn', message, attributes),
    error: (message, attributes) => line('error', message, attributes),
  };
}

function summarise(message: string, attributes: Record<string, unknown>): string {
  const pick = (...names: string[]): string =>
    names
      .filter((name) => attributes[name] !== undefined && attributes[name] !== null)
      .map((name) => `${name}=${shown(attributes[name])}`)
      .join(' ');
  if (message === DECISION_MESSAGE) {
    const reason = attributes['decision'] === 'allow' ? 'allow' : `deny (${String(attributes['reason'])})`;
    return `authorizer: ${reason} ${pick('sub', 'jti', 'error')}`.trimEnd();
  }
  if (message === 'revocation' || message === 'revocation refused') {
    return `revoke endpoint: ${pick('status', 'kind', 'by', 'sub', 'jti', 'reason', 'error')}`;
  }
  if (message.startsWith('jwks')) return `${message}: ${pick('uri', 'keys', 'error')}`;
  return `${message} ${pick(...Object.keys(attributes))}`.trimEnd();
}

/** An attribute as `name=value` shows it: objects (the feed's `heads`) as compact JSON, not `[object Object]`. */
function shown(value: unknown): string {
  if (typeof value !== 'object' || value === null) return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
