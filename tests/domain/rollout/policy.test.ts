import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeIssues } from '../../../kernel/http/body.ts';
import { decideGrant, DEFAULT_POLICY, GRANT_REASONS, groupPolicySchema, type GrantInput, type GrantReason, type GroupPolicy } from '../../../server/domain/rollout/policy.ts';

const T0 = Date.UTC(2026, 10, 30, 6);

/** A node in a running 10 % rollout, a group without limits, an open window: granted. */
function input(over: Partial<Omit<GrantInput, 'policy'>> & { policy?: Partial<GroupPolicy> } = {}): GrantInput {
  const { policy, ...rest } = over;
  return {
    node: { bucket: 0.05, canary: false, alreadyGranted: false },
    version: '3602.2.0',
    rollout: { status: 'running', percent: 10 },
    window: { open: true, nextOpenAt: null },
    counters: { grantedInPeriod: 0, inProgress: 0, completed: 0 },
    ...rest,
    policy: { ...DEFAULT_POLICY, ...policy },
  };
}
const reason = (i: GrantInput) => {
  const d = decideGrant(i);
  return d.grant ? 'grant' : d.reason;
};

describe('decideGrant: each reason', () => {
  it('grants when nothing holds', () => {
    assert.deepEqual(decideGrant(input()), { grant: true });
    assert.deepEqual(decideGrant(input({ rollout: null })), { grant: true });
  });
  it('rollout-percent: the bucket lies outside the offered percent, unless a canary', () => {
    assert.equal(reason(input({ node: { bucket: 0.1, canary: false, alreadyGranted: false } })), 'rollout-percent');
    assert.equal(reason(input({ node: { bucket: 0.9, canary: true, alreadyGranted: false } })), 'grant');
    assert.equal(reason(input({ rollout: { status: 'running', percent: 0 }, node: { bucket: 0.9, canary: true, alreadyGranted: false } })), 'grant');
    assert.equal(reason(input({ rollout: { status: 'completed', percent: 100 }, node: { bucket: 0.99, canary: false, alreadyGranted: false } })), 'grant');
  });
  it('rollout-paused and rollout-halted (an aborted rollout grants no more either)', () => {
    assert.equal(reason(input({ rollout: { status: 'paused', percent: 10 } })), 'rollout-paused');
    assert.equal(reason(input({ rollout: { status: 'halted', percent: 10 } })), 'rollout-halted');
    assert.equal(reason(input({ rollout: { status: 'aborted', percent: 0 } })), 'rollout-halted');
  });
  it('group-disabled', () => {
    assert.equal(reason(input({ policy: { updatesEnabled: false } })), 'group-disabled');
  });
  it('outside-window, with when the next window opens', () => {
    assert.deepEqual(decideGrant(input({ window: { open: false, nextOpenAt: T0 } })), { grant: false, reason: 'outside-window', until: T0 });
    assert.deepEqual(decideGrant(input({ window: { open: false, nextOpenAt: null } })), { grant: false, reason: 'outside-window' });
  });
  it('rate-limit: the period has granted its count', () => {
    const policy = { maxUpdatesPerPeriod: { count: 5, periodMs: 3_600_000 } };
    assert.equal(reason(input({ policy, counters: { grantedInPeriod: 4, inProgress: 4, completed: 0 } })), 'grant');
    assert.equal(reason(input({ policy, counters: { grantedInPeriod: 5, inProgress: 0, completed: 9 } })), 'rate-limit');
  });
  it('in-progress-limit: as many in progress as allowed', () => {
    assert.equal(reason(input({ policy: { maxInProgress: 3 }, counters: { grantedInPeriod: 9, inProgress: 2, completed: 0 } })), 'grant');
    assert.equal(reason(input({ policy: { maxInProgress: 3 }, counters: { grantedInPeriod: 9, inProgress: 3, completed: 0 } })), 'in-progress-limit');
  });
  it('in-progress-limit by reboot slots: the nodes on their way to a reboot may not outnumber the free slots', () => {
    const policy = { maxInProgress: 'reboot-slots' as const };
    const at = (inProgress: number, holdingSlots: number, free: number) =>
      reason(input({ policy, counters: { grantedInPeriod: 0, inProgress, holdingSlots, completed: 0 }, rebootCapacity: { free } }));
    assert.equal(at(0, 0, 2), 'grant');
    assert.equal(at(1, 0, 2), 'grant');
    assert.equal(at(2, 0, 2), 'in-progress-limit');
    // Two of the group's nodes reboot now, holding 2 of 5 slots; 3 are free for the 2 on their way.
    assert.equal(at(4, 2, 3), 'grant');
    assert.equal(at(5, 2, 3), 'in-progress-limit');
    assert.equal(at(0, 0, 0), 'in-progress-limit');
    assert.equal(reason(input({ policy })), 'in-progress-limit', 'no capacity known: none free');
  });
  it('safe-mode: one node at a time until one completed the version', () => {
    const policy = { safeMode: true };
    assert.equal(reason(input({ policy, counters: { grantedInPeriod: 0, inProgress: 0, completed: 0 } })), 'grant');
    assert.equal(reason(input({ policy, counters: { grantedInPeriod: 1, inProgress: 1, completed: 0 } })), 'safe-mode');
    assert.equal(reason(input({ policy, counters: { grantedInPeriod: 2, inProgress: 1, completed: 1 } })), 'grant');
  });
  it('pinned: the group stays on its pinned version', () => {
    assert.equal(reason(input({ policy: { pinVersion: '3510.2.0' } })), 'pinned');
    assert.equal(reason(input({ policy: { pinVersion: '3602.2' } })), 'grant', '3602.2 is 3602.2.0');
  });
  it('a node already granted keeps its grant and takes no new place, whatever the limits and the rollout', () => {
    const held = input({
      node: { bucket: 0.99, canary: false, alreadyGranted: true },
      rollout: { status: 'halted', percent: 1 },
      policy: { updatesEnabled: false, safeMode: true, maxInProgress: 1, maxUpdatesPerPeriod: { count: 1, periodMs: 1000 } },
      window: { open: false, nextOpenAt: T0 },
      counters: { grantedInPeriod: 1, inProgress: 1, completed: 0 },
    });
    assert.equal(reason(held), 'grant');
    assert.equal(reason({ ...held, policy: { ...held.policy, pinVersion: '1.0.0' } }), 'pinned', 'a pin to another version takes it back');
  });
});

