/**
 * JWKS endpoint faults while keys are cached, and key rotation under concurrent load, over real
 * HTTP on 127.0.0.1. Each fault hits a warm authorizer with bursts of concurrent requests — tokens
 * under known keys and tokens under kids nobody published — and must leave known keys working,
 * deny every unknown kid, and cost at most one fetch attempt per refetch interval (the JWKS
 * server counts its hits).
 *
 * test/integration/jwks.test.ts covers what is not repeated here: faults on the very first fetch
 * (no cached keys), removed keys losing trust at the maximum age, and the key policy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Authorizer } from '../../lambdas/authorizer/handler';
import type { DenyReason } from '../../lambdas/core/reasons';
import { TestClock } from '../helpers/fixture';
import { generateTestKey } from '../helpers/keys';
import { LogCapture } from '../helpers/log-capture';
import { buildEvent, observe, type EventKindName, type Observation } from './harness';
import { ms, REPORT_MODE, saveSection, staleness, type SectionResult } from './report';
import { signingKey, startSecurityFixture, type SecurityFixture, type SigningKey } from './security-fixture';

/** Generous enough that a healthy loopback fetch never misses it on a busy 2-core machine. */
const TIMEOUT_MS = 800;
const REFETCH_INTERVAL_S = 10;
const BURST = 60;
/** One authorizer in IAM mode serves every policy-shaped kind (simple mode shares the same JWKS path). */
const KINDS: readonly EventKindName[] = ['rest-token', 'rest-request', 'http-v1', 'http-v2-iam'];

interface Fault {
  readonly name: string;
  readonly apply: (world: SecurityFixture) => Promise<void> | void;
  /** Reasons an unknown kid may get: the failed refetch itself, or the rate limit after it. */
  readonly unknownKidReasons: readonly DenyReason[];
}

const FAILED_FETCH: readonly DenyReason[] = ['jwks_unavailable', 'unknown_key'];

const FAULTS: readonly Fault[] = [
  { name: 'server stopped (connection refused)', apply: (w) => w.base.jwks.stop(), unknownKidReasons: FAILED_FETCH },
  {
    name: 'connection reset without an answer',
    apply: (w) => {
      w.base.jwks.mode = 'reset';
    },
    unknownKidReasons: FAILED_FETCH,
  },
  {
    name: 'never answers (beyond the 800 ms fetch timeout)',
    apply: (w) => {
      w.base.jwks.mode = 'hang';
    },
    unknownKidReasons: FAILED_FETCH,
  },
  {
    name: 'answers after 1.5 s (beyond the fetch timeout)',
    apply: (w) => {
      w.base.jwks.delayMs = 1500;
    },
    unknownKidReasons: FAILED_FETCH,
  },
  {
    name: 'answers after 50 ms (slow, within the timeout)',
    apply: (w) => {
      w.base.jwks.delayMs = 50;
    },
    unknownKidReasons: ['unknown_key'],
  },
  {
    name: 'HTTP 500',
    apply: (w) => {
      w.base.jwks.mode = 'error-500';
    },
    unknownKidReasons: FAILED_FETCH,
  },
  {
    name: 'garbage instead of JSON',
    apply: (w) => {
      w.base.jwks.mode = 'garbage';
    },
    unknownKidReasons: FAILED_FETCH,
  },
  {
    name: 'a 2 MiB document (over the 256 KiB cap)',
    apply: (w) => {
      w.base.jwks.mode = 'huge';
    },
    unknownKidReasons: FAILED_FETCH,
  },
];

let world: SecurityFixture;
const faultResults = new Map<string, { knownAllowed: number; unknownDenied: number; hits: number; slowestKnownMs: number }>();
const rotationResults: string[] = [];

beforeAll(async () => {
  world = await startSecurityFixture();
});

afterAll(async () => {
  await world.close();
});

async function resetJwksServer(): Promise<void> {
  await world.base.jwks.restart();
  world.base.jwks.mode = 'ok';
  world.base.jwks.delayMs = 0;
  world.base.jwks.keys = [world.trusted.rsa.publicJwk, world.trusted.ec.publicJwk, world.trusted.ed.publicJwk];
  world.base.jwks.hits = 0;
}

