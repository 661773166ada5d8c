/**
 * The sample API's backends, as Lambda proxy handlers (payload 2.0): what `npm start` serves
 * behind the routes of lib/sample-config.ts. The orders routes echo what the backend received
 * from the authorizer — so a newcomer sees exactly the context a real backend would get — and
 * `GET /health` is public. `POST /revocations` is served by the real revoke Lambda handler,
 * wired in local-stack.ts.
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { isRecord } from '../../lambdas/core/guards';

/** Echoes the route, path parameters and `requestContext.authorizer.lambda`. */
export async function echoBackend(event: unknown): Promise<APIGatewayProxyStructuredResultV2> {
  const fields = isRecord(event) ? event : {};
  const requestContext = isRecord(fields['requestContext']) ? fields['requestContext'] : {};
  const authorizer = isRecord(requestContext['authorizer']) ? requestContext['authorizer'] : {};
  return json(200, {
    message: 'Hello from the sample backend: the authorizer let this request through.',
    routeKey: fields['routeKey'],
    path: fields['rawPath'],
    pathParameters: fields['pathParameters'] ?? {},
    authorizer: authorizer['lambda'] ?? null,
  });
}

/** `GET /health`: public, no authorizer. */
export async function healthBackend(): Promise<APIGatewayProxyStructuredResultV2> {
  return json(200, { status: 'ok' });
}

function json(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: `${JSON.stringify(body, null, 2)}\n` };
}
