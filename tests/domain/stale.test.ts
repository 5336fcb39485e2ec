// The stale rule (domain/apply-check-in.ts markStale): a node not seen for the stale period keeps
// its status but counts under `<prefix>|stale`; its check-in moves it back; a grant timeout and a
// prune of a stale node move or drop its stale buckets; the summary shows stale nodes as their own
// status and targetCounts leaves them out of a rollout's live counts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyCheckIn, forgetInstance, markStale, timeOut, type StoredInstance } from '../../server/domain/apply-check-in.ts';
import { STALE, targetCounts } from '../../server/domain/counters.ts';
import { summarize } from '../../server/domain/summary.ts';
import type { InstanceChange } from '../../server/domain/types.ts';

const V = '3510.2.0';
const NEW = '3602.0.0';
const PREFIXES = [`c/stable/${V}`, `g/stable/${V}`, 'a/stable/amd64', `t/stable/${NEW}`];
const noTally = { has: () => false, count: () => 0 };

function stored(over: Partial<StoredInstance> = {}): StoredInstance {
  return {
    status: 'granted',
    statusSince: 1,
    firstSeen: 1,
    targetVersion: NEW,
    errorCode: 0,
    errorName: '',
    bootId: 'b1',
    buckets: PREFIXES.map((p) => `${p}|granted`),
    talliedVersion: null,
    newestEntry: null,
    historyLength: 0,
    progress: { group: 'stable', since: 1 },
    ...over,
  };
}

const attrs = { alias: '', ip: '', oem: '', oemVersion: '', alephVersion: '', bootId: 'b1', version: V, track: 'stable', group: 'stable', channel: 'stable', arch: 'amd64', held: '' };
const checkIn = (over: Partial<InstanceChange> = {}): InstanceChange => ({
  machineId: 'm1',
  attrs,
  status: null,
  history: [],
  counterPrefixes: PREFIXES.slice(0, 3),
  targetCounter: 't/stable',
  ...over,
});

describe('markStale', () => {
  it('moves every bucket to the stale pseudo-status and leaves the tallies', () => {
    const out = markStale(stored({ talliedVersion: '9.9.9' }));
    assert.deepStrictEqual(out.buckets, PREFIXES.map((p) => `${p}|${STALE}`));
    assert.deepStrictEqual(out.counters, {
      leave: PREFIXES.map((p) => `${p}|granted`),
      join: PREFIXES.map((p) => `${p}|stale`),
      tracks: { leave: null, join: null },
      versions: { leave: null, join: null },
    });
  });

  it('is an empty move for a node already stale, whatever buckets the store passes', () => {
    for (const buckets of [PREFIXES.map((p) => `${p}|stale`), PREFIXES.map((p) => `${p}|granted`)]) {
      const out = markStale(stored({ stale: true, buckets }));
      assert.deepStrictEqual([out.counters.leave, out.counters.join], [[], []]);
    }
  });

  it('a check-in brings a stale node back to the buckets of its status, and is no longer stale', () => {
    const cur = stored({ stale: true, buckets: markStale(stored()).buckets });
    const out = applyCheckIn(cur, checkIn(), 100, { tracks: noTally, versions: noTally });
    assert.equal(out.instance.status, 'granted', 'the status was kept');
    assert.equal(out.instance.stale, false);
    assert.equal(out.instance.statusSince, 1, 'statusSince too');
    assert.deepStrictEqual(out.counters.leave, PREFIXES.map((p) => `${p}|stale`));
    assert.deepStrictEqual(out.counters.join, PREFIXES.map((p) => `${p}|granted`));
    // The stored buckets may be the status' ones (a store keeping only prefixes): the same move.
    const same = applyCheckIn(stored({ stale: true }), checkIn(), 100, { tracks: noTally, versions: noTally });
    assert.deepStrictEqual(same.counters, out.counters);
  });

  it('a stale node timed out keeps counting as stale; pruned, it leaves the stale buckets', () => {
    const cur = stored({ stale: true, buckets: markStale(stored()).buckets });
    const out = timeOut(cur, 50);
    assert.equal(out.status, 'timed-out');
    assert.deepStrictEqual(out.buckets, PREFIXES.map((p) => `${p}|stale`));
    assert.deepStrictEqual([out.counters.leave, out.counters.join], [[], []]);
    assert.deepStrictEqual(forgetInstance(stored({ stale: true })).leave, PREFIXES.map((p) => `${p}|stale`));
  });

  it('stale nodes are their own status in the summary and leave the rollout counts', () => {
    const counters = { [`c/stable/${V}|stale`]: 2, [`c/stable/${V}|granted`]: 1, [`t/stable/${NEW}|stale`]: 2, [`t/stable/${NEW}|granted`]: 1 };
    const s = summarize(counters, 3);
    assert.deepStrictEqual({ ...s.byStatus }, { stale: 2, granted: 1 });
    assert.deepStrictEqual({ ...s.byChannel.stable![V] }, { stale: 2, granted: 1 });
    assert.equal(targetCounts(counters, 'stable', NEW).granted, 1);
    assert.equal(Object.values(targetCounts(counters, 'stable', NEW)).reduce((a, b) => a + b, 0), 1);
  });
});
