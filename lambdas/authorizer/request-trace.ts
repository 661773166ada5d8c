/**
 * What one invocation's stages record about themselves, for its decision log line and its metrics.
 *
 * The handler creates one trace per call and hands it down; a stage that has something to count
 * (a verified-token cache hit, revocation keys answered from the cache or read from DynamoDB)
 * writes it here instead of returning it, so the pipeline's code reads as the decision it makes
 * and not as counters threaded from stage to stage. The log line and the metrics read the same
 * object once the decision is made.
 *
 * A plain object with no methods: creating it costs one allocation and no closure (the bundle keeps
 * names, so every closure created per request would also cost a `defineProperty`). It lives in the
 * handler call's locals, never at module scope, where concurrent invocations in one process (the
 * local stack, the tests) would mix their counts.
 */
import type { EventKind } from './event';

/** What is known about a decision besides the decision itself: what metrics and other observers read. */
export interface DecisionObservation {
  readonly eventKind: EventKind | 'unknown';
  readonly latencyMs: number;
  readonly tokenCacheHit: boolean;
  readonly revocationCacheHits: number;
  readonly revocationStoreReads: number;
}

/** One invocation's trace, written by the stages and the handler. */
export interface RequestTrace extends DecisionObservation {
  eventKind: EventKind | 'unknown';
  /** `METHOD /path` of the invoked route, or `unknown`. */
  route: string;
  /** Handler time, set once the decision is made. */
  latencyMs: number;
  /** The verified-token cache answered, so the signature was not checked again. */
  tokenCacheHit: boolean;
  /** Revocation keys answered from the cache / read from the store, once the check answered. */
  revocationCacheHits: number;
  revocationStoreReads: number;
}

/** A trace with nothing recorded yet. */
export function startTrace(): RequestTrace {
  return { eventKind: 'unknown', route: 'unknown', latencyMs: 0, tokenCacheHit: false, revocationCacheHits: 0, revocationStoreReads: 0 };
}
