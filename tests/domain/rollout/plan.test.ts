import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { describeIssues } from '../../../kernel/http/body.ts';
import { durationMs } from '../../../server/domain/rollout/duration.ts';
import { IMMEDIATE_PLAN, nextStep, offeredPercent, rolloutPlanSchema, thresholdMet } from '../../../server/domain/rollout/plan.ts';
import type { RolloutClock, RolloutPlan } from '../../../server/domain/rollout/types.ts';

const H = 3_600_000;
const T0 = Date.UTC(2026, 10, 29, 12);

/** The plan, or the API's one-line message for what is wrong with it. */
function parse(body: unknown): RolloutPlan | string {
  const r = rolloutPlanSchema.safeParse(body);
  return r.success ? r.data : describeIssues(r.error.issues);
}

function clock(over: Partial<RolloutClock> = {}): RolloutClock {
  return { status: 'running', startedAt: T0, stepIndex: 0, stepOpenedAt: T0, heldMs: 0, stepHeldMs: 0, heldSince: null, ...over };
}

describe('durations', () => {
  it('reads "90s", "30m", "2h", "1d" and seconds as numbers', () => {
    assert.deepEqual(['90s', '30m', '2h', '1d', 600].map((d) => durationMs(d)), [90_000, 1_800_000, 2 * H, 24 * H, 600_000]);
  });
  it('refuses text that is no duration, digits without a unit, fractions of a second and out-of-range values, saying why', () => {
    assert.match(String(durationMs('soon')), /"soon" is not a duration such as "90s"/);
    assert.match(String(durationMs('600')), /no unit: write "600s"/);
    assert.match(String(durationMs('1500ms')), /whole seconds/);
    assert.match(String(durationMs(-5)), /at least 1s/);
    assert.match(String(durationMs('-1h')), /at least 1s/);
    assert.match(String(durationMs('2y')), /at most 365d/);
    assert.match(String(durationMs(Number.NaN)), /a duration/);
    assert.match(String(durationMs('')), /is not a duration/);
  });
});

