// Group limits. Property: whatever order checks, completions, failures, reboots and period ends come
// in, grant decisions applied one after the other (as the store applies them, one round trip each)
// never exceed a limit, never grant outside the rollout, and a node that checks again takes no new
// place. Then the rules of server/domain/rollout/limits.ts the stores carry out: the counted holds
// (the same decideGrant reports), the progress step and grantHold.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { inRollout } from '../../../server/domain/rollout/bucket.ts';
import {
  countedHold,
  grantHold,
  grantingGroup,
  IN_PROGRESS_STATUSES,
  limitHold,
  progressStep,
  type LimitCounts,
  type ProgressCounts,
} from '../../../server/domain/rollout/limits.ts';
import { decideGrant, DEFAULT_POLICY, type GroupPolicy } from '../../../server/domain/rollout/policy.ts';
import { INSTANCE_STATUSES } from '../../../server/domain/statuses.ts';
import type { GrantLimits } from '../../../server/domain/types.ts';

type NodeState = 'idle' | 'in-progress' | 'rebooting' | 'complete' | 'failed';
type Op = { kind: 'check' | 'complete' | 'fail' | 'reboot'; node: number } | { kind: 'period-ends' };

interface Group {
  policy: GroupPolicy;
  /** Slots of the group's reboot group (used by this group alone), for 'reboot-slots'. */
  slots: number;
  percent: number;
  buckets: number[];
  canaries: boolean[];
}

const NODES = 24;

const groupArb: fc.Arbitrary<Group> = fc.record({
  updatesEnabled: fc.constant(true),
  maxUpdatesPerPeriod: fc.option(fc.record({ count: fc.integer({ min: 1, max: 8 }), periodMs: fc.constant(3_600_000) }), { nil: null }),
  maxInProgress: fc.option(fc.oneof(fc.integer({ min: 1, max: 6 }), fc.constant('reboot-slots' as const)), { nil: null }),
  safeMode: fc.boolean(),
  slots: fc.integer({ min: 0, max: 4 }),
  percent: fc.integer({ min: 0, max: 100 }),
  buckets: fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: NODES, maxLength: NODES }),
  canaries: fc.array(fc.nat(9).map((n) => n === 0), { minLength: NODES, maxLength: NODES }),
}).map(({ slots, percent, buckets, canaries, ...p }) => ({ policy: { ...DEFAULT_POLICY, ...p }, slots, percent, buckets, canaries }));

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('check' as const), node: fc.nat(NODES - 1) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('complete' as const, 'fail' as const, 'reboot' as const), node: fc.nat(NODES - 1) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'period-ends' as const }) },
);

function run(g: Group, ops: Op[]): void {
  const state: NodeState[] = new Array<NodeState>(NODES).fill('idle');
  let grantedInPeriod = 0;
  let completed = 0;
  const count = (...s: NodeState[]) => state.filter((x) => s.includes(x)).length;

  for (const op of ops) {
    if (op.kind === 'period-ends') grantedInPeriod = 0;
    else if (op.kind === 'check') {
      const n = op.node;
      const before = { inProgress: count('in-progress', 'rebooting'), grantedInPeriod };
      const alreadyGranted = state[n] === 'in-progress' || state[n] === 'rebooting';
      const holding = count('rebooting');
      const d = decideGrant({
        node: { bucket: g.buckets[n] as number, canary: g.canaries[n] as boolean, alreadyGranted },
        version: '2.0.0',
        rollout: { status: 'running', percent: g.percent },
        policy: g.policy,
        window: { open: true, nextOpenAt: null },
        counters: { grantedInPeriod, inProgress: before.inProgress, holdingSlots: holding, completed },
        rebootCapacity: { free: g.slots - holding },
      });
      if (d.grant && !alreadyGranted && state[n] !== 'complete') {
        assert.ok(g.canaries[n] || inRollout(g.buckets[n] as number, g.percent), `node ${n} granted outside ${g.percent} %`);
        state[n] = 'in-progress';
        grantedInPeriod += 1;
      }
      if (alreadyGranted) assert.deepEqual({ inProgress: count('in-progress', 'rebooting'), grantedInPeriod }, before, 'a second check takes no new place');
    } else if (op.kind === 'reboot') {
      if (state[op.node] === 'in-progress' && count('rebooting') < g.slots) state[op.node] = 'rebooting';
    } else if (state[op.node] === 'in-progress' || state[op.node] === 'rebooting') {
      if (op.kind === 'complete') completed += 1;
      state[op.node] = op.kind === 'complete' ? 'complete' : 'failed';
    }

    const inProgress = count('in-progress', 'rebooting');
    const max = g.policy.maxInProgress;
    if (typeof max === 'number') assert.ok(inProgress <= max, `${inProgress} in progress, max ${max}`);
    if (max === 'reboot-slots') assert.ok(inProgress <= g.slots, `${inProgress} in progress for ${g.slots} reboot slots`);
    const perPeriod = g.policy.maxUpdatesPerPeriod;
    if (perPeriod) assert.ok(grantedInPeriod <= perPeriod.count, `${grantedInPeriod} granted in the period, max ${perPeriod.count}`);
    if (g.policy.safeMode && completed === 0) assert.ok(inProgress <= 1, `safe mode: ${inProgress} in progress before the first completed`);
  }
}

