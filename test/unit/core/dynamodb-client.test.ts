/**
 * The DynamoDB client takes its endpoint from the SDK's standard settings. The authorizer's
 * template declares AWS_ENDPOINT_URL_DYNAMODB as an empty string (so `sam local invoke
 * --env-vars` can override it): an empty value must leave the regional AWS endpoint in place.
 * The real SDK resolves the endpoint; a middleware captures the request before it is sent.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { createDynamoDbClient } from '../../../lambdas/core/dynamodb-client';

const saved = { ...process.env };

afterEach(() => {
  process.env = { ...saved };
});

/** Where a GetItem would go, with the environment as given. */
async function requestTarget(env: Record<string, string | undefined>): Promise<string> {
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  const client = createDynamoDbClient({
    requestTimeoutMs: 100,
    maxAttempts: 1,
    clientConfig: { region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } },
  });
  let target = '';
  client.middlewareStack.add(
    () => async (args) => {
      const request = args.request as { protocol: string; hostname: string; port?: number };
      target = `${request.protocol}//${request.hostname}${request.port ? `:${request.port}` : ''}`;
      throw new Error('captured');
    },
    { step: 'finalizeRequest', priority: 'low' },
  );
  await expect(client.send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'k' } } }))).rejects.toThrow('captured');
  client.destroy();
  return target;
}

describe('DynamoDB endpoint from the environment', () => {
  it.each([
    { name: 'absent', value: undefined, expected: 'https://dynamodb.eu-west-1.amazonaws.com' },
    { name: 'declared but empty (as in the template)', value: '', expected: 'https://dynamodb.eu-west-1.amazonaws.com' },
    { name: 'pointing at a local DynamoDB', value: 'http://127.0.0.1:8000', expected: 'http://127.0.0.1:8000' },
  ])('uses the right endpoint when AWS_ENDPOINT_URL_DYNAMODB is $name', async ({ value, expected }) => {
    expect(await requestTarget({ AWS_ENDPOINT_URL_DYNAMODB: value, AWS_ENDPOINT_URL: undefined })).toBe(expected);
  });
});
