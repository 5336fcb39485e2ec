// The rollout counters (`t/<channel>/<target>|<status>`): the planner names the channel's counter,
// applyCheckIn counts the instance under its final target with its final status (after the caps),
// pruning forgets it, and targetCounts / summarize read the buckets. The stores are held to the same
// rule by tests/store/model.test.ts and the store contract.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyCheckIn, forgetInstance, type StoredInstance } from '../../server/domain/apply-check-in.ts';
import { counterPrefixes, OTHER_VERSION, targetCounterPrefix, targetCounts } from '../../server/domain/counters.ts';
import { summarize } from '../../server/domain/summary.ts';
import type { UpdateDecision } from '../../server/domain/decide.ts';
import { planCheckIn } from '../../server/domain/instance-state.ts';
import { INSTANCE_STATUSES } from '../../server/domain/statuses.ts';
import type { InstanceChange, InstanceStatus } from '../../server/domain/types.ts';
import type { OmahaAppRequest } from '../../protocol/omaha/types.ts';
import type { InstanceAttrs } from '../../server/store/types.ts';

const V = '3510.2.0';
const W = '3602.2.0';
const attrs = (over: Partial<InstanceAttrs> = {}): InstanceAttrs => ({
  alias: '', ip: '', oem: '', oemVersion: '', alephVersion: '', bootId: '', version: '3374.2.0', track: 'stable', group: 'stable', channel: 'stable', arch: 'amd64', held: '', ...over,
});
const request = (over: Partial<OmahaAppRequest> = {}): OmahaAppRequest => ({
  appIdRaw: 'a', attrs: {}, version: '3374.2.0', track: 'stable', bootId: '', machineId: 'm', machineAlias: '', oem: '', oemVersion: '', alephVersion: '', board: '', lang: '', ping: true, updateCheck: true, events: [], ...over,
});
const grant = (version: string): UpdateDecision => ({
  kind: 'update', pkg: { appId: 'a', version, arch: 'amd64', url: 'u/', name: 'n', size: 1, sha256: 's', extraFiles: [], createdAt: 0 }, group: 'stable', channel: 'stable',
});
const none = { has: () => false, count: () => 0 };
const TALLIES = { tracks: none, versions: none };

/** One instance carried through applyCheckIn, its counters kept in a map as a store would. */
function node() {
  let cur: StoredInstance | null = null;
  const counters = new Map<string, number>();
  const bump = (b: string, by: number) => {
    const n = (counters.get(b) ?? 0) + by;
    if (n > 0) counters.set(b, n);
    else counters.delete(b);
  };
  const move = (m: { leave: string[]; join: string[] }) => {
    for (const b of m.leave) bump(b, -1);
    for (const b of m.join) bump(b, 1);
  };
  return {
    counters,
    targetBuckets: () => [...counters.keys()].filter((b) => b.startsWith('t/')).sort(),
    apply(change: InstanceChange, now = 1) {
      const out = applyCheckIn(cur, change, now, TALLIES);
      cur = { ...out.instance, bootId: change.attrs.bootId, newestEntry: null, historyLength: 0 };
      move(out.counters);
      return out;
    },
    prune() {
      move(forgetInstance(cur!));
      cur = null;
    },
  };
}

const to = (status: InstanceStatus): InstanceChange['status'] => ({ to: status, unlessIn: [] });
const change = (over: Partial<InstanceChange> = {}): InstanceChange => ({
  machineId: 'm', attrs: attrs(), status: null, history: [], counterPrefixes: counterPrefixes(attrs()), targetCounter: targetCounterPrefix('stable'), ...over,
});

describe('rollout counters: planning', () => {
  it('targetCounterPrefix is t/<channel>, cleaned like the other prefixes', () => {
    assert.equal(targetCounterPrefix('stable'), 't/stable');
    assert.equal(targetCounterPrefix('we|ird,ch/an'), 't/we_ird_ch_an');
    assert.equal(targetCounterPrefix(''), 't/-');
  });

  it('planCheckIn names the channel counter, and none for a node on an unknown track', () => {
    assert.equal(planCheckIn(request(), 'm', attrs(), grant(V), 1).change.targetCounter, 't/stable');
    assert.equal(planCheckIn(request({ updateCheck: false }), 'm', attrs({ channel: 'beta' }), null, 1).change.targetCounter, 't/beta');
    const unknown = planCheckIn(request({ track: 'nope' }), 'm', attrs({ track: 'nope', group: '', channel: '' }), null, 1).change;
    assert.equal('targetCounter' in unknown, false);
  });
});