/** A fresh authorizer on its own clock, warmed with one request (one JWKS fetch). */
async function warmAuthorizer(clock: TestClock): Promise<{ authorizer: Authorizer; logs: LogCapture }> {
  const logs = new LogCapture();
  const authorizer = world.authorizer({
    overrides: {
      revocation: { enabled: false },
      jwks: { allowInsecureLoopbackHttp: true, timeoutMs: TIMEOUT_MS, minRefetchIntervalSeconds: REFETCH_INTERVAL_S, maxAgeSeconds: 3600 },
    },
    deps: { logger: logs, now: clock.now },
  });
  const warm = await observe(authorizer.handler, 'http-v2-iam', buildEvent('http-v2-iam', { authorization: `Bearer ${world.mint()}` }));
  expect(warm.outcome).toBe('allow');
  return { authorizer, logs };
}

interface Shot {
  readonly kind: EventKindName;
  readonly key: SigningKey;
  readonly known: boolean;
}

/** Fires a burst concurrently (a fresh token per shot); returns each shot with its observation and latency. */
async function burst(
  authorizer: Authorizer,
  shots: readonly Shot[],
): Promise<Array<Shot & { observation: Observation; elapsedMs: number }>> {
  return Promise.all(
    shots.map(async (shot) => {
      const token = world.mint({ key: shot.key });
      const started = performance.now();
      const observation = await observe(authorizer.handler, shot.kind, buildEvent(shot.kind, { authorization: `Bearer ${token}` }));
      return { ...shot, observation, elapsedMs: performance.now() - started };
    }),
  );
}

function mixedShots(count: number, known: readonly SigningKey[], unknown: readonly SigningKey[]): Shot[] {
  return Array.from({ length: count }, (_, i) => {
    const isKnown = i % 2 === 0;
    const pool = isKnown ? known : unknown;
    return { kind: KINDS[i % KINDS.length] ?? 'http-v2-iam', key: pool[i % pool.length] ?? world.trusted.rsa, known: isKnown };
  });
}

const unknownKeys = (): SigningKey[] => Array.from({ length: 5 }, (_, i) => ({ ...world.attacker.rsa, kid: `unpublished-${i}` }));

describe('JWKS faults with keys cached', () => {
  it.each(FAULTS)(
    'keeps known keys working, denies unknown kids and fetches at most once per interval when the JWKS endpoint $name',
    async ({ name, apply, unknownKidReasons }) => {
      // Prepare
      await resetJwksServer();
      const clock = new TestClock();
      const { authorizer, logs } = await warmAuthorizer(clock);
      expect(world.base.jwks.hits).toBe(1);
      await apply(world);
      const known = [world.trusted.rsa, world.trusted.ec, world.trusted.ed];

      let slowestKnownMs = 0;
      let knownAllowed = 0;
      let unknownDenied = 0;
      for (let interval = 1; interval <= 2; interval++) {
        clock.advanceSeconds(REFETCH_INTERVAL_S + 1); // an unknown kid may now trigger one refetch
        // Act
        const shots = await burst(authorizer, mixedShots(BURST, known, unknownKeys()));
        // Assert
        for (const shot of shots) {
          if (shot.known) {
            expect(shot.observation.outcome, `${shot.kind} ${shot.key.kid}`).toBe('allow');
            slowestKnownMs = Math.max(slowestKnownMs, shot.elapsedMs);
            knownAllowed++;
          } else {
            expect(shot.observation.outcome, `${shot.kind} ${shot.key.kid}`).toBe('deny');
            unknownDenied++;
          }
        }
        // One fetch to warm up, then at most one attempt per interval however many unknown kids arrive.
        expect(world.base.jwks.hits).toBeLessThanOrEqual(1 + interval);
      }
      const denyReasons = new Set(logs.decisions.filter((line) => line['decision'] === 'deny').map((line) => line['reason']));
      expect(
        [...denyReasons].every((reason) => unknownKidReasons.includes(reason as DenyReason)),
        [...denyReasons].join(),
      ).toBe(true);
      faultResults.set(name, { knownAllowed, unknownDenied, hits: world.base.jwks.hits, slowestKnownMs });
    },
  );

  it('recovers by itself: once the endpoint answers again, a newly published key is trusted after one fetch', async () => {
    await resetJwksServer();
    const clock = new TestClock();
    const { authorizer } = await warmAuthorizer(clock);
    world.base.jwks.mode = 'error-500';
    clock.advanceSeconds(REFETCH_INTERVAL_S + 1);
    const rotated = await generateTestKey('ES256', { kid: 'rotated-in-during-outage' });
    const rotatedKey = signingKey(rotated);
    const before = await observe(
      authorizer.handler,
      'http-v2-iam',
      buildEvent('http-v2-iam', { authorization: `Bearer ${world.mint({ key: rotatedKey })}` }),
    );
    expect(before.outcome).toBe('deny');

    world.base.jwks.mode = 'ok';
    world.base.jwks.keys = [...world.base.jwks.keys, rotated.publicJwk];
    clock.advanceSeconds(REFETCH_INTERVAL_S + 1);
    const after = await observe(
      authorizer.handler,
      'rest-token',
      buildEvent('rest-token', { authorization: `Bearer ${world.mint({ key: rotatedKey })}` }),
    );
    expect(after.outcome).toBe('allow');
    expect(world.base.jwks.hits).toBe(3); // warm-up, the failed attempt, the recovery
    rotationResults.push('outage recovery');
  });
});

