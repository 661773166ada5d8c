/**
 * Signs distinct ES256 tokens in a child process, so the memory table's million tokens are signed
 * on the second core while the authorizer verifies them on the first — and so the signer's memory
 * is not counted in the RSS the table reports.
 *
 * As a module it exports {@link startTokenSigner}; run as the child (with `--sign`) it answers each
 * `{ from, count }` request with that many tokens, numbered from `from`: token `n` has subject
 * `user-n`, `jti` `jti-n`, and the scope set picked by the low bits of `n`.
 */
import { fork } from 'node:child_process';
import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { fileURLToPath } from 'node:url';

export interface SignerSetup {
  readonly privateKeyPem: string;
  readonly kid: string;
  readonly issuer: string;
  readonly audience: string;
  /** Scope names; each token gets the subset selected by the bits of its number. */
  readonly scopes: readonly string[];
}

interface Request {
  readonly from: number;
  readonly count: number;
}

type Message = { readonly setup: SignerSetup } | Request;

export interface TokenSigner {
  /** Tokens `from` … `from + count - 1`. */
  sign(from: number, count: number): Promise<string[]>;
  stop(): void;
}

export function startTokenSigner(setup: SignerSetup): TokenSigner {
  const child = fork(fileURLToPath(import.meta.url), ['--sign'], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const waiting: Array<(tokens: string[]) => void> = [];
  child.on('message', (tokens: string[]) => waiting.shift()?.(tokens));
  child.send({ setup } satisfies Message);
  return {
    sign: (from, count) =>
      new Promise((resolve) => {
        waiting.push(resolve);
        child.send({ from, count } satisfies Message);
      }),
    stop: () => {
      child.kill();
    },
  };
}

function signTokens(setup: SignerSetup, key: KeyObject, request: Request): string[] {
  const header = Buffer.from(JSON.stringify({ alg: 'ES256', kid: setup.kid, typ: 'JWT' })).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const tokens: string[] = [];
  for (let n = request.from; n < request.from + request.count; n++) {
    const scope = setup.scopes.filter((_, bit) => (n >> bit) & 1).join(' ') || setup.scopes[0];
    const payload = { iss: setup.issuer, aud: setup.audience, sub: `user-${n}`, jti: `jti-${n}`, iat: now, exp: now + 3600, scope };
    const signingInput = `${header}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
    const signature = sign('sha256', Buffer.from(signingInput), { key, dsaEncoding: 'ieee-p1363' });
    tokens.push(`${signingInput}.${signature.toString('base64url')}`);
  }
  return tokens;
}

if (process.argv.includes('--sign') && process.send) {
  let setup: SignerSetup | undefined;
  let key: KeyObject | undefined;
  process.on('message', (message: Message) => {
    if ('setup' in message) {
      setup = message.setup;
      key = createPrivateKey(setup.privateKeyPem);
    } else if (setup && key) {
      process.send?.(signTokens(setup, key, message));
    }
  });
  process.on('disconnect', () => process.exit(0));
}
