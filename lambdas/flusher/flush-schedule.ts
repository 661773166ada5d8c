/**
 * When API Gateway's authorizer cache is flushed after a revocation, coalesced: the cache flusher
 * Lambda and the local stack's emulation share this rule.
 *
 * A flush must not come too early: API Gateway answers the next request by invoking the
 * authorizer again, and an instance that has not yet read the feed entry would allow it — and
 * that Allow would be cached for the whole TTL. So a flush waits `delayMs` (one feed poll interval
 * and a margin) after the revocation was learned; by then every instance decides on a feed read
 * that saw it. And a burst of revocations costs at most one flush per target per `minIntervalMs`:
 * a request joins a flush still waiting if that one is late enough for it; otherwise a second
 * flush follows the first by a whole interval, and every later request of the burst joins it.
 */

export interface FlushScheduleOptions<Target> {
  /** A target's identity (its stage), for coalescing. */
  readonly keyOf: (target: Target) => string;
  /** Flushes one target; a rejection is that flush's failure. */
  readonly flush: (target: Target) => Promise<void>;
  readonly delayMs: number;
  readonly minIntervalMs: number;
  /** Milliseconds, monotonic enough for intervals. Default: `Date.now`. */
  readonly now?: () => number;
}

/** How one requested flush ended. */
export interface FlushOutcome<Target> {
  readonly target: Target;
  readonly ok: boolean;
  readonly error?: unknown;
}

interface Scheduled {
  readonly at: number;
  readonly done: Promise<{ ok: boolean; error?: unknown }>;
}

export class FlushSchedule<Target> {
  private readonly scheduled = new Map<string, Scheduled>();
  private readonly lastFlushAt = new Map<string, number>();
  private readonly now: () => number;

  constructor(private readonly options: FlushScheduleOptions<Target>) {
    this.now = options.now ?? Date.now;
  }

  /** Flushes each target no earlier than `delayMs` after `learnedAt`; resolves when all have ended. Never rejects. */
  request(targets: readonly Target[], learnedAt: number): Promise<Array<FlushOutcome<Target>>> {
    return Promise.all(
      targets.map(async (target) => {
        const outcome = await this.schedule(target, learnedAt + this.options.delayMs);
        return { target, ...outcome };
      }),
    );
  }

  private schedule(target: Target, notBefore: number): Promise<{ ok: boolean; error?: unknown }> {
    const key = this.options.keyOf(target);
    const waiting = this.scheduled.get(key);
    if (waiting && waiting.at >= notBefore) return waiting.done;
    // A flush waiting too early for this revocation is kept (it serves the earlier ones); the next
    // comes a whole interval after it.
    const previous = waiting?.at ?? this.lastFlushAt.get(key) ?? Number.NEGATIVE_INFINITY;
    const at = Math.max(notBefore, previous + this.options.minIntervalMs);
    const done = new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, at - this.now()))).then(async () => {
      if (this.scheduled.get(key)?.done === done) this.scheduled.delete(key);
      this.lastFlushAt.set(key, this.now());
      try {
        await this.options.flush(target);
        return { ok: true };
      } catch (error) {
        return { ok: false, error };
      }
    });
    this.scheduled.set(key, { at, done });
    return done;
  }
}