describe('decideGrant: precedence', () => {
  it('reports the first reason of GRANT_REASONS that applies', () => {
    // Every reason applies; lifting them one at a time, in order, reveals the next.
    const lifts: [GrantReason, (i: GrantInput) => GrantInput][] = [
      ['pinned', (i) => ({ ...i, policy: { ...i.policy, pinVersion: null } })],
      ['group-disabled', (i) => ({ ...i, policy: { ...i.policy, updatesEnabled: true } })],
      ['rollout-halted', (i) => ({ ...i, rollout: { status: 'paused', percent: 10 } })],
      ['rollout-paused', (i) => ({ ...i, rollout: { status: 'running', percent: 10 } })],
      ['rollout-percent', (i) => ({ ...i, node: { ...i.node, bucket: 0.01 } })],
      ['outside-window', (i) => ({ ...i, window: { open: true, nextOpenAt: null } })],
      ['safe-mode', (i) => ({ ...i, policy: { ...i.policy, safeMode: false } })],
      ['rate-limit', (i) => ({ ...i, policy: { ...i.policy, maxUpdatesPerPeriod: null } })],
      ['in-progress-limit', (i) => ({ ...i, policy: { ...i.policy, maxInProgress: null } })],
    ];
    assert.deepEqual(lifts.map(([r]) => r), [...GRANT_REASONS]);
    let i = input({
      node: { bucket: 0.5, canary: false, alreadyGranted: false },
      rollout: { status: 'halted', percent: 10 },
      policy: { pinVersion: '1.0.0', updatesEnabled: false, safeMode: true, maxInProgress: 2, maxUpdatesPerPeriod: { count: 2, periodMs: 60_000 } },
      window: { open: false, nextOpenAt: T0 },
      counters: { grantedInPeriod: 2, inProgress: 2, completed: 0 },
    });
    for (const [expected, lift] of lifts) {
      assert.equal(reason(i), expected);
      i = lift(i);
    }
    assert.equal(reason(i), 'grant');
  });
});