describe('plan validation', () => {
  it('accepts steps and converts durations to ms', () => {
    const plan = parse({ steps: [{ percent: 1, soak: '2h', successThreshold: 90 }, { percent: 10, soak: 3600 }, { percent: 100, soak: '0s' }], haltOn: { failurePercent: 5 } });
    assert.deepEqual(plan, {
      kind: 'steps',
      steps: [
        { percent: 1, soakMs: 2 * H, successThreshold: 90 },
        { percent: 10, soakMs: H, successThreshold: null },
        { percent: 100, soakMs: 0, successThreshold: null },
      ],
      haltOn: { failurePercent: 5 },
    });
  });
  it('accepts a linear ramp, haltOn optional', () => {
    assert.deepEqual(parse({ linear: { startPercent: 5, duration: '1d' } }), { kind: 'linear', startPercent: 5, durationMs: 24 * H, haltOn: {} });
  });
  it('names the field of every error', () => {
    const cases: [unknown, RegExp][] = [
      [{ steps: [{ percent: 101, soak: '1h' }] }, /steps\.0\.percent: must be at most 100/],
      [{ steps: [{ percent: -1, soak: '1h' }, { percent: 100, soak: 0 }] }, /steps\.0\.percent: must be at least 0/],
      [{ steps: [{ percent: '10', soak: '1h' }] }, /steps\.0\.percent: must be a number from 0 to 100/],
      [{ steps: [{ percent: 50, soak: '1h' }, { percent: 50, soak: '1h' }, { percent: 100, soak: 0 }] }, /steps\.1\.percent: must be more than the previous step's 50/],
      [{ steps: [{ percent: 10, soak: '1h' }, { percent: 5, soak: '1h' }, { percent: 100, soak: 0 }] }, /steps\.1\.percent: must be more than/],
      [{ steps: [{ percent: 10, soak: '1h' }, { percent: 50, soak: '1h' }] }, /steps\.1\.percent: the last step must be 100/],
      [{ steps: [{ percent: 100, soak: 'later' }] }, /steps\.0\.soak: "later" is not a duration/],
      [{ steps: [{ percent: 100, soak: '30' }] }, /steps\.0\.soak: "30" has no unit/],
      [{ steps: [{ percent: 100, soak: true }] }, /steps\.0\.soak: must be a duration/],
      [{ steps: [{ percent: 100 }] }, /steps\.0\.soak: must be a duration/],
      [{ steps: [{ percent: 100, soak: '1h', successThreshold: 120 }] }, /steps\.0\.successThreshold: must be at most 100/],
      [{ steps: [{ percent: 100, soak: '1h', wait: 1 }] }, /steps\.0: unknown field wait/],
      [{ steps: [] }, /steps: must have at least one step/],
      [{ steps: [{ percent: 100, soak: 0 }], haltOn: { failures: 0 } }, /haltOn\.failures: must be at least 1/],
      [{ steps: [{ percent: 100, soak: 0 }], haltOn: { failures: 1.5 } }, /haltOn\.failures: must be a whole number/],
      [{ steps: [{ percent: 100, soak: 0 }], haltOn: { failurePercent: 0 } }, /haltOn\.failurePercent: must be more than 0/],
      [{ steps: [{ percent: 100, soak: 0 }], haltOn: { errors: 3 } }, /haltOn: unknown field errors/],
      [{ linear: { startPercent: 5, duration: '0s' } }, /linear\.duration: must be at least 1s/],
      [{ linear: { startPercent: 5 } }, /linear\.duration: must be a duration/],
      [{ linear: { startPercent: 5, duration: '1h', end: 100 } }, /linear: unknown field end/],
      [{ linear: { startPercent: 5, duration: '1h' }, steps: [{ percent: 100, soak: 0 }] }, /linear: give either "steps" or "linear"/],
      [{}, /steps: give either "steps" or "linear"/],
      [{ steps: [{ percent: 100, soak: 0 }], speed: 'fast' }, /body: unknown field speed/],
    ];
    for (const [body, message] of cases) {
      const out = parse(body);
      assert.equal(typeof out, 'string', `accepted ${JSON.stringify(body)}`);
      assert.match(out as string, message, JSON.stringify(body));
    }
  });
  it('any increasing list of percents ending at 100 is accepted; any other list is refused', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 8 }), (percents) => {
        const body = { steps: percents.map((percent) => ({ percent, soak: '1m' })) };
        const ok = percents.every((p, i) => i === 0 || p > (percents[i - 1] as number)) && percents[percents.length - 1] === 100;
        assert.equal(typeof parse(body) !== 'string', ok, JSON.stringify(percents));
      }),
      { seed: 4, numRuns: 300 },
    );
  });
});

describe('offeredPercent', () => {
  const steps = parse({ steps: [{ percent: 1, soak: '1h' }, { percent: 10, soak: '1h' }, { percent: 100, soak: '1h' }] }) as RolloutPlan;
  const linear = parse({ linear: { startPercent: 10, duration: '10h' } }) as RolloutPlan;

  it('a step plan offers the open step', () => {
    assert.equal(offeredPercent(steps, clock(), T0), 1);
    assert.equal(offeredPercent(steps, clock({ stepIndex: 1 }), T0), 10);
    assert.equal(offeredPercent(steps, clock({ stepIndex: 2 }), T0), 100);
  });
  it('a linear ramp rises from startPercent to 100 over its duration and stays there', () => {
    assert.equal(offeredPercent(linear, clock(), T0), 10);
    assert.equal(offeredPercent(linear, clock(), T0 + 5 * H), 55);
    assert.equal(offeredPercent(linear, clock(), T0 + 10 * H), 100);
    assert.equal(offeredPercent(linear, clock(), T0 + 30 * H), 100);
  });
  it('paused and halted time does not count on a ramp: it keeps its reach while held', () => {
    const paused = clock({ status: 'paused', heldSince: T0 + 2 * H });
    assert.equal(offeredPercent(linear, paused, T0 + 2 * H), 28);
    assert.equal(offeredPercent(linear, paused, T0 + 9 * H), 28);
    // Resumed after 3 h held: 5 h of running time at T0 + 8 h.
    assert.equal(offeredPercent(linear, clock({ heldMs: 3 * H }), T0 + 8 * H), 55);
    assert.equal(offeredPercent(linear, clock({ status: 'halted', heldMs: H, heldSince: T0 + 4 * H }), T0 + 9 * H), 37);
  });
  it('completed reaches everyone, aborted no one', () => {
    assert.equal(offeredPercent(steps, clock({ status: 'completed' }), T0), 100);
    assert.equal(offeredPercent(linear, clock({ status: 'aborted' }), T0 + 5 * H), 0);
  });
  it('a promotion without a plan offers 100 % at once', () => {
    assert.equal(offeredPercent(IMMEDIATE_PLAN, clock(), T0), 100);
  });
});

