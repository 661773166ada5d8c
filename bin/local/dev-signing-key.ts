/**
 * The dev issuer's signing key, kept across restarts of the same stack so tokens minted before a
 * restart stay valid (on the same issuer port: a token's `iss` names it). Stored as a private JWK
 * in `.tollbooth/stacks/<name>/dev-signing-key.json`, mode 0600, and nowhere else (state-dir.ts
 * holds the folder rules). An existing file's mode is tightened to 0600 when it is read.
 *
 * A development key only: it signs tokens for a loopback issuer that anyone on the machine can
 * ask for any token anyway. Deleting the file (or `.tollbooth/`) rotates it: every token minted
 * before is then refused, which is why the banner says when a new key was created.
 */
import { chmodSync, readFileSync } from 'node:fs';
import { createPrivateKey, generateKeyPairSync, randomUUID, type JsonWebKey, type KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { CommandError } from './args';
import { writePrivateFile } from './state-dir';

const KEY_FILE_NAME = 'dev-signing-key.json';

/** A key the dev issuer signs with (RS256). */
export interface DevSigningKey {
  readonly privateKey: KeyObject;
  readonly kid: string;
}

/** The stored key, and whether it was created just now. */
export interface StoredDevSigningKey {
  readonly key: DevSigningKey;
  readonly path: string;
  readonly created: boolean;
}

interface KeyFile {
  readonly kid: string;
  readonly alg: 'RS256';
  readonly createdAt: string;
  readonly privateJwk: JsonWebKey;
}

/** A fresh RSA key (2048 bits, the smallest the authorizer's key policy accepts). */
export function generateDevSigningKey(): DevSigningKey {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey, kid: `dev-${randomUUID().slice(0, 8)}` };
}

/** Reads the key stored in `folder`, or creates and stores one. Throws a one-line error naming an unreadable file. */
export function loadOrCreateDevSigningKey(folder: string): StoredDevSigningKey {
  const path = join(folder, KEY_FILE_NAME);
  let text: string | undefined;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new CommandError(`cannot read ${path}: ${(error as Error).message}`);
  }
  if (text === undefined) {
    const key = generateDevSigningKey();
    const file: KeyFile = {
      kid: key.kid,
      alg: 'RS256',
      createdAt: new Date().toISOString(),
      privateJwk: key.privateKey.export({ format: 'jwk' }),
    };
    writePrivateFile(path, `${JSON.stringify(file, null, 2)}\n`);
    return { key, path, created: true };
  }
  chmodSync(path, 0o600);
  try {
    const file = JSON.parse(text) as KeyFile;
    if (typeof file.kid !== 'string' || file.privateJwk?.kty !== 'RSA') throw new Error('not an RSA key file');
    const privateKey = createPrivateKey({ key: file.privateJwk, format: 'jwk' });
    return { key: { privateKey, kid: file.kid }, path, created: false };
  } catch {
    throw new CommandError(`${path} does not hold a dev signing key: delete it for a new one (tokens minted before are then refused)`);
  }
}