describe('stale connections', () => {
  it('fetches over a fresh connection when the pooled one was closed by the server while the process was frozen', async () => {
    // Prepare: one fetch leaves a keep-alive connection behind; a key is rotated in.
    await resetJwksServer();
    const clock = new TestClock();
    const { authorizer } = await warmAuthorizer(clock);
    await new Promise((resolve) => setImmediate(resolve));
    const rotated = signingKey(await generateTestKey('ES256', { kid: 'rotated-in-while-frozen' }));
    world.base.jwks.keys = [...world.base.jwks.keys, rotated.publicJwk];
    clock.advanceSeconds(REFETCH_INTERVAL_S + 1);
    const event = buildEvent('http-v2-iam', { authorization: `Bearer ${world.mint({ key: rotated })}` });

    // Act: the server closes the idle connection, and the next request arrives before this
    // process's event loop has run — as on the first invocation after a Lambda thaws.
    world.base.jwks.dropConnections();
    const observation = await observe(authorizer.handler, 'http-v2-iam', event);

    // Assert: the refetch did not reuse the dead socket.
    expect(observation.outcome).toBe('allow');
    expect(world.base.jwks.hits).toBe(2);
    rotationResults.push('stale connection');
  });
});

describe('key rotation under concurrent load', () => {
  it('trusts a key rotated in mid-run after exactly one refetch, keeps the old key, and denies unknown kids', async () => {
    // Prepare
    await resetJwksServer();
    const clock = new TestClock();
    const { authorizer } = await warmAuthorizer(clock);
    const next = await generateTestKey('RS256', { kid: 'rotated-in' });
    const nextKey = signingKey(next);

    // Act 1: the new key is used before the issuer publishes it (a client ahead of the JWKS).
    clock.advanceSeconds(REFETCH_INTERVAL_S + 1);
    const early = await burst(authorizer, mixedShots(BURST, [world.trusted.rsa], [nextKey, ...unknownKeys()]));
    // Act 2: the issuer publishes it mid-run, alongside the old one.
    world.base.jwks.keys = [...world.base.jwks.keys, next.publicJwk];
    const rateLimited = await burst(authorizer, mixedShots(BURST, [world.trusted.rsa], [nextKey]));
    clock.advanceSeconds(REFETCH_INTERVAL_S + 1);
    const late = await burst(authorizer, [...mixedShots(BURST, [world.trusted.rsa, nextKey], unknownKeys())]);

    // Assert
    expect(early.filter((shot) => shot.known).every((shot) => shot.observation.outcome === 'allow')).toBe(true);
    expect(early.filter((shot) => !shot.known).every((shot) => shot.observation.outcome === 'deny')).toBe(true);
    // Inside the interval the new key is not fetched again, however many requests carry it.
    expect(rateLimited.filter((shot) => !shot.known).every((shot) => shot.observation.outcome === 'deny')).toBe(true);
    expect(late.filter((shot) => shot.known).every((shot) => shot.observation.outcome === 'allow')).toBe(true);
    expect(late.filter((shot) => !shot.known).every((shot) => shot.observation.outcome === 'deny')).toBe(true);
    // Warm-up, the early refetch, the one after the interval: at most one fetch per interval. On a
    // machine busy enough that the early refetch times out before its request reaches the server,
    // the server counts two; the late allows above prove the refetch after the interval happened.
    expect(world.base.jwks.hits).toBeGreaterThanOrEqual(2);
    expect(world.base.jwks.hits).toBeLessThanOrEqual(3);
    rotationResults.push('rotation in');
  });

  it('stops trusting a key rotated out once a refetch sees the new set', async () => {
    await resetJwksServer();
    const clock = new TestClock();
    const { authorizer } = await warmAuthorizer(clock);
    world.base.jwks.keys = [world.trusted.ec.publicJwk, world.trusted.ed.publicJwk]; // RSA key retired
    clock.advanceSeconds(REFETCH_INTERVAL_S + 1);
    // An unknown kid triggers the refetch that reveals the retirement.
    const trigger = await observe(
      authorizer.handler,
      'http-v2-iam',
      buildEvent('http-v2-iam', { authorization: `Bearer ${world.mint({ key: unknownKeys()[0] })}` }),
    );
    expect(trigger.outcome).toBe('deny');
    const shots = await burst(authorizer, mixedShots(BURST, [world.trusted.ec, world.trusted.ed], [world.trusted.rsa]));
    expect(shots.filter((shot) => shot.known).every((shot) => shot.observation.outcome === 'allow')).toBe(true);
    expect(shots.filter((shot) => !shot.known).every((shot) => shot.observation.outcome === 'deny')).toBe(true);
    expect(world.base.jwks.hits).toBe(2);
    rotationResults.push('rotation out');
  });

  it.skipIf(REPORT_MODE)("SECURITY.md shows this run's JWKS fault results", () => {
    expect(staleness(section())).toBeUndefined();
  });

  it.runIf(REPORT_MODE)("saves this run's JWKS fault results for SECURITY.md", () => {
    saveSection(section());
  });
});