describe('grant limits under any interleaving', () => {
  it('never exceed maxInProgress, reboot slots, maxUpdatesPerPeriod or safe mode; never grant outside the rollout', () => {
    fc.assert(
      fc.property(groupArb, fc.array(opArb, { maxLength: 300 }), (g, ops) => run(g, ops)),
      { seed: 20261130, numRuns: 400 },
    );
  });
  it('the limits are reached, not only respected: with every node checking, exactly the limit is in progress', () => {
    const g: Group = { policy: { ...DEFAULT_POLICY, maxInProgress: 4 }, slots: 0, percent: 100, buckets: new Array<number>(NODES).fill(0.5), canaries: new Array<boolean>(NODES).fill(false) };
    let inProgress = 0;
    for (let n = 0; n < NODES; n++) {
      const d = decideGrant({ node: { bucket: 0.5, canary: false, alreadyGranted: false }, version: '2', rollout: null, policy: g.policy, window: { open: true, nextOpenAt: null }, counters: { grantedInPeriod: n, inProgress, completed: 0 } });
      if (d.grant) inProgress += 1;
    }
    assert.equal(inProgress, 4);
    run(g, Array.from({ length: NODES }, (_, node) => ({ kind: 'check' as const, node })));
  });
});

const T = 1_700_000_000_000;
const counts = (over: Partial<LimitCounts> = {}): LimitCounts => ({ grantedInPeriod: 0, inProgressInGroup: 0, completedInGroup: 0, alreadyInProgress: false, ...over });
const limits = (over: Partial<GrantLimits> = {}): GrantLimits => ({ group: 'web', perPeriod: null, maxInProgress: null, safeModeBucket: null, ...over });

describe('limits.ts: the counted holds', () => {
  it('each limit binds at its value, not one before', () => {
    const l = limits({ perPeriod: { count: 3, periodMs: 60_000 }, maxInProgress: 2 });
    assert.equal(limitHold(l, counts({ grantedInPeriod: 2, inProgressInGroup: 1 })), null);
    assert.equal(limitHold(l, counts({ grantedInPeriod: 3, inProgressInGroup: 1 })), 'rate-limit');
    assert.equal(limitHold(l, counts({ grantedInPeriod: 2, inProgressInGroup: 2 })), 'in-progress-limit');
    assert.equal(limitHold(limits(), counts({ grantedInPeriod: 1e6, inProgressInGroup: 1e6 })), null, 'no limits: nothing holds');
  });

  it('safe mode: one node at a time until one completed the version', () => {
    const l = limits({ safeModeBucket: 'g/web/3602.2.0|complete' });
    assert.equal(limitHold(l, counts()), null, 'the first node is granted');
    assert.equal(limitHold(l, counts({ inProgressInGroup: 1 })), 'safe-mode');
    assert.equal(limitHold(l, counts({ inProgressInGroup: 5, completedInGroup: 1 })), null, 'once one completed, safe mode is over');
    assert.equal(limitHold({ ...l, safeModeBucket: null }, counts({ inProgressInGroup: 1 })), null, 'off without a bucket');
  });

  it('checked in decideGrant’s order: safe mode, then the rate limit, then the in-progress limit', () => {
    const all = limits({ perPeriod: { count: 1, periodMs: 1000 }, maxInProgress: 1, safeModeBucket: 'b' });
    const full = counts({ grantedInPeriod: 1, inProgressInGroup: 1 });
    assert.equal(limitHold(all, full), 'safe-mode');
    assert.equal(limitHold({ ...all, safeModeBucket: null }, full), 'rate-limit');
    assert.equal(limitHold({ ...all, safeModeBucket: null, perPeriod: null }, full), 'in-progress-limit');
  });

  it('a node already in progress in the group is never held: it keeps its grant', () => {
    const l = limits({ perPeriod: { count: 1, periodMs: 1000 }, maxInProgress: 1, safeModeBucket: 'b' });
    assert.equal(limitHold(l, counts({ grantedInPeriod: 9, inProgressInGroup: 9, alreadyInProgress: true })), null);
  });

  it('decideGrant reports exactly the counted hold for any counts and numeric limits', () => {
    fc.assert(
      fc.property(
        fc.record({ safeMode: fc.boolean(), perPeriod: fc.option(fc.record({ count: fc.integer({ min: 1, max: 5 }), periodMs: fc.constant(1000) }), { nil: null }), maxInProgress: fc.option(fc.integer({ min: 1, max: 5 }), { nil: null }) }),
        fc.record({ grantedInPeriod: fc.nat(7), inProgress: fc.nat(7), completed: fc.nat(2) }),
        (l, c) => {
          const d = decideGrant({
            node: { bucket: 0.5, canary: false, alreadyGranted: false },
            version: '2',
            rollout: null,
            policy: { ...DEFAULT_POLICY, safeMode: l.safeMode, maxUpdatesPerPeriod: l.perPeriod, maxInProgress: l.maxInProgress },
            window: { open: true, nextOpenAt: null },
            counters: c,
          });
          const held = countedHold(l, { grantedInPeriod: c.grantedInPeriod, inProgressInGroup: c.inProgress, completedInGroup: c.completed, alreadyInProgress: false });
          assert.deepEqual(d.grant ? null : d.reason, held);
        },
      ),
      { seed: 20261201, numRuns: 300 },
    );
  });
});

