/**
 * When `npm start` should stop, whichever of its processes was told to.
 *
 * `npm start` runs as npm → sh → node (the script is `node --import tsx bin/start.ts`, so no tsx
 * process sits in between). A terminal's Ctrl-C reaches the whole process group, so this process
 * sees the SIGINT itself. A script's `kill $!` reaches npm alone: npm forwards the signal to its
 * child, the shell, which dies of it without passing it on — and this process would carry on
 * under init, its ports bound and its state file claiming a running stack. So besides SIGINT,
 * SIGTERM and SIGHUP (a closed terminal), the process that started this one is watched: once it
 * is gone, the stack stops as if signalled. Node.js reads `process.ppid` once at start-up, so the
 * check is whether that process id is still alive (polled twice a second; the poll is unref'd).
 *
 * One more signal after the first asks to stop waiting for the shutdown (exit code 130), but only
 * a second later: a Ctrl-C can arrive twice at once, from the terminal and forwarded by npm.
 */

/** The part of `process` this module uses, so tests can hand in an emitter. */
export interface SignalSource {
  on(signal: NodeJS.Signals, listener: () => void): unknown;
  removeListener(signal: NodeJS.Signals, listener: () => void): unknown;
}

export interface StopSignalOptions {
  /** Default: SIGINT, SIGTERM and SIGHUP. */
  readonly signals?: readonly NodeJS.Signals[];
  /** The process to outlive no longer than; 0 or 1 (init) are not watched. Default: `process.ppid`. */
  readonly parentPid?: number;
  readonly isAlive?: (pid: number) => boolean;
  readonly pollMs?: number;
  /** Called on a further signal at least {@link REPEAT_GRACE_MS} after the first. */
  readonly onGiveUp?: () => void;
  readonly now?: () => number;
}

export interface StopSignal {
  /** Resolves with what asked to stop: a signal name, or a sentence about the parent process. */
  readonly reason: Promise<string>;
  /** Stops listening and polling. */
  dispose(): void;
}

/** A repeat within this window is the same request delivered twice, not an impatient second Ctrl-C. */
export const REPEAT_GRACE_MS = 1000;

const DEFAULT_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Starts listening; see the module comment for what counts as a request to stop. */
export function watchForStop(source: SignalSource, options: StopSignalOptions = {}): StopSignal {
  const signals = options.signals ?? DEFAULT_SIGNALS;
  const parentPid = options.parentPid ?? process.ppid;
  const isAlive = options.isAlive ?? processIsAlive;
  const now = options.now ?? Date.now;
  let firstAt: number | undefined;
  let resolveReason: (reason: string) => void = () => undefined;
  const reason = new Promise<string>((resolve) => (resolveReason = resolve));

  const stop = (why: string): void => {
    if (firstAt === undefined) {
      firstAt = now();
      resolveReason(why);
      return;
    }
    if (now() - firstAt >= REPEAT_GRACE_MS) options.onGiveUp?.();
  };
  const listeners = signals.map((signal) => {
    const listener = (): void => stop(signal);
    source.on(signal, listener);
    return { signal, listener };
  });
  const poll =
    parentPid > 1
      ? setInterval(() => {
          if (isAlive(parentPid)) return;
          clearInterval(poll);
          stop(`the process that started this one (pid ${parentPid}) has exited`);
        }, options.pollMs ?? 500)
      : undefined;
  poll?.unref();

  return {
    reason,
    dispose: () => {
      if (poll) clearInterval(poll);
      for (const { signal, listener } of listeners) source.removeListener(signal, listener);
    },
  };
}

/** Signal 0 tests for existence; EPERM means alive but someone else's. */
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