describe('nextStep', () => {
  const plan = parse({ steps: [{ percent: 1, soak: '2h', successThreshold: 80 }, { percent: 50, soak: '1h' }, { percent: 100, soak: '1h', successThreshold: 90 }] }) as RolloutPlan;
  const none = { granted: 0, complete: 0 };

  it('waits for the soak, with the time it ends', () => {
    assert.deepEqual(nextStep(plan, clock(), none, T0 + H), { wait: 'soaking', until: T0 + 2 * H });
  });
  it('opens the next step when soaked and the success threshold is met', () => {
    assert.deepEqual(nextStep(plan, clock(), { granted: 10, complete: 7 }, T0 + 2 * H), { wait: 'success-threshold' });
    assert.deepEqual(nextStep(plan, clock(), { granted: 10, complete: 8 }, T0 + 2 * H), { open: 1 });
  });
  it('a step without threshold opens after its soak alone; a step that granted nobody has nothing to wait for', () => {
    assert.deepEqual(nextStep(plan, clock({ stepIndex: 1, stepOpenedAt: T0 + 2 * H }), none, T0 + 3 * H), { open: 2 });
    assert.deepEqual(nextStep(plan, clock(), none, T0 + 2 * H), { open: 1 });
    assert.equal(thresholdMet(100, { granted: 0, complete: 0 }), true);
    assert.equal(thresholdMet(null, { granted: 5, complete: 0 }), true);
  });
  it('after the last step the same rule completes the rollout', () => {
    const last = clock({ stepIndex: 2, stepOpenedAt: T0 });
    assert.deepEqual(nextStep(plan, last, { granted: 100, complete: 89 }, T0 + H), { wait: 'success-threshold' });
    assert.deepEqual(nextStep(plan, last, { granted: 100, complete: 90 }, T0 + H), { complete: true });
  });
  it('time held during the step does not count towards its soak', () => {
    const held = clock({ stepHeldMs: H });
    assert.deepEqual(nextStep(plan, held, none, T0 + 2 * H), { wait: 'soaking', until: T0 + 3 * H });
    // Held before this step opened: only the part after the opening counts against the soak.
    const resumedEarlier = clock({ heldMs: 5 * H, startedAt: T0 - 10 * H });
    assert.deepEqual(nextStep(plan, resumedEarlier, none, T0 + 2 * H), { open: 1 });
  });
  it('a paused, halted or finished rollout does not move', () => {
    for (const status of ['paused', 'halted', 'completed', 'aborted'] as const) {
      assert.deepEqual(nextStep(plan, clock({ status, heldSince: T0 }), { granted: 10, complete: 10 }, T0 + 10 * H), { wait: status });
    }
  });
  it('a linear ramp completes when it reaches 100 %', () => {
    const linear = parse({ linear: { startPercent: 0, duration: '4h' } }) as RolloutPlan;
    assert.deepEqual(nextStep(linear, clock(), none, T0 + H), { wait: 'ramping', until: T0 + 4 * H });
    assert.deepEqual(nextStep(linear, clock(), none, T0 + 4 * H), { complete: true });
  });
});
