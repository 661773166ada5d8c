/**
 * The `resultsCache` part of the configuration: how API Gateway caches the answers of each kind of
 * authorizer this function serves — which decides what the policy may allow beyond the invoked
 * request (iam-policy.ts, docs/caching.md).
 *
 * API Gateway replays a cached answer for every request with the same identity sources. Keyed by
 * the token alone, a policy is replayed for any route the token calls; keyed by token and route
 * (HTTP APIs' `$context.routeKey`; REST `context.httpMethod` and `context.resourcePath`), only
 * for requests of the same route. The function cannot see its authorizer's identity sources, so
 * it is told; without a setting it assumes the token alone, which is sound whatever API Gateway
 * does. The CDK construct sets it from the authorizers it creates.
 */
import type { ResultsCacheConfig, ResultsCacheKey } from './authorizer-config';
import { RESULTS_CACHE_KEYS } from './defaults';
import { readChoice, readObject, rejectUnknownKeys, type RawObject } from './fields';
import type { Problems } from '../problems';

const CHOICES: readonly ResultsCacheKey[] = ['off', 'token', 'route'];

/** Reads `resultsCache`, naming any problem. */
export function parseResultsCache(raw: RawObject, problems: Problems): ResultsCacheConfig {
  const cache = readObject(raw, 'resultsCache', '', problems);
  rejectUnknownKeys(cache, ['httpApi', 'restRequest', 'restToken'], 'resultsCache', problems);
  return {
    httpApi: readChoice(cache, 'httpApi', 'resultsCache', problems, CHOICES, RESULTS_CACHE_KEYS.httpApi),
    restRequest: readChoice(cache, 'restRequest', 'resultsCache', problems, CHOICES, RESULTS_CACHE_KEYS.restRequest),
    // A TOKEN authorizer's only identity source is the token.
    restToken: readChoice(cache, 'restToken', 'resultsCache', problems, ['off', 'token'] as const, RESULTS_CACHE_KEYS.restToken),
  };
}
