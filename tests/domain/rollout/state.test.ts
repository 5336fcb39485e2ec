import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rolloutPlanSchema } from '../../../server/domain/rollout/plan.ts';
import { RULE_HALT, RULE_STEP, startRollout, transition, type Rollout, type RolloutAction, type TransitionResult } from '../../../server/domain/rollout/state.ts';
import type { FailureKind, RolloutCounts, StepProgress } from '../../../server/domain/rollout/types.ts';

const H = 3_600_000;
const T0 = Date.UTC(2026, 10, 29, 12);
const plan = rolloutPlanSchema.parse({
  steps: [{ percent: 1, soak: '1h' }, { percent: 10, soak: '1h', successThreshold: 50 }, { percent: 100, soak: '1h' }],
  haltOn: { failures: 3 },
});

function counts(granted: number, failures: Partial<Record<FailureKind, number>> = {}): RolloutCounts {
  return { granted, failures: { error: 0, rollback: 0, timeout: 0, 'lease-expired': 0, reverted: 0, ...failures } };
}
const quiet = (granted = 0): RolloutAction => ({ type: 'evaluate', counts: counts(granted), progress: { granted, complete: granted } });
const evaluate = (c: RolloutCounts, progress: StepProgress = { granted: 0, complete: 0 }): RolloutAction => ({ type: 'evaluate', counts: c, progress });

function start(previousVersion: string | null = '3510.2.0'): Rollout {
  return startRollout({ version: '3602.2.0', previousVersion, plan, by: 'alice' }, T0).rollout;
}

function ok(r: TransitionResult): Extract<TransitionResult, { rollout: Rollout }> {
  if ('refused' in r) assert.fail(`refused: ${r.refused}`);
  return r;
}
function refused(r: TransitionResult): string {
  if (!('refused' in r)) assert.fail(`not refused: now ${r.rollout.status}`);
  return r.refused;
}

