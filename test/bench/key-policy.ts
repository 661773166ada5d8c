/**
 * Table — the key policy: what judging a JWKS key costs (the RSA modulus checks above all: trial
 * division, ROCA, perfect powers, Fermat, a Miller–Rabin test), once per key and execution
 * environment, against what the policy did before them for the same key (import it with
 * `createPublicKey`) and one RS256 signature check, measured in the same rounds. A refetch of an
 * unchanged set is judged from the policy's memory.
 *
 * Never on the request path: the policy runs when a JWKS is fetched (cold-start hydration, a
 * rotation, the refresh after half the maximum age).
 */
import { createPublicKey, generateKeyPairSync, randomBytes, sign, verify, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { Jwk } from 'aws-jwt-verify/jwk';
import { KeyPolicy, type KeyPolicyOptions } from '../../lambdas/core/verification/jwk-policy';
import { formatNs, formatRatio, median } from './lib/measure';
import { progress, runTable, type Budget } from './lib/report';

const OPTIONS: KeyPolicyOptions = { algorithms: ['RS256', 'ES256', 'EdDSA'], minRsaModulusBits: 2048, maxRsaModulusBits: 4096 };
/** Distinct keys judged per kind: each one is a first sight for a fresh policy. */
const KEYS_PER_KIND = 12;
const FIRST_SIGHT_BUDGET_MS = 5;
/** 4096-bit moduli that fit in the default 256 KiB JWKS response cap. */
const HOSTILE_SET_SIZE = 300;

interface KeyKind {
  readonly name: string;
  readonly generate: () => { publicKey: KeyObject; privateKey: KeyObject };
  readonly alg: string;
}

const KINDS: readonly KeyKind[] = [
  { name: 'RSA-2048', alg: 'RS256', generate: () => generateKeyPairSync('rsa', { modulusLength: 2048 }) },
  { name: 'RSA-3072', alg: 'RS256', generate: () => generateKeyPairSync('rsa', { modulusLength: 3072 }) },
  { name: 'RSA-4096', alg: 'RS256', generate: () => generateKeyPairSync('rsa', { modulusLength: 4096 }) },
  { name: 'P-256', alg: 'ES256', generate: () => generateKeyPairSync('ec', { namedCurve: 'P-256' }) },
  { name: 'Ed25519', alg: 'EdDSA', generate: () => generateKeyPairSync('ed25519') },
];

await runTable('key-policy', 'The key policy: judging a JWKS key, once per key', async () => {
  const rows: string[][] = [];
  const figures: Record<string, number> = {};
  const budgets: Budget[] = [];
  for (const kind of KINDS) {
    progress(`${kind.name}: generating ${KEYS_PER_KIND} keys`);
    const pairs = Array.from({ length: KEYS_PER_KIND }, kind.generate);
    const jwks = pairs.map((pair, index) => ({ ...(pair.publicKey.export({ format: 'jwk' }) as Jwk), kid: `k${index}`, alg: kind.alg }));
    const message = Buffer.from('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJiZW5jaCJ9');
    const digest = kind.alg === 'EdDSA' ? null : 'sha256';
    const signatures = pairs.map((pair) => sign(digest, message, pair.privateKey));

    progress(`${kind.name}: timing`);
    const firstSight: number[] = [];
    const remembered: number[] = [];
    const imports: number[] = [];
    const verifications: number[] = [];
    // Interleaved per key so a busy moment costs every column alike.
    for (const [index, jwk] of jwks.entries()) {
      const policy = new KeyPolicy(OPTIONS);
      firstSight.push(timeNs(() => policy.apply({ keys: [jwk] })));
      remembered.push(timeNs(() => policy.apply({ keys: [jwk] })));
      imports.push(timeNs(() => createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' })));
      const publicKey = pairs[index]?.publicKey;
      verifications.push(timeNs(() => verify(digest, message, publicKey as KeyObject, signatures[index] as Buffer)));
    }
    const [first, again, imported, verified] = [firstSight, remembered, imports, verifications].map(median) as [
      number,
      number,
      number,
      number,
    ];
    rows.push([
      kind.name,
      formatNs(first),
      formatRatio(first / imported),
      formatRatio(first / verified),
      formatNs(again),
      formatRatio(again / imported),
    ]);
    figures[`${kind.name}.firstSightNs`] = first;
    figures[`${kind.name}.rememberedNs`] = again;
    figures[`${kind.name}.importNs`] = imported;
    figures[`${kind.name}.verifyNs`] = verified;
    if (kind.name === 'RSA-2048') {
      budgets.push({
        name: 'Key policy, first sight of an RSA-2048 key',
        target: `≤ ${FIRST_SIGHT_BUDGET_MS} ms`,
        measured: formatNs(first),
        pass: first <= FIRST_SIGHT_BUDGET_MS * 1e6,
        note: 'once per key and execution environment, at JWKS fetch',
      });
    }
  }
  // A hostile set: as many 4096-bit moduli as the default 256 KiB response cap holds (300), each
  // free of small factors so most take every check, Miller–Rabin included (random odd numbers
  // cost what real moduli cost, and are quick to make).
  progress('hostile set: 300 moduli of 4096 bits');
  const hostile = {
    keys: Array.from({ length: HOSTILE_SET_SIZE }, (_, index) => ({ kty: 'RSA', kid: `h${index}`, e: 'AQAB', n: hostileModulus() })),
  };
  const hostileNs = timeNs(() => new KeyPolicy(OPTIONS).apply(hostile as { keys: Jwk[] }));
  const oneRsa4096 = figures['RSA-4096.firstSightNs'] ?? Number.NaN;
  rows.push([
    `hostile set of ${HOSTILE_SET_SIZE} RSA-4096 moduli (${(JSON.stringify(hostile).length / 1024).toFixed(0)} KiB), at most 50 judged`,
    formatNs(hostileNs),
    '',
    '',
    '',
    formatRatio(hostileNs / oneRsa4096),
  ]);
  figures['hostileSetNs'] = hostileNs;
  return {
    columns: ['Key', 'First sight', '× import', '× one verify', 'Refetch (remembered)', '× import'],
    rows,
    notes: [
      `Median over ${KEYS_PER_KIND} distinct keys per kind, each judged by a fresh policy ("first sight"), then again by the same policy ("refetch").`,
      'Reference columns, measured for the same keys in the same loop: importing the key (`createPublicKey`, what the policy did before the modulus checks) and one signature check with it.',
      'RSA moduli above 4096 bits are refused without checks; the Miller–Rabin test is most of the RSA cost and grows with the cube of the size.',
      `The hostile set's last column is its cost × one RSA-4096 key's first sight: the key policy judges at most 50 keys of a set, so a set the size cap allows costs about 50 keys, not ${HOSTILE_SET_SIZE}.`,
    ],
    budgets,
    figures,
  };
});

/** A random odd 4096-bit number without a factor below 2,000: most then take every check, as a real modulus does. */
function hostileModulus(): string {
  for (;;) {
    const bytes = randomBytes(512);
    bytes[0] = (bytes[0] ?? 0) | 0x80;
    bytes[511] = (bytes[511] ?? 0) | 1;
    const n = BigInt(`0x${bytes.toString('hex')}`);
    let smallFactor = false;
    for (let p = 3n; p < 2_000n && !smallFactor; p += 2n) smallFactor = n % p === 0n;
    if (!smallFactor) return bytes.toString('base64url');
  }
}

function timeNs(action: () => unknown): number {
  const started = process.hrtime.bigint();
  action();
  return Number(process.hrtime.bigint() - started);
}
