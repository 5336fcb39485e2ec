// Property: group limits are never exceeded, whatever the interleaving. Random batches of check-ins
// of many nodes (grants under a maxInProgress and a period limit, downloads, completions, failures)
// are fired at once, at the embedded store and at three connections to one Redis, with grant
// timeouts between batches. An oracle kept from the answers alone (which grants took a new place,
// when) must show: never more nodes in progress than maxInProgress, never more distinct nodes
// granted in any period than its count, a node in progress granted again is never held, and a
// timeout moves exactly the nodes granted before its cutoff.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { closeBackend, openMemoryBackend, openRedisBackend, type Backend } from '../../kernel/storage/backend.ts';
import type { GrantLimits, InstanceStatus } from '../../server/domain/types.ts';
import { createEmbeddedStore } from '../../server/store/embedded/index.ts';
import { createRedisStore } from '../../server/store/redis/index.ts';
import type { CheckInResult, InstanceChange, Store } from '../../server/store/types.ts';
import { startRedis } from '../helpers/redis-server.ts';
import { activity, APP, app, attrs, change, group, pkg, T0 } from './fixtures/records.ts';

const NODES = 16;
const OLD = '3033.2.0';
const NEW = '3100.0.0';

type Action = { node: number; kind: 'grant' | 'download' | 'complete' | 'fail' };
type Batch = { kind: 'checks'; tick: number; actions: Action[] } | { kind: 'time-out'; tick: number; back: number };
interface Scenario {
  maxInProgress: number;
  perPeriod: { count: number; periodMs: number };
  batches: Batch[];
}

const actionArb = fc.record({ node: fc.nat(NODES - 1), kind: fc.constantFrom<Action['kind'][]>('grant', 'grant', 'grant', 'download', 'complete', 'fail') });
const batchArb: fc.Arbitrary<Batch> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('checks' as const), tick: fc.integer({ min: 0, max: 800 }), actions: fc.uniqueArray(actionArb, { selector: (a) => a.node, minLength: 1, maxLength: 12 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('time-out' as const), tick: fc.integer({ min: 0, max: 800 }), back: fc.integer({ min: 0, max: 2000 }) }) },
);
const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  maxInProgress: fc.integer({ min: 1, max: 4 }),
  perPeriod: fc.record({ count: fc.integer({ min: 1, max: 6 }), periodMs: fc.integer({ min: 300, max: 3000 }) }),
  batches: fc.array(batchArb, { minLength: 1, maxLength: 14 }),
});

function changeFor(a: Action, limits: GrantLimits): InstanceChange {
  if (a.kind === 'grant') {
    return change(`n${a.node}`, { status: { to: 'granted', unlessIn: [] }, targetVersion: NEW, counterPrefixes: [`g/stable/${OLD}`], grantLimits: limits });
  }
  const status: InstanceStatus = a.kind === 'download' ? 'downloading' : a.kind === 'complete' ? 'complete' : 'error';
  const version = a.kind === 'complete' ? NEW : OLD;
  return change(`n${a.node}`, { attrs: attrs({ version }), status: { to: status, unlessIn: [] }, counterPrefixes: [`g/stable/${version}`] });
}

/** What the answers say: since when each node is in progress, and every grant that took a new place. */
function createOracle(s: Scenario) {
  const since = new Map<number, number>();
  const entered: { node: number; at: number }[] = [];
  return {
    apply(a: Action, res: CheckInResult, now: number) {
      const inProgress = since.has(a.node);
      if (a.kind === 'grant') {
        if (inProgress) assert.ok(res.applied, `node ${a.node} in progress granted again is never held (${JSON.stringify(res)})`);
        if (res.applied && !inProgress) {
          since.set(a.node, now);
          entered.push({ node: a.node, at: now });
        }
      } else if (a.kind !== 'download') since.delete(a.node);
    },
    timedOut(ids: string[], cutoff: number) {
      const due = [...since].filter(([, at]) => at < cutoff).sort(([na, a], [nb, b]) => a - b || (`n${na}` < `n${nb}` ? -1 : 1));
      assert.deepStrictEqual(ids, due.map(([n]) => `n${n}`), 'timeOutGrants moves exactly the grants before the cutoff, oldest first');
      for (const [n] of due) since.delete(n);
    },
    check() {
      assert.ok(since.size <= s.maxInProgress, `${since.size} in progress, maxInProgress ${s.maxInProgress}`);
      const { count, periodMs } = s.perPeriod;
      for (const { at } of entered) {
        const inWindow = new Set(entered.filter((e) => e.at > at - periodMs && e.at <= at).map((e) => e.node));
        assert.ok(inWindow.size <= count, `${inWindow.size} nodes granted in the period ending ${at - T0}, count ${count}`);
      }
    },
    stats: () => ({ entered: entered.length }),
  };
}