describe('rollout state machine', () => {
  it('starts running at the first step, recorded with who and why', () => {
    const { rollout, effects } = startRollout({ version: '3602.2.0', previousVersion: '3510.2.0', plan, by: 'alice' }, T0);
    assert.equal(rollout.status, 'running');
    assert.equal(rollout.stepIndex, 0);
    assert.deepEqual(effects, [{ kind: 'started', version: '3602.2.0' }]);
    assert.deepEqual(rollout.history, [{ at: T0, action: 'start', from: null, to: 'running', by: 'alice', why: 'promoted 3602.2.0 over 3510.2.0', stepIndex: 0 }]);
  });

  it('pause holds and resume goes on; both recorded', () => {
    const paused = ok(transition(start(), { type: 'pause', by: 'bob', why: 'checking dashboards' }, T0 + 10));
    assert.equal(paused.rollout.status, 'paused');
    assert.deepEqual(paused.effects, [{ kind: 'paused' }]);
    const resumed = ok(transition(paused.rollout, { type: 'resume', by: 'bob' }, T0 + 20));
    assert.equal(resumed.rollout.status, 'running');
    assert.deepEqual(resumed.effects, [{ kind: 'resumed' }]);
    assert.deepEqual(
      resumed.rollout.history.slice(1).map((h) => [h.at, h.action, h.from, h.to, h.by, h.why]),
      [
        [T0 + 10, 'pause', 'running', 'paused', 'bob', 'checking dashboards'],
        [T0 + 20, 'resume', 'paused', 'running', 'bob', 'resumed by an operator'],
      ],
    );
  });

  it('never changes the rollout it is given', () => {
    const r = start();
    const before = structuredClone(r);
    ok(transition(r, { type: 'pause', by: 'bob' }, T0 + 1));
    ok(transition(r, { type: 'advance', by: 'bob' }, T0 + 1));
    ok(transition(r, evaluate(counts(5, { error: 3 })), T0 + 1));
    assert.deepEqual(r, before);
  });

  it('the step rule opens the next step when soaked and the threshold is met', () => {
    let r = start();
    assert.equal(ok(transition(r, quiet(), T0 + H - 1)).rollout.stepIndex, 0);
    const opened = ok(transition(r, quiet(), T0 + H));
    assert.deepEqual(opened.effects, [{ kind: 'step-opened', stepIndex: 1, percent: 10 }]);
    r = opened.rollout;
    assert.equal(r.stepOpenedAt, T0 + H);
    assert.deepEqual(r.history.at(-1), { at: T0 + H, action: 'step', from: 'running', to: 'running', by: RULE_STEP, why: 'step 1 soaked', stepIndex: 1 });
    // Step 2 wants half its granted nodes complete.
    assert.equal(ok(transition(r, evaluate(counts(10), { granted: 10, complete: 4 }), T0 + 3 * H)).rollout.stepIndex, 1);
    const next = ok(transition(r, evaluate(counts(10), { granted: 10, complete: 5 }), T0 + 3 * H));
    assert.equal(next.rollout.stepIndex, 2);
    assert.equal(next.rollout.history.at(-1)?.why, 'step 2 soaked and 5 of 10 complete');
  });

  it('completes when the last step (100 %) has soaked and met its threshold', () => {
    let r = start();
    r = ok(transition(r, { type: 'advance', by: 'alice' }, T0)).rollout;
    r = ok(transition(r, { type: 'advance', by: 'alice' }, T0)).rollout;
    const done = ok(transition(r, quiet(), T0 + H));
    assert.equal(done.rollout.status, 'completed');
    assert.equal(done.rollout.finishedAt, T0 + H);
    assert.deepEqual(done.effects, [{ kind: 'completed' }]);
    assert.equal(done.rollout.history.at(-1)?.why, 'the last step soaked at 100 %');
  });

  it('advance opens the next step at once; refused at the last step, when held, and for linear plans', () => {
    const r = start();
    const adv = ok(transition(r, { type: 'advance', by: 'carol', why: 'canaries look fine' }, T0 + 5));
    assert.equal(adv.rollout.stepIndex, 1);
    assert.equal(adv.rollout.history.at(-1)?.by, 'carol');
    assert.deepEqual(adv.effects, [{ kind: 'step-opened', stepIndex: 1, percent: 10 }]);
    const last = ok(transition(adv.rollout, { type: 'advance', by: 'carol' }, T0 + 6)).rollout;
    assert.match(refused(transition(last, { type: 'advance', by: 'carol' }, T0 + 7)), /at its last step/);
    const paused = ok(transition(r, { type: 'pause', by: 'x' }, T0)).rollout;
    assert.match(refused(transition(paused, { type: 'advance', by: 'carol' }, T0)), /paused: resume it before advancing/);
    const linear = startRollout({ version: '2', previousVersion: '1', plan: rolloutPlanSchema.parse({ linear: { startPercent: 0, duration: '1h' } }), by: 'a' }, T0).rollout;
    assert.match(refused(transition(linear, { type: 'advance', by: 'carol' }, T0)), /linear rollout has no steps/);
  });

  it('the halt rule halts a running or paused rollout and records why', () => {
    const r = start();
    const halted = ok(transition(r, evaluate(counts(8, { error: 2, rollback: 1 })), T0 + 10));
    assert.equal(halted.rollout.status, 'halted');
    assert.equal(halted.rollout.haltReason, '3 of 8 granted nodes failed (2 error events, 1 rollback): reached haltOn.failures = 3');
    assert.deepEqual(halted.effects, [{ kind: 'halted', reason: halted.rollout.haltReason }]);
    assert.equal(halted.rollout.history.at(-1)?.by, RULE_HALT);
    const paused = ok(transition(r, { type: 'pause', by: 'x' }, T0)).rollout;
    assert.equal(ok(transition(paused, evaluate(counts(8, { timeout: 3 })), T0 + 10)).rollout.status, 'halted');
    // Halting wins over an open step in the same evaluation.
    assert.equal(ok(transition(r, evaluate(counts(8, { error: 3 })), T0 + 2 * H)).rollout.stepIndex, 0);
  });

  it('resuming a halted rollout acknowledges the failures so far: only new ones count', () => {
    const halted = ok(transition(start(), evaluate(counts(8, { error: 3 })), T0 + 10)).rollout;
    assert.match(refused(transition(halted, { type: 'pause', by: 'x' }, T0 + 11)), /halted, which already holds it/);
    const resumed = ok(transition(halted, { type: 'resume', by: 'dave' }, T0 + 20)).rollout;
    assert.equal(resumed.haltReason, null);
    assert.equal(ok(transition(resumed, evaluate(counts(12, { error: 5 })), T0 + 30)).rollout.status, 'running');
    assert.equal(ok(transition(resumed, evaluate(counts(12, { error: 6 })), T0 + 30)).rollout.status, 'halted');
  });

  it('held time does not count towards the soak', () => {
    let r = start();
    r = ok(transition(r, { type: 'pause', by: 'x' }, T0 + 30 * 60_000)).rollout;
    r = ok(transition(r, { type: 'resume', by: 'x' }, T0 + 2 * H)).rollout;
    // 30 min ran before the pause: 30 more are needed after resuming at T0 + 2 h.
    assert.equal(ok(transition(r, quiet(), T0 + 2 * H + 29 * 60_000)).rollout.stepIndex, 0);
    assert.equal(ok(transition(r, quiet(), T0 + 2 * H + 30 * 60_000)).rollout.stepIndex, 1);
  });

  it('abort stops the rollout; with rollback it promotes the previous version back', () => {
    const r = start();
    const plain = ok(transition(r, { type: 'abort', by: 'erin' }, T0 + 5));
    assert.equal(plain.rollout.status, 'aborted');
    assert.deepEqual(plain.effects, [{ kind: 'aborted' }]);
    const back = ok(transition(r, { type: 'abort', by: 'erin', why: 'kernel panic on arm64', rollback: true }, T0 + 5));
    assert.deepEqual(back.effects, [{ kind: 'aborted' }, { kind: 'promote', version: '3510.2.0' }]);
    assert.equal(back.rollout.history.at(-1)?.why, 'kernel panic on arm64; 3510.2.0 promoted back');
    assert.match(refused(transition(start(null), { type: 'abort', by: 'erin', rollback: true }, T0)), /no previous version to roll back to/);
    const halted = ok(transition(r, evaluate(counts(3, { error: 3 })), T0)).rollout;
    assert.equal(ok(transition(halted, { type: 'abort', by: 'erin' }, T0 + 1)).rollout.status, 'aborted');
  });

  it('finished rollouts refuse every action with a clear reason and ignore the rules', () => {
    const aborted = ok(transition(start(), { type: 'abort', by: 'e' }, T0)).rollout;
    let completed = ok(transition(start(), { type: 'advance', by: 'a' }, T0)).rollout;
    completed = ok(transition(completed, { type: 'advance', by: 'a' }, T0)).rollout;
    completed = ok(transition(completed, quiet(), T0 + H)).rollout;
    assert.equal(completed.status, 'completed');
    assert.match(refused(transition(completed, { type: 'resume', by: 'x' }, T0)), /rollout of 3602.2.0 is completed: nothing to resume \(promote another version/);
    for (const type of ['pause', 'resume', 'advance', 'abort'] as const) {
      assert.match(refused(transition(aborted, { type, by: 'x' }, T0)), /is aborted: nothing to/);
      assert.match(refused(transition(completed, { type, by: 'x' }, T0)), /is completed: nothing to/);
    }
    assert.match(refused(transition(start(), { type: 'resume', by: 'x' }, T0)), /already running/);
    const paused = ok(transition(start(), { type: 'pause', by: 'x' }, T0)).rollout;
    assert.match(refused(transition(paused, { type: 'pause', by: 'x' }, T0)), /already paused/);
    const same = transition(completed, evaluate(counts(10, { error: 10 })), T0 + 9 * H);
    assert.deepEqual(ok(same), { rollout: completed, effects: [] });
  });

  it('a pulled version halts the rollout for good: resume is refused, abort is not', () => {
    const pulled = ok(transition(start(), { type: 'pull', by: 'frank', why: 'corrupts ext4' }, T0 + 5));
    assert.equal(pulled.rollout.status, 'halted');
    assert.equal(pulled.rollout.haltReason, '3602.2.0 was pulled: corrupts ext4');
    assert.deepEqual(pulled.effects, [{ kind: 'halted', reason: '3602.2.0 was pulled: corrupts ext4' }]);
    assert.match(refused(transition(pulled.rollout, { type: 'resume', by: 'x' }, T0 + 6)), /was pulled: it is never offered again; abort the rollout/);
    assert.equal(ok(transition(pulled.rollout, { type: 'abort', by: 'x', rollback: true }, T0 + 6)).rollout.status, 'aborted');
  });

  it('a linear rollout completes when its ramp reaches 100 %', () => {
    const linear = startRollout({ version: '2', previousVersion: '1', plan: rolloutPlanSchema.parse({ linear: { startPercent: 10, duration: '2h' } }), by: 'a' }, T0).rollout;
    assert.equal(ok(transition(linear, quiet(), T0 + H)).rollout.status, 'running');
    const done = ok(transition(linear, quiet(), T0 + 2 * H));
    assert.equal(done.rollout.status, 'completed');
    assert.equal(done.rollout.history.at(-1)?.why, 'the ramp reached 100 %');
  });
});
