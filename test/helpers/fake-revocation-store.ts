/**
 * A revocation store held in memory, for unit tests of the checker: it answers from `records`,
 * counts every lookup with the keys it was asked for, fails on demand, and can hold its answers
 * until released (a store slower than a request's deadline, or concurrent checks sharing a read).
 */
import type { RevocationRecord, RevocationStore } from '../../lambdas/authorizer/revocation-store';

export class FakeStore implements RevocationStore {
  readonly lookups: string[][] = [];
  readonly records = new Map<string, RevocationRecord>();
  failure: Error | undefined;
  private held: Array<() => void> | undefined;

  /** Holds every lookup's answer from now until {@link release}. */
  hold(): void {
    this.held = [];
  }

  release(): void {
    for (const resume of this.held ?? []) resume();
    this.held = undefined;
  }

  async lookup(keys: readonly string[]): Promise<ReadonlyMap<string, RevocationRecord>> {
    this.lookups.push([...keys]);
    const held = this.held;
    if (held) await new Promise<void>((resume) => held.push(resume));
    if (this.failure) throw this.failure;
    return new Map([...this.records].filter(([key]) => keys.includes(key)));
  }
}