describe('groupPolicySchema', () => {
  const parse = (body: unknown) => {
    const r = groupPolicySchema.safeParse(body);
    return r.success ? r.data : describeIssues(r.error.issues);
  };
  it('fills the defaults and converts durations to ms', () => {
    assert.deepEqual(parse({}), DEFAULT_POLICY);
    assert.deepEqual(
      parse({
        updatesEnabled: true,
        maxUpdatesPerPeriod: { count: 50, period: '1h' },
        maxInProgress: 'reboot-slots',
        updateTimeout: '2h',
        windows: [{ days: 'Mon-Fri', start: '09:00', length: '8h', zone: 'Europe/Berlin' }],
        safeMode: true,
        pinVersion: '3510.2.0',
        rebootGroup: 'web',
      }),
      {
        updatesEnabled: true,
        maxUpdatesPerPeriod: { count: 50, periodMs: 3_600_000 },
        maxInProgress: 'reboot-slots',
        updateTimeoutMs: 7_200_000,
        windows: [{ days: 'Mon-Fri', start: '09:00', length: '8h', zone: 'Europe/Berlin' }],
        safeMode: true,
        pinVersion: '3510.2.0',
        rebootGroup: 'web',
      },
    );
    assert.match(JSON.stringify(groupPolicySchema.safeParse({ maxInProgress: 'reboot-slots' }).error?.issues), /rebootGroup/, 'reboot-slots needs the reboot group');
  });
  it('names the field of every error; unknown fields are refused', () => {
    const cases: [unknown, RegExp][] = [
      [{ updatesEnabled: 'yes' }, /^updatesEnabled: /],
      [{ maxUpdatesPerPeriod: { count: 0, period: '1h' } }, /maxUpdatesPerPeriod\.count: must be at least 1/],
      [{ maxUpdatesPerPeriod: { count: 5, period: 'hourly' } }, /maxUpdatesPerPeriod\.period: "hourly" is not a duration/],
      [{ maxUpdatesPerPeriod: { count: 5 } }, /maxUpdatesPerPeriod\.period: must be a duration/],
      [{ maxInProgress: 0 }, /maxInProgress: must be at least 1/],
      [{ maxInProgress: 'slots' }, /maxInProgress: must be a whole number ≥ 1 or "reboot-slots"/],
      [{ updateTimeout: '10s' }, /updateTimeout: must be at least 1m/],
      [{ windows: [{ start: 'nine', length: '1h' }] }, /windows\.0\.start: must be HH:MM/],
      [{ windows: [{ start: '09:00', length: 'long' }] }, /windows\.0\.length: must be a length/],
      [{ windows: [{ start: '09:00', length: '1h', tz: 'UTC' }] }, /windows\.0: unknown field tz/],
      [{ safeMode: 1 }, /^safeMode: /],
      [{ pinVersion: 'v1' }, /pinVersion: must be a version like 3510.2.0/],
      [{ maxParallel: 3 }, /body: unknown field maxParallel/],
    ];
    for (const [body, message] of cases) {
      const out = parse(body);
      assert.equal(typeof out, 'string', `accepted ${JSON.stringify(body)}`);
      assert.match(out as string, message, JSON.stringify(body));
    }
  });
});
