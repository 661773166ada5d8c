/**
 * Table — command-line tools: how long `tollbooth-token`, `tollbooth-revoke` and `tollbooth-decode`
 * take from process spawn to exit, as the compiled tools the package's `bin` entries run
 * (`dist/bin/`, built by `npm run build`), against `node -e 0` in the same rounds, and against the
 * same commands run from TypeScript through tsx, as they were before they were compiled. The
 * budget is absolute (≤ 0.3 s on an idle machine) and printed with the machine's load.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPOSITORY_ROOT } from '../../bin/local/bundle-cache';
import { formatRatio, median } from './lib/measure';
import { progress, runTable, type Budget } from './lib/report';

const ROUNDS = 15;
const BUDGET_MS = 300;
/** A real token for decode, so it does its whole job (parse, print) rather than fail early. */
const TOKEN =
  'eyJhbGciOiJSUzI1NiIsImtpZCI6ImJlbmNoIn0.eyJpc3MiOiJodHRwczovL2lkcC5leGFtcGxlLmNvbSIsInN1YiI6ImFsaWNlIiwiZXhwIjo0MTAyNDQ0ODAwfQ.c2lnbmF0dXJl';

await runTable('cli', 'Command-line tools: spawn to exit', async () => {
  const dist = join(REPOSITORY_ROOT, 'dist', 'bin');
  if (!existsSync(join(dist, 'tollbooth-decode.js'))) throw new Error('dist/bin is missing: run npm run build first');
  const variants = [
    { name: 'node -e 0', args: ['-e', '0'] },
    { name: 'tollbooth-decode <jwt>', args: [join(dist, 'tollbooth-decode.js'), TOKEN] },
    { name: 'tollbooth-token --help', args: [join(dist, 'tollbooth-token.js'), '--help'] },
    { name: 'tollbooth-revoke --help', args: [join(dist, 'tollbooth-revoke.js'), '--help'] },
    {
      name: 'reference: tsx bin/decode.ts <jwt> (uncompiled)',
      args: ['--import', 'tsx', join(REPOSITORY_ROOT, 'bin', 'decode.ts'), TOKEN],
    },
  ];
  progress(`timing ${variants.length} commands, ${ROUNDS} interleaved rounds`);
  const timings = new Map<string, number[]>(variants.map((variant) => [variant.name, []]));
  for (let round = 0; round < ROUNDS + 1; round++) {
    for (let k = 0; k < variants.length; k++) {
      const variant = variants[(k + round) % variants.length];
      if (!variant) continue;
      const started = performance.now();
      const result = spawnSync(process.execPath, variant.args, { cwd: REPOSITORY_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
      const elapsed = performance.now() - started;
      if (result.status !== 0) throw new Error(`${variant.name} failed: ${result.stderr.toString()}`);
      // Round 0 warms the file cache and is not counted.
      if (round > 0) timings.get(variant.name)?.push(elapsed);
    }
  }
  const medianOf = (name: string): number => median(timings.get(name) ?? []);
  const baseMs = medianOf('node -e 0');
  const tools = variants.slice(1, 4).map((variant) => variant.name);
  const slowest = Math.max(...tools.map(medianOf));
  const budgets: Budget[] = [
    {
      name: 'Command-line tools start and finish',
      target: `≤ ${BUDGET_MS} ms on an idle machine`,
      measured: `${slowest.toFixed(0)} ms (slowest of the three; node -e 0: ${baseMs.toFixed(0)} ms)`,
      pass: slowest <= BUDGET_MS,
      note: 'absolute, so read it with the load average printed above the table',
    },
  ];
  return {
    columns: ['Command', 'Median, spawn to exit', 'Against node -e 0'],
    rows: variants.map((variant) => [
      variant.name,
      `${medianOf(variant.name).toFixed(1)} ms`,
      formatRatio(medianOf(variant.name) / baseMs),
    ]),
    notes: [
      'Each command is a fresh `node` process, as a shell runs it; the rounds interleave the commands so machine noise hits them alike.',
      'The tools are the CommonJS bundles under dist/bin/ (npm run build), what npm scripts and the package bin entries run.',
    ],
    budgets,
    figures: Object.fromEntries(variants.map((variant) => [variant.name, medianOf(variant.name)])),
  };
});