function section(): SectionResult {
  const faultRows = FAULTS.map(({ name, unknownKidReasons }) => {
    const result = faultResults.get(name);
    return [
      `endpoint ${name}`,
      'known kids keep working; unknown kids denied; ≤ 1 fetch per interval',
      unknownKidReasons.map((reason) => `\`${reason}\``).join(' or '),
      result
        ? `passed: ${result.knownAllowed}/${BURST} known allowed, ${result.unknownDenied}/${BURST} unknown denied, ≤ 1 fetch per interval`
        : 'FAILED',
    ];
  });
  const rotationRows = [
    [
      'pooled keep-alive connection closed by the server while the process was frozen, then a key rotation',
      'the refetch uses a fresh connection and trusts the new key',
      '—',
      rotationResults.includes('stale connection') ? 'passed: allowed after one fetch' : 'FAILED',
    ],
    [
      'endpoint down, then back with a new key',
      'new key trusted after one fetch, no restart',
      '—',
      rotationResults.includes('outage recovery') ? 'passed: 3 fetches (warm-up, failed attempt, recovery)' : 'FAILED',
    ],
    [
      'key rotated in mid-run under concurrent load',
      'old and new key work, unknown kids denied, one refetch per interval',
      '`unknown_key`',
      rotationResults.includes('rotation in') ? 'passed: 3 fetches for 180 requests' : 'FAILED',
    ],
    [
      'key rotated out',
      'retired key denied after the refetch that sees it gone',
      '`unknown_key`',
      rotationResults.includes('rotation out') ? 'passed: 2 fetches' : 'FAILED',
    ],
  ];
  return {
    id: 'faults-jwks',
    columns: ['JWKS fault', 'Expected', 'Unknown kid reason', 'Result'],
    rows: [...faultRows, ...rotationRows],
    measured: [
      `fetch timeout ${TIMEOUT_MS} ms, refetch interval ${REFETCH_INTERVAL_S} s (test clock); bursts of ${BURST} concurrent requests over 4 event kinds, half under known keys`,
      ...FAULTS.map(({ name }) => {
        const result = faultResults.get(name);
        return result
          ? `${name}: ${result.hits} fetches in all (warm-up included), slowest known-key request ${ms(result.slowestKnownMs)}`
          : `${name}: no result`;
      }),
    ],
  };
}
