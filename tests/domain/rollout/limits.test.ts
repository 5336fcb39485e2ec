// Property: whatever order checks, completions, failures, reboots and period ends come in, grant
// decisions applied one after the other (as the store applies them, one round trip each) never
// exceed a limit, never grant outside the rollout, and a node that checks again takes no new place.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { inRollout } from '../../../server/domain/rollout/bucket.ts';
import { decideGrant, DEFAULT_POLICY, type GroupPolicy } from '../../../server/domain/rollout/policy.ts';

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
