/**
 * How every benchmark table times its contenders: interleaved rounds, medians, ratios.
 *
 * These machines are shared and noisy, so absolute times mean little; what a table reports is
 * each contender's median time per operation and its ratio to a reference measured in the same
 * process, in the same rounds. Each round runs every contender once, in a rotated order (so no
 * contender always runs right after the same neighbour, or always first after a GC), for a batch
 * sized to take about `batchMs`. The figure reported is the median over rounds of the per-batch
 * mean, which shrugs off a round disturbed by another process.
 *
 * `TOLLBOOTH_BENCH_CLOCK=cpu` times batches by this process's CPU time instead of the wall clock:
 * on a machine shared with other busy processes, wall time also counts the time our process spent
 * waiting for a core. CPU time does not (it still feels caches and shared cores), so ratios stay
 * usable; it also leaves out time spent waiting on I/O, so rows that wait on another process
 * (DynamoDB) read lower. Reports say which clock was used.
 */

/**
 * One thing to time. `run(i)` performs this contender's operation number `i`: each contender counts
 * its own operations from 0, so one cycling through a pool sees the pool in order, whatever the
 * other contenders did in between (a first-sight row relies on that to never meet a cached token).
 */
export interface Contender {
  readonly name: string;
  readonly run: (i: number) => unknown;
  /** `run` returns a promise that must be awaited (async handlers, jose). */
  readonly async?: boolean;
}

export interface MeasureOptions {
  readonly rounds: number;
  /** Target duration of one contender's batch in one round. */
  readonly batchMs: number;
  /** Never fewer iterations than this per batch (slow contenders). */
  readonly minIterations?: number;
  /** Never more iterations than this per batch (pools that must not wrap, e.g. first-seen tokens). */
  readonly maxIterations?: number;
}

export interface Measurement {
  readonly name: string;
  /** Median over rounds of the mean time per operation, in nanoseconds. */
  readonly medianNs: number;
  /** Every round's mean, in nanoseconds (for spread). */
  readonly samplesNs: readonly number[];
  readonly iterationsPerBatch: number;
}

const gc: (() => void) | undefined = (globalThis as { gc?: () => void }).gc;

/** Which clock batches are timed with (see the file comment). */
export const BENCH_CLOCK: 'wall' | 'cpu' = process.env['TOLLBOOTH_BENCH_CLOCK'] === 'cpu' ? 'cpu' : 'wall';

function clockNs(): number {
  if (BENCH_CLOCK === 'cpu') {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) * 1000;
  }
  return Number(process.hrtime.bigint());
}

/** Times the contenders in interleaved rounds; resolves to one measurement per contender, by name. */
export async function interleave(contenders: readonly Contender[], options: MeasureOptions): Promise<Map<string, Measurement>> {
  const done = new Map<string, number>();
  const iterations = new Map<string, number>();
  for (const contender of contenders) {
    // Warm up (JIT, caches, lazily built state) and size the batch from the warm-up's pace.
    const warm = await timeBatch(contender, Math.max(options.minIterations ?? 1, 20), 0);
    done.set(contender.name, warm.count);
    const perOpMs = warm.elapsedNs / warm.count / 1e6;
    const wanted = Math.round(options.batchMs / Math.max(perOpMs, 1e-6));
    iterations.set(contender.name, clamp(wanted, options.minIterations ?? 1, options.maxIterations ?? 1_000_000));
  }
  const samples = new Map<string, number[]>(contenders.map((contender) => [contender.name, []]));
  for (let round = 0; round < options.rounds; round++) {
    for (let k = 0; k < contenders.length; k++) {
      const contender = contenders[(k + round) % contenders.length];
      if (!contender) continue;
      const count = iterations.get(contender.name) ?? 1;
      const offset = done.get(contender.name) ?? 0;
      gc?.();
      const batch = await timeBatch(contender, count, offset);
      done.set(contender.name, offset + count);
      samples.get(contender.name)?.push(batch.elapsedNs / batch.count);
    }
  }
  const results = new Map<string, Measurement>();
  for (const contender of contenders) {
    const taken = samples.get(contender.name) ?? [];
    results.set(contender.name, {
      name: contender.name,
      medianNs: median(taken),
      samplesNs: taken,
      iterationsPerBatch: iterations.get(contender.name) ?? 0,
    });
  }
  return results;
}

async function timeBatch(contender: Contender, count: number, offset: number): Promise<{ elapsedNs: number; count: number }> {
  const started = clockNs();
  if (contender.async) {
    for (let i = 0; i < count; i++) await contender.run(offset + i);
  } else {
    for (let i = 0; i < count; i++) contender.run(offset + i);
  }
  return { elapsedNs: clockNs() - started, count };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** Interquartile spread relative to the median, as a rough noise indicator (0.05 = ±5 %). */
export function relativeSpread(values: readonly number[]): number {
  if (values.length < 4) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const q1 = sorted[Math.floor(sorted.length / 4)] ?? 0;
  const q3 = sorted[Math.floor((3 * sorted.length) / 4)] ?? 0;
  return (q3 - q1) / 2 / median(values);
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** `12.3 µs`, `1.24 ms`: a duration in nanoseconds, human-sized. */
export function formatNs(ns: number): string {
  if (!Number.isFinite(ns)) return 'n/a';
  if (ns < 1_000) return `${ns.toFixed(0)} ns`;
  if (ns < 1_000_000) return `${(ns / 1_000).toFixed(ns < 10_000 ? 2 : 1)} µs`;
  return `${(ns / 1_000_000).toFixed(ns < 10_000_000 ? 2 : 1)} ms`;
}

/** `1.32×` */
export function formatRatio(ratio: number): string {
  return Number.isFinite(ratio) ? `${ratio.toFixed(ratio < 0.1 ? 3 : 2)}×` : 'n/a';
}
