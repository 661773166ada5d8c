/**
 * Hands the authorizer's decision to the local API's request log. The handler reports each
 * decision through its `onDecision` hook (the one metrics use), but requests run concurrently, so
 * each invocation runs in its own AsyncLocalStorage slot and the hook records the decision into
 * the slot of the invocation that made it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ObservedDecision } from '../../lambdas/authorizer/decision';
import type { DecisionNote, Invocation } from './route-authorizer';

interface Slot {
  note: DecisionNote | undefined;
}

export class DecisionCapture {
  private readonly slots = new AsyncLocalStorage<Slot>();

  /** The authorizer's `onDecision` hook. */
  readonly onDecision = (decision: ObservedDecision): void => {
    const slot = this.slots.getStore();
    if (!slot) return;
    const sub = 'claims' in decision ? decision.claims.sub : undefined;
    slot.note = { reason: decision.effect === 'allow' ? 'allowed' : decision.reason, ...(sub !== undefined ? { sub } : {}) };
  };

  /** Runs one invocation of `handler`, returning its answer and the decision it reported. */
  async invoke(handler: (event: unknown) => Promise<unknown>, event: unknown): Promise<Invocation> {
    const slot: Slot = { note: undefined };
    const response = await this.slots.run(slot, () => handler(event));
    return { response, note: slot.note };
  }
}