describe('limits.ts: the progress step', () => {
  it('a check-in grants in a group only with final status granted, a target and a group', () => {
    assert.equal(grantingGroup('granted', '3602.2.0', 'web'), 'web');
    assert.equal(grantingGroup('granted', undefined, 'web'), null, 'no target in the change: nothing granted now');
    assert.equal(grantingGroup('granted', '', 'web'), null);
    assert.equal(grantingGroup('granted', '3602.2.0', ''), null, 'an unknown track is in no group');
    for (const s of INSTANCE_STATUSES.filter((x) => x !== 'granted')) assert.equal(grantingGroup(s, '3602.2.0', 'web'), null, s);
  });

  it('a grant enters its group at now and takes a place', () => {
    assert.deepEqual(progressStep(null, 'web', 'granted', T), { after: { group: 'web', since: T }, granting: 'web', entered: true });
  });

  it('granted again in its group: keeps its place and its grant time, takes no new one', () => {
    const before = { group: 'web', since: T };
    assert.deepEqual(progressStep(before, 'web', 'granted', T + 5), { after: before, granting: 'web', entered: false });
  });

  it('granted in another group: moves there, at now', () => {
    assert.deepEqual(progressStep({ group: 'web', since: T }, 'db', 'granted', T + 5), { after: { group: 'db', since: T + 5 }, granting: 'db', entered: true });
  });

  it('stays in progress through granted, downloading, downloaded, installed; leaves on any other status', () => {
    const before = { group: 'web', since: T };
    for (const s of INSTANCE_STATUSES) {
      const step = progressStep(before, null, s, T + 5);
      assert.deepEqual(step.after, IN_PROGRESS_STATUSES.includes(s) ? before : null, s);
      assert.equal(step.entered, false);
    }
    assert.deepEqual(IN_PROGRESS_STATUSES, ['granted', 'downloading', 'downloaded', 'installed']);
  });

  it('a node never granted does not enter progress by reporting a download', () => {
    assert.deepEqual(progressStep(null, null, 'downloading', T), { after: null, granting: null, entered: false });
  });
});

describe('limits.ts: grantHold, what the store asks inside its step', () => {
  const reader = (c: { granted?: number[]; inProgress?: number; completed?: number }) => {
    const asked: string[] = [];
    const read: ProgressCounts = {
      grantedSince: (g, since) => (asked.push(`grantedSince ${g} ${since}`), (c.granted ?? []).filter((at) => at > since).length),
      inProgress: (g) => (asked.push(`inProgress ${g}`), c.inProgress ?? 0),
      bucket: (b) => (asked.push(`bucket ${b}`), c.completed ?? 0),
    };
    return { read, asked };
  };
  const enter = progressStep(null, 'web', 'granted', T);

  it('counts the grants of the period as those after now - periodMs', () => {
    const l = limits({ perPeriod: { count: 2, periodMs: 1000 } });
    assert.equal(grantHold(l, enter, T, reader({ granted: [T - 1000, T - 999, T - 1] }).read), 'rate-limit');
    assert.equal(grantHold(l, enter, T, reader({ granted: [T - 1000, T - 1001, T - 1] }).read), null, 'a grant exactly one period ago is out');
  });

  it('reads nothing and holds nothing when the change grants no new place', () => {
    const l = limits({ maxInProgress: 1, safeModeBucket: 'g/web/2|complete' });
    for (const step of [progressStep({ group: 'web', since: T }, 'web', 'granted', T), progressStep(null, null, 'idle', T)]) {
      const { read, asked } = reader({ inProgress: 5 });
      assert.equal(grantHold(l, step, T, read), null);
      assert.deepEqual(asked, []);
    }
    assert.equal(grantHold(undefined, enter, T, reader({ inProgress: 5 }).read), null, 'no limits');
  });

  it('applies the limits of the group it grants in, reading its counts and the safe-mode bucket', () => {
    const { read, asked } = reader({ inProgress: 1, completed: 0 });
    assert.equal(grantHold(limits({ perPeriod: { count: 5, periodMs: 10 }, safeModeBucket: 'g/web/2|complete' }), enter, T, read), 'safe-mode');
    assert.deepEqual(asked.sort(), ['bucket g/web/2|complete', `grantedSince web ${T - 10}`, 'inProgress web']);
  });
});
