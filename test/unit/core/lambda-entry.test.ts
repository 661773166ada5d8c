/**
 * The cold-start contract of Lambda entries: fail the cold start inside Lambda, defer the error
 * to the handler outside it.
 */
import { describe, expect, it } from 'vitest';
import { hydrateAtColdStart, initialiseEntry } from '../../../lambdas/core/lambda-entry';
import { LogCapture } from '../../helpers/log-capture';

const failing = async (): Promise<(event: unknown) => Promise<string>> => {
  throw new Error('bad configuration');
};

describe('lambda-entry', () => {
  it('returns the handler initialise built', async () => {
    const handler = await initialiseEntry(async () => async (event: string) => `ok ${event}`, new LogCapture(), {});
    expect(await handler('x')).toBe('ok x');
  });

  it('fails the cold start inside Lambda, logging why', async () => {
    const logs = new LogCapture();
    await expect(initialiseEntry(failing, logs, { AWS_LAMBDA_FUNCTION_NAME: 'tollbooth' })).rejects.toThrow('bad configuration');
    expect(logs.lines).toEqual([{ level: 'error', message: 'cold start failed', attributes: { error: 'bad configuration' } }]);
  });

  it('defers the failure to the handler outside Lambda, so importing the entry is not an error', async () => {
    const handler = await initialiseEntry(failing, new LogCapture(), {});
    await expect(handler({})).rejects.toThrow('bad configuration');
  });

  it('warns when fewer JWKS than distinct JWKS URIs could be fetched at cold start', async () => {
    const logs = new LogCapture();
    const twoUris = [{ keys: { uri: 'https://a/jwks' } }, { keys: { uri: 'https://b/.well-known/openid-configuration' } }];
    const sharedUri = [{ keys: { uri: 'https://a/jwks' } }, { keys: { uri: 'https://a/jwks' } }];
    await hydrateAtColdStart(async () => 1, twoUris, logs);
    await hydrateAtColdStart(async () => 2, twoUris, logs);
    await hydrateAtColdStart(async () => 1, sharedUri, logs); // one fetch serves both issuers
    expect(logs.lines).toEqual([
      { level: 'warn', message: 'cold start: not every JWKS could be fetched', attributes: { hydrated: 1, expected: 2 } },
    ]);
  });
});