/** Runs a scenario; `pick` chooses the store (connection) each call goes to. */
async function run(s: Scenario, pick: () => Store): Promise<{ entered: number; held: number }> {
  const seeded = pick();
  assert.equal(await seeded.createApp(app(), activity()), 'created');
  for (const v of [OLD, NEW]) assert.equal(await seeded.addPackage(pkg(v), activity()), 'created');
  assert.equal(await seeded.putTrackGroup(group('stable', 'stable'), activity()), 'created');
  const epoch = (await seeded.loadAppConfig(APP))!.epoch;
  const limits: GrantLimits = { group: 'stable', perPeriod: s.perPeriod, maxInProgress: s.maxInProgress, safeModeBucket: null };
  const oracle = createOracle(s);
  let now = T0;
  let held = 0;
  for (const b of s.batches) {
    now += b.tick;
    if (b.kind === 'time-out') {
      oracle.timedOut(await pick().timeOutGrants(APP, 'stable', now - b.back, now, NODES), now - b.back);
      continue;
    }
    const at = now;
    const results = await Promise.all(b.actions.map((a) => pick().applyCheckIn(APP, epoch, changeFor(a, limits), at)));
    for (const [i, a] of b.actions.entries()) {
      const res = results[i]!;
      assert.ok(res.applied || res.reason === 'held', JSON.stringify(res));
      if (!res.applied) held++;
      oracle.apply(a, res, at);
    }
    oracle.check();
  }
  return { ...oracle.stats(), held };
}

const RUNS = { seed: 20261202, numRuns: 40 };

describe('group limits under any interleaving of concurrent check-ins', () => {
  const totals = { entered: 0, held: 0 };
  it('embedded: never more in progress than maxInProgress, never more granted in a period than its count', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (s) => {
        const backend = openMemoryBackend() as Extract<Backend, { kind: 'embedded' }>;
        const store = createEmbeddedStore(backend);
        try {
          const r = await run(s, () => store);
          totals.entered += r.entered;
          totals.held += r.held;
        } finally {
          await store.close();
          await closeBackend(backend);
        }
      }),
      RUNS,
    );
    assert.ok(totals.entered > 100 && totals.held > 100, `the limits were reached, not only respected: ${JSON.stringify(totals)}`);
  });

  const server = startRedis();
  after(async () => (await server).cleanup());
  it('redis, three connections: the same', async () => {
    const url = (await server).url;
    const backends = (await Promise.all([0, 1, 2].map(() => openRedisBackend(url, 'limits')))) as Extract<Backend, { kind: 'redis' }>[];
    const stores = await Promise.all(backends.map((b) => createRedisStore(b)));
    let rng = 1;
    // A fixed xorshift: which connection each call takes varies, reproducibly.
    const pick = () => {
      rng ^= rng << 13;
      rng ^= rng >>> 17;
      rng ^= rng << 5;
      return stores[Math.abs(rng) % stores.length]!;
    };
    try {
      await fc.assert(
        fc.asyncProperty(scenarioArb, async (s) => {
          await backends[0]!.redis.flushall();
          await run(s, pick);
        }),
        RUNS,
      );
    } finally {
      for (const st of stores) await st.close();
      for (const b of backends) await closeBackend(b);
    }
  });
});
