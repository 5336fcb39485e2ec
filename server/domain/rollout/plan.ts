// Rollout plans: how far a rollout reaches at a given time, and when its next step opens.
// Two forms: steps ({ steps: [{ percent, soak, successThreshold? }], haltOn? }) or a linear ramp
// ({ linear: { startPercent, duration }, haltOn? }). The last step must be 100 %: a rollout that
// stops below 100 % would never complete and leave part of the fleet behind with no state saying
// so; to hold a rollout lower, pause it.
import { z } from 'zod';
import { durationField } from './duration.ts';
import type { HaltOn, PlanStep, RolloutClock, RolloutPlan, StepProgress } from './types.ts';

export const MAX_STEPS = 20;
const DAY_MS = 86_400_000;

const percent = z.number({ error: 'must be a number from 0 to 100' }).min(0, 'must be at least 0').max(100, 'must be at most 100');

export const haltOnSchema = z.strictObject({
  failures: z.number().int('must be a whole number').min(1, 'must be at least 1').max(1_000_000_000).optional(),
  failurePercent: z.number().gt(0, 'must be more than 0').max(100, 'must be at most 100').optional(),
});

const stepSchema = z.strictObject({
  percent,
  /** May be 0: the next step opens as soon as the threshold is met. */
  soak: durationField({ minMs: 0, maxMs: 90 * DAY_MS }),
  successThreshold: percent.optional(),
});

const linearSchema = z.strictObject({
  startPercent: percent,
  duration: durationField({ minMs: 1000, maxMs: 365 * DAY_MS }),
});

/** The `rollout` field of a promotion: exactly one of `steps` or `linear`, optional `haltOn`. */
export const rolloutPlanSchema = z
  .strictObject({
    steps: z.array(stepSchema).min(1, 'must have at least one step').max(MAX_STEPS, `must have at most ${MAX_STEPS} steps`).optional(),
    linear: linearSchema.optional(),
    haltOn: haltOnSchema.optional(),
  })
  .superRefine((body, ctx) => {
    if ((body.steps === undefined) === (body.linear === undefined)) {
      ctx.addIssue({ code: 'custom', path: body.steps ? ['linear'] : ['steps'], message: 'give either "steps" or "linear", not both and not neither' });
      return;
    }
    const steps = body.steps ?? [];
    steps.forEach((s, i) => {
      const prev = steps[i - 1];
      if (prev && s.percent <= prev.percent) {
        ctx.addIssue({ code: 'custom', path: ['steps', i, 'percent'], message: `must be more than the previous step's ${prev.percent}` });
      }
    });
    const last = steps[steps.length - 1];
    if (last && last.percent !== 100) {
      ctx.addIssue({ code: 'custom', path: ['steps', steps.length - 1, 'percent'], message: 'the last step must be 100 (pause the rollout to hold it lower)' });
    }
  })
  .transform((body): RolloutPlan => {
    const haltOn: HaltOn = { ...body.haltOn };
    if (body.linear) return { kind: 'linear', startPercent: body.linear.startPercent, durationMs: body.linear.duration, haltOn };
    const steps: PlanStep[] = (body.steps ?? []).map((s) => ({ percent: s.percent, soakMs: s.soak, successThreshold: s.successThreshold ?? null }));
    return { kind: 'steps', steps, haltOn };
  });

/** A promotion without a plan: offered to everyone at once (today's behaviour). */
export const IMMEDIATE_PLAN: RolloutPlan = { kind: 'steps', steps: [{ percent: 100, soakMs: 0, successThreshold: null }], haltOn: {} };

/** Time held (paused or halted) in the hold still going on at `now`, counted from `from`. */
function ongoingHold(clock: RolloutClock, now: number, from: number): number {
  return clock.heldSince === null ? 0 : Math.max(0, now - Math.max(clock.heldSince, from));
}

/** Running time since the start: wall time less the time held. */
export function activeMs(clock: RolloutClock, now: number): number {
  return Math.max(0, now - clock.startedAt - clock.heldMs - ongoingHold(clock, now, clock.startedAt));
}

/** Running time since the open step opened. */
export function stepActiveMs(clock: RolloutClock, now: number): number {
  return Math.max(0, now - clock.stepOpenedAt - clock.stepHeldMs - ongoingHold(clock, now, clock.stepOpenedAt));
}

/**
 * The percent the rollout reaches at `now`. A held (paused or halted) rollout keeps its reach (the
 * grant decision refuses new grants while it is held); a completed one reaches everyone; an aborted
 * one no one.
 */
export function offeredPercent(plan: RolloutPlan, clock: RolloutClock, now: number): number {
  if (clock.status === 'aborted') return 0;
  if (clock.status === 'completed') return 100;
  if (plan.kind === 'steps') return plan.steps[Math.min(clock.stepIndex, plan.steps.length - 1)]?.percent ?? 100;
  if (plan.durationMs <= 0) return 100;
  const ramp = Math.min(1, activeMs(clock, now) / plan.durationMs);
  return plan.startPercent + (100 - plan.startPercent) * ramp;
}

export type WaitReason = 'paused' | 'halted' | 'completed' | 'aborted' | 'soaking' | 'success-threshold' | 'ramping';

/** What the step rule says: open step `open`, complete the rollout, or wait (until a time, if known). */
export type StepVerdict = { open: number } | { complete: true } | { wait: WaitReason; until?: number };

/** True when the share of the step's granted nodes that are complete reaches the threshold. A step that granted no node has nothing to wait for. */
export function thresholdMet(threshold: number | null, progress: StepProgress): boolean {
  if (threshold === null || progress.granted <= 0) return true;
  return (progress.complete / progress.granted) * 100 >= threshold;
}

/**
 * The automatic step rule. The next step opens once the open one has soaked (its soak passed in
 * running time) and its success threshold is met; after the last step the same condition completes
 * the rollout. A linear ramp completes when it reaches 100 %. An operator's `advance` is not this
 * rule: it opens the next step at once (state.ts).
 */
export function nextStep(plan: RolloutPlan, clock: RolloutClock, progress: StepProgress, now: number): StepVerdict {
  if (clock.status !== 'running') return { wait: clock.status };
  if (plan.kind === 'linear') {
    const left = plan.durationMs - activeMs(clock, now);
    return left <= 0 ? { complete: true } : { wait: 'ramping', until: now + left };
  }
  const step = plan.steps[clock.stepIndex];
  if (!step) return { complete: true };
  const soakLeft = step.soakMs - stepActiveMs(clock, now);
  if (soakLeft > 0) return { wait: 'soaking', until: now + soakLeft };
  if (!thresholdMet(step.successThreshold, progress)) return { wait: 'success-threshold' };
  return clock.stepIndex + 1 < plan.steps.length ? { open: clock.stepIndex + 1 } : { complete: true };
}
