/**
 * Table 5 — memory: RSS while one authorizer sees a million distinct tokens.
 *
 * Every token is valid and different: its own `jti` and subject (two new revocation keys each) and
 * one of 4,096 scope sets, so the verified-token cache, the revocation cache and the grants memo
 * all fill to their caps and then keep evicting. With the default caps, memory must level off once
 * the caches are full and stay there. Tokens are ES256 (the cheapest to sign and verify together),
 * signed in a child process while the authorizer verifies in this one.
 *
 * The revocation store answers "not revoked" in memory: the caches in front of it are what is
 * measured, not DynamoDB. Observability is muted (the log lines would only cost time here).
 * `TOLLBOOTH_BENCH_MEMORY_TOKENS` runs fewer tokens (development only).
 */
import { parseConfig } from '../../lambdas/core/config/config';
import { restTokenEvent } from '../helpers/events';
import { benchAuthorizer } from './lib/authorizers';
import { BENCH_AUDIENCE, benchIssuer, generateBenchKeys, startBenchJwks } from './lib/fixtures';
import { progress, runTable, type Budget } from './lib/report';
import { startTokenSigner } from './lib/token-signer';

const TOKENS = Number(process.env['TOLLBOOTH_BENCH_MEMORY_TOKENS'] ?? 1_000_000);
const BATCH = 5000;
const SCOPES = Array.from({ length: 12 }, (_, index) => `scope${index}`);
/**
 * The documented bounds after a million tokens, with the default caps, in this process (run by
 * `npm run bench` with `--max-old-space-size=192 --max-semi-space-size=4`). It holds ~100 MiB RSS
 * and ~10 MiB of heap before the first token; the caches at their caps measured ~35 MiB of heap.
 */
const HEAP_BOUND_MIB = 64;
const RSS_BOUND_MIB = 224;
const MIB = 1024 * 1024;

const gc: (() => void) | undefined = (globalThis as { gc?: () => void }).gc;

interface Sample {
  readonly tokens: number;
  readonly rssMiB: number;
  readonly heapMiB: number;
  readonly seconds: number;
}

await runTable('memory', `Memory: RSS over ${TOKENS.toLocaleString('en-US')} distinct tokens`, async () => {
  const keys = generateBenchKeys();
  const jwks = await startBenchJwks(keys);
  const issuer = benchIssuer(jwks);
  const config = parseConfig({
    issuers: [{ type: 'oidc', issuer, audience: [BENCH_AUDIENCE], jwksUri: jwks.url }],
    routes: Object.fromEntries(SCOPES.map((scope, index) => [scope, [`GET /orders/{id}`, `PUT /r${index}/{id}`, `POST /r${index}`]])),
    jwks: { allowInsecureLoopbackHttp: true },
    revocation: { tableName: 'unused' },
  });
  const { verifiedTokenCache, revocation } = config;
  const handler = await benchAuthorizer(config, { observability: 'muted', revocationStore: { lookup: async () => new Map() } });
  const signer = startTokenSigner({
    privateKeyPem: keys.ES256.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    kid: keys.ES256.kid,
    issuer,
    audience: BENCH_AUDIENCE,
    scopes: SCOPES,
  });

  const checkpoints = [0, 10_000, 50_000, 100_000, 250_000, 500_000, 750_000, 1_000_000].filter((count) => count <= TOKENS);
  if (checkpoints.at(-1) !== TOKENS) checkpoints.push(TOKENS);
  const samples: Sample[] = [];
  const started = performance.now();
  const sample = async (tokens: number): Promise<void> => {
    // Let the current chain of promises finish first: until then it keeps the last batch's
    // garbage reachable, and a collection started from inside it reclaims far less.
    await new Promise((resolve) => setTimeout(resolve, 0));
    gc?.();
    const usage = process.memoryUsage();
    samples.push({ tokens, rssMiB: usage.rss / MIB, heapMiB: usage.heapUsed / MIB, seconds: (performance.now() - started) / 1000 });
  };

  await sample(0);
  let denied = 0;
  let next = signer.sign(0, Math.min(BATCH, TOKENS));
  for (let from = 0; from < TOKENS; from += BATCH) {
    const tokens = await next;
    // Keep the worker one batch ahead.
    if (from + BATCH < TOKENS) next = signer.sign(from + BATCH, Math.min(BATCH, TOKENS - from - BATCH));
    for (const token of tokens) {
      const response = (await handler(restTokenEvent({ authorization: `Bearer ${token}`, method: 'GET', path: '/orders/7' }))) as {
        policyDocument: { Statement: Array<{ Effect: string }> };
      };
      if (response.policyDocument.Statement[0]?.Effect !== 'Allow') denied++;
    }
    const done = from + tokens.length;
    if (checkpoints.includes(done)) {
      await sample(done);
      progress(`${done.toLocaleString('en-US')} tokens, RSS ${samples.at(-1)?.rssMiB.toFixed(0)} MiB`);
    }
  }
  signer.stop();
  await jwks.close();
  if (denied > 0) throw new Error(`${denied} valid tokens were denied: the run does not measure what it claims`);

  // The caches are full once this many tokens went through (two revocation keys per token).
  const fullAt = Math.max(verifiedTokenCache.maxEntries, revocation.enabled ? revocation.cacheMaxEntries / 2 : 0);
  const first = samples[0];
  const last = samples.at(-1);
  const budgets: Budget[] = [
    {
      name: `Memory after ${TOKENS.toLocaleString('en-US')} distinct tokens`,
      target: `RSS ≤ ${RSS_BOUND_MIB} MiB, heap ≤ ${HEAP_BOUND_MIB} MiB`,
      measured: `RSS ${last?.rssMiB.toFixed(0)} MiB, heap ${last?.heapMiB.toFixed(0)} MiB (from ${first?.rssMiB.toFixed(0)} / ${first?.heapMiB.toFixed(0)} MiB)`,
      pass: (last?.rssMiB ?? Infinity) <= RSS_BOUND_MIB && (last?.heapMiB ?? Infinity) <= HEAP_BOUND_MIB,
      note: 'default cache caps',
    },
  ];
  return {
    columns: ['Distinct tokens', 'RSS', 'Heap used', 'Elapsed'],
    rows: samples.map((each) => [
      each.tokens.toLocaleString('en-US'),
      `${each.rssMiB.toFixed(1)} MiB`,
      `${each.heapMiB.toFixed(1)} MiB`,
      `${each.seconds.toFixed(1)} s`,
    ]),
    budgets,
    figures: Object.fromEntries(
      samples.flatMap((each) => [
        [`rss.${each.tokens}`, each.rssMiB],
        [`heap.${each.tokens}`, each.heapMiB],
      ]),
    ),
    notes: [
      `Default caps: verified-token cache ${verifiedTokenCache.maxEntries.toLocaleString('en-US')} tokens, revocation cache ${revocation.enabled ? revocation.cacheMaxEntries.toLocaleString('en-US') : 0} keys, grants memo 1,000 scope sets; full after ~${fullAt.toLocaleString('en-US')} tokens.`,
      'RSS is this process: the authorizer plus the benchmark around it (tsx, the JWKS server); the signer runs in its own process. Growth over the first row is what the caches hold, plus allocator slack.',
      `${(TOKENS / ((last?.seconds ?? 1) || 1)).toFixed(0)} tokens/s through the real handler (ES256, first sight every time), REST TOKEN events.`,
    ],
  };
});
