/**
 * Proof that the `unit` project's setup file refuses the network: every way out throws before
 * anything is sent, whether a test or a library opens the socket.
 */
import dgram from 'node:dgram';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';

const REFUSED = /unit tests cannot use the network/;

/** The refusal, wherever a library wrapped it: in the error itself or in its cause chain. */
function refusalIn(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = current.cause) if (REFUSED.test(current.message)) return true;
  return false;
}

describe('no network in unit tests', () => {
  it.each([
    { name: 'net.connect', open: () => net.connect(9, '127.0.0.1') },
    { name: 'tls.connect', open: () => tls.connect(9, '127.0.0.1') },
    { name: 'http.request', open: () => http.request('http://127.0.0.1:9/').end() },
    { name: 'https.get', open: () => https.get('https://example.com/') },
    { name: 'http server listen', open: () => http.createServer().listen(0, '127.0.0.1') },
    { name: 'net server listen', open: () => net.createServer().listen(0) },
    { name: 'UDP send', open: () => dgram.createSocket('udp4').send('x', 9, '127.0.0.1') },
  ])('refuses $name', ({ open }) => {
    // Act / Assert
    expect(open).toThrow(REFUSED);
  });

  it('refuses fetch', async () => {
    // Act
    const error = await fetch('http://127.0.0.1:59999/').catch((caught: unknown) => caught);
    // Assert
    expect(refusalIn(error)).toBe(true);
  });

  it('refuses the AWS SDK', async () => {
    // Prepare
    const client = new DynamoDBClient({
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:9',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      maxAttempts: 1,
    });
    // Act
    const error = await client.send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'k' } } })).catch((caught: unknown) => caught);
    // Assert
    expect(refusalIn(error)).toBe(true);
    client.destroy();
  });
});
