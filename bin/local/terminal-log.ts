/**
 * What `npm start` prints while it runs: one line per request, and beneath it the authorizer's
 * and revoke handler's own log lines, shortened for a terminal. The structured lines are built
 * from the same allow-list the Lambda logs (decision-log.ts), so no token or signature can appear.
 */
import type { DecisionLogger } from '../../lambdas/authorizer/decision-log';
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

const AUTHORIZER_NOTE: Readonly<Record<RequestLog['authorizer'], string>> = {
  miss: 'authorizer invoked',
  cached: 'authorizer cache hit',
  public: 'public route',
  skipped: 'authorizer not invoked',
};

/** `GET /orders → 200 OK   (GET /orders, authorizer invoked)` */
export function formatRequest(log: RequestLog): string {
  const route = log.routeKey ? `${log.routeKey}, ` : '';
  return `${log.method} ${log.path} → ${log.status} ${STATUS_TEXT[log.status] ?? ''}   (${route}${AUTHORIZER_NOTE[log.authorizer]})`;
}

/** A logger printing `    authorizer: deny insufficient_scope sub=alice jti=…` style lines. */
export function terminalLogger(write: (line: string) => void): DecisionLogger {
  const line = (level: 'info' | 'warn' | 'error', message: string, attributes: Record<string, unknown>): void => {
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
      .map((name) => `${name}=${String(attributes[name])}`)
      .join(' ');
  if (message === 'authorizer decision') {
    const reason = attributes['decision'] === 'allow' ? 'allow' : `deny (${String(attributes['reason'])})`;
    return `authorizer: ${reason} ${pick('sub', 'jti', 'error')}`.trimEnd();
  }
  if (message === 'revocation' || message === 'revocation refused') {
    return `revoke endpoint: ${pick('status', 'kind', 'by', 'sub', 'jti', 'reason', 'error')}`;
  }
  if (message.startsWith('jwks')) return `${message}: ${pick('uri', 'keys', 'error')}`;
  return `${message} ${pick(...Object.keys(attributes))}`.trimEnd();
}
