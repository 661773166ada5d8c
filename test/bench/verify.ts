/**
 * Table 1 — the limit and the peers: how fast can a JWT be verified at all, and how fast do the
 * libraries people would reach for verify the same tokens? Per algorithm, every row is a ratio to
 * the limit measured in the same rounds.
 */
import {
  awsJwtVerifyContender,
  joseContender,
  jsonwebtokenContender,
  limitVerifier,
  proveVerifier,
  type VerifierContender,
} from './lib/contenders';
import {
  badTokens,
  BENCH_ALGORITHMS,
  benchIssuer,
  fetchJwks,
  generateBenchKeys,
  signToken,
  startBenchJwks,
  tokenPool,
} from './lib/fixtures';
import { formatNs, formatRatio, interleave, relativeSpread } from './lib/measure';
import { progress, runTable } from './lib/report';

const POOL_SIZE = 500;

await runTable('verify', 'The limit and the peers: verifying one token', async () => {
  const keys = generateBenchKeys();
  const jwksServer = await startBenchJwks(keys);
  const issuer = benchIssuer(jwksServer);
  const jwks = await fetchJwks(jwksServer);

  const rows: string[][] = [];
  const figures: Record<string, number> = {};
  for (const alg of BENCH_ALGORITHMS) {
    const key = keys[alg];
    progress(`${alg}: signing ${POOL_SIZE} tokens, proving every contender`);
    const pool = tokenPool(key, POOL_SIZE, { issuer });
    const contenders = [
      limitVerifier(key, issuer),
      awsJwtVerifyContender(jwks, jwksServer.url, issuer),
      joseContender(jwks, issuer, alg),
      jsonwebtokenContender(key, issuer),
    ].filter((contender): contender is VerifierContender => contender !== undefined);
    const bad = badTokens(key, issuer);
    for (const contender of contenders) await proveVerifier(contender, signToken(key, { issuer }), bad);

    progress(`${alg}: timing ${contenders.length} contenders`);
    const results = await interleave(
      contenders.map((contender) => ({
        name: contender.name,
        async: contender.async,
        run: (i: number) => contender.verify(pool[i % POOL_SIZE] ?? ''),
      })),
      { rounds: 9, batchMs: 60, minIterations: 50 },
    );
    const limitNs = results.get('the limit')?.medianNs ?? Number.NaN;
    for (const contender of contenders) {
      const measured = results.get(contender.name);
      if (!measured) continue;
      rows.push([
        alg,
        contender.name,
        formatNs(measured.medianNs),
        formatRatio(measured.medianNs / limitNs),
        `±${(relativeSpread(measured.samplesNs) * 100).toFixed(0)} %`,
      ]);
      figures[`${alg}.${contender.name}.ns`] = measured.medianNs;
      figures[`${alg}.${contender.name}.ratio`] = measured.medianNs / limitNs;
    }
    if (alg === 'EdDSA') rows.push([alg, 'jsonwebtoken + PEM', 'n/a', 'n/a', 'no EdDSA support']);
  }
  await jwksServer.close();
  return {
    columns: ['Algorithm', 'Contender', 'Median per token', '× the limit', 'Spread'],
    rows,
    figures,
    notes: [
      'The limit: base64url-decode and JSON-parse header and payload, `crypto.verify` with a pre-imported KeyObject, check `iss`, `aud` and `exp`.',
      `Each contender first proved it accepts a good token and refuses a tampered, an expired, a wrong-aud and a wrong-iss one. Pool: ${POOL_SIZE} distinct tokens per algorithm, signed with node:crypto.`,
      'Spread: half the interquartile range of the per-round means, relative to the median.',
    ],
  };
});
