// The sample stack's backend: answers with the route and what the authorizer decided, nothing
// else. A file asset rather than inline code, because `sam local start-api` cannot run inline
// code (it answers 501 for every allowed request: docs/sam-local.md).
export const handler = async (event) => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ routeKey: event.routeKey, authorizer: event.requestContext?.authorizer ?? null }),
});
