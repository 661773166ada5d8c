/**
 * The authorizer's CloudWatch metrics, written as Embedded Metric Format through Powertools
 * Metrics: one JSON line on standard output per invocation, which CloudWatch Logs turns into
 * metrics — no API call, no added latency beyond formatting the line.
 *
 * Why metrics at all when there is a decision log line: alarms need numbers, and on REST APIs a
 * deny surfaces as a function *error* (API Gateway's 401 path), so Lambda's `Errors` metric mixes
 * attacks, expired tokens and real faults. `Decisions`/`Denies` count every decision by outcome
 * and reason code instead.
 *
 * Two dimension sets on every line: `[service]` (what alarms use: totals, rates, failures) and
 * `[service, decision, reason]` (the breakdown by outcome and reason code). Each metric is
 * therefore published once per set, and CloudWatch bills one custom metric per (name, dimension
 * values) pair actually seen: roughly (metrics) × (1 + distinct reasons seen). Metrics that do not
 * apply to a decision (revocation counters on a token that never verified, cold start after the
 * first call) are left out of the line rather than written as zero, for the same reason.
 *
 * The line costs about what the decision log line costs (BENCHMARKS.md, "Observability cost"), and
 * every metric adds to it (Powertools reads `AWS_LAMBDA_MAX_CONCURRENCY` from the environment on
 * each access to its stores), so the line carries only what the monitoring construct's dashboard
 * and alarms need. Whether the verified-token cache answered is in the decision log line
 * (`tokenCacheHit`) instead.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { DEFAULT_METRICS_NAMESPACE, DEFAULT_SERVICE_NAME, METRIC_DIMENSIONS, METRIC_NAMES } from '../core/metric-names';
import type { ObservedDecision } from './decision';
import type { DecisionObservation } from './request-trace';
import type { JwksFetchEvent } from '../core/verification/jwks-cache';

export interface AuthorizerMetricsOptions {
  /** CloudWatch namespace. Default: {@link DEFAULT_METRICS_NAMESPACE}. */
  readonly namespace?: string;
  /** Value of the `service` dimension. Default: {@link DEFAULT_SERVICE_NAME}. */
  readonly serviceName?: string;
  /** A ready Powertools `Metrics` (tests); built from the options above otherwise. */
  readonly metrics?: Metrics;
}

/**
 * Collects one invocation's metrics from the handler's observation hooks and flushes them once.
 *
 * Wire `onDecision` and `onJwksFetch` into `createAuthorizer`'s deps and wrap the handler with
 * {@link instrument}. Observability never changes an answer: nothing here throws into the handler.
 */
export class AuthorizerMetrics {
  private readonly metrics: Metrics;
  private coldStart = true;

  constructor(options: AuthorizerMetricsOptions = {}) {
    this.metrics =
      options.metrics ??
      new Metrics({ namespace: options.namespace ?? DEFAULT_METRICS_NAMESPACE, serviceName: options.serviceName ?? DEFAULT_SERVICE_NAME });
  }

  /** Records one decision (the handler calls this once per invocation). */
  readonly onDecision = (decision: ObservedDecision, observation: DecisionObservation): void => {
    const metrics = this.metrics;
    const reason = decision.effect === 'deny' ? decision.reason : 'allowed';
    // An empty set yields the `[service]` dimension set beside the per-reason one (Powertools adds
    // the default `service` dimension to every set).
    metrics.addDimensions({});
    metrics.addDimensions({ [METRIC_DIMENSIONS.decision]: decision.effect, [METRIC_DIMENSIONS.reason]: reason });
    metrics.addMetric(METRIC_NAMES.decisions, MetricUnit.Count, 1);
    metrics.addMetric(METRIC_NAMES.denies, MetricUnit.Count, decision.effect === 'deny' ? 1 : 0);
    metrics.addMetric(METRIC_NAMES.latency, MetricUnit.Milliseconds, observation.latencyMs);
    const { revocationCacheHits, revocationStoreReads } = observation;
    if (revocationCacheHits + revocationStoreReads > 0) {
      metrics.addMetric(METRIC_NAMES.revocationCacheHits, MetricUnit.Count, revocationCacheHits);
      metrics.addMetric(METRIC_NAMES.revocationStoreReads, MetricUnit.Count, revocationStoreReads);
    }
    const lookupFailed = reason === 'revocation_unavailable';
    if (revocationStoreReads > 0 || lookupFailed) metrics.addMetric(METRIC_NAMES.revocationLookups, MetricUnit.Count, 1);
    if (lookupFailed) metrics.addMetric(METRIC_NAMES.revocationLookupFailures, MetricUnit.Count, 1);
  };

  /** Records one JWKS fetch; fetches during init are flushed with the first invocation. */
  readonly onJwksFetch = (event: JwksFetchEvent): void => {
    this.metrics.addMetric(METRIC_NAMES.jwksFetches, MetricUnit.Count, 1);
    if (!event.ok) this.metrics.addMetric(METRIC_NAMES.jwksFetchFailures, MetricUnit.Count, 1);
  };

  /** Writes everything recorded since the last flush as one EMF line. Never throws. */
  flush(): void {
    try {
      if (this.coldStart) {
        this.coldStart = false;
        this.metrics.addMetric(METRIC_NAMES.coldStart, MetricUnit.Count, 1);
      }
      this.metrics.publishStoredMetrics();
    } catch {
      // A metrics failure must not turn an answer into a 500; the decision log line still exists.
    }
  }

  /** The handler, flushing once per invocation — also when it throws REST's `Unauthorized`. */
  instrument<Event, Result>(handler: (event: Event) => Promise<Result>): (event: Event) => Promise<Result> {
    return async (event) => {
      try {
        return await handler(event);
      } catch (error) {
        // Counted so alarms can take REST 401s out of Lambda's Errors metric.
        if (error instanceof Error && error.message === 'Unauthorized')
          this.metrics.addMetric(METRIC_NAMES.restUnauthorized, MetricUnit.Count, 1);
        throw error;
      } finally {
        this.flush();
      }
    };
  }
}