describe('rollout counters: the bucket rule', () => {
  it('granted → downloading → installed → complete of V moves one node through t/stable/V|…', () => {
    const n = node();
    n.apply(change());
    assert.deepStrictEqual(n.targetBuckets(), [], 'no target yet: no rollout bucket');
    n.apply(change({ status: to('granted'), targetVersion: V }));
    assert.deepStrictEqual(n.targetBuckets(), [`t/stable/${V}|granted`]);
    for (const s of ['downloading', 'installed', 'complete'] as const) {
      n.apply(change({ status: to(s) }));
      assert.deepStrictEqual(n.targetBuckets(), [`t/stable/${V}|${s}`], s);
    }
    // The node comes back on V: its c/ and g/ buckets move, its rollout bucket stays.
    const onV = attrs({ version: V });
    n.apply(change({ attrs: onV, counterPrefixes: counterPrefixes(onV), status: { to: 'up-to-date', unlessIn: ['complete'] } }));
    assert.deepStrictEqual([...n.counters.keys()].sort(), [`a/stable/amd64|complete`, `c/stable/${V}|complete`, `g/stable/${V}|complete`, `t/stable/${V}|complete`]);
  });

  it('a second grant to W moves the node to t/stable/W|granted; pruning removes it', () => {
    const n = node();
    n.apply(change({ status: to('granted'), targetVersion: V }));
    n.apply(change({ status: to('installed') }));
    n.apply(change({ status: to('granted'), targetVersion: W }));
    assert.deepStrictEqual(n.targetBuckets(), [`t/stable/${W}|granted`]);
    n.prune();
    assert.deepStrictEqual([...n.counters], []);
  });

  it('a channel move leaves the old channel counter; a node without a channel has none', () => {
    const n = node();
    n.apply(change({ status: to('granted'), targetVersion: V }));
    const beta = attrs({ track: 'beta', group: 'beta', channel: 'beta' });
    n.apply(change({ attrs: beta, counterPrefixes: counterPrefixes(beta), targetCounter: targetCounterPrefix('beta') }));
    assert.deepStrictEqual(n.targetBuckets(), [`t/beta/${V}|granted`], 'the stored target counts in the new channel');
    const lost = attrs({ track: 'nope', group: '', channel: '' });
    const { targetCounter: _, ...noChannel } = change({ attrs: lost, counterPrefixes: counterPrefixes(lost) });
    n.apply(noChannel);
    assert.deepStrictEqual(n.targetBuckets(), []);
  });

  it('the unknown-version cap never renames the rollout bucket, even when the node reports the target', () => {
    // A full version tally: the node's unknown version V counts as `other` in c/ and g/.
    const full = { has: () => false, count: () => Number.MAX_SAFE_INTEGER };
    const onV = attrs({ version: V });
    const out = applyCheckIn(null, change({ attrs: onV, counterPrefixes: counterPrefixes(onV), unknownVersion: V, status: to('granted'), targetVersion: V }), 1, { tracks: none, versions: full });
    assert.deepStrictEqual([...out.instance.buckets].sort(), [`a/stable/amd64|granted`, `c/stable/${OTHER_VERSION}|granted`, `g/stable/${OTHER_VERSION}|granted`, `t/stable/${V}|granted`]);
    assert.equal(out.instance.talliedVersion, null);
  });
});

describe('rollout counters: reading', () => {
  it('targetCounts gives every status, 0 when absent, and reads only its channel and version', () => {
    const counters = Object.assign(Object.create(null) as Record<string, number>, {
      [`t/stable/${V}|granted`]: 3,
      [`t/stable/${V}|complete`]: 5,
      [`t/stable/${W}|granted`]: 7,
      [`t/beta/${V}|granted`]: 11,
      [`c/stable/${V}|complete`]: 5,
    });
    const want = Object.fromEntries(INSTANCE_STATUSES.map((s) => [s, 0]));
    assert.deepStrictEqual(targetCounts(counters, 'stable', V), { ...want, granted: 3, complete: 5 });
    assert.deepStrictEqual(targetCounts(counters, 'stable', '1.0.0'), want);
    assert.deepStrictEqual(targetCounts({ __proto__: 1, 'toString': 2 } as Record<string, number>, '__proto__', V), want);
    assert.deepStrictEqual(Object.keys(targetCounts({}, '', V)), [...INSTANCE_STATUSES]);
  });

  it('summarize counts a node once: rollout buckets are not added to versions or statuses', () => {
    const s = summarize({ [`c/stable/${V}|complete`]: 2, [`g/stable/${V}|complete`]: 2, [`t/stable/${V}|complete`]: 2 }, 2);
    assert.deepStrictEqual({ ...s.byStatus }, { complete: 2 });
    assert.deepStrictEqual({ ...s.byVersion }, { [V]: 2 });
    assert.deepStrictEqual(Object.keys(s.byChannel), ['stable']);
    assert.deepStrictEqual(Object.keys(s.byGroup), ['stable']);
  });
});
