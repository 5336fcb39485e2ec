// The rollout state machine. States: running, paused, halted, completed, aborted.
//   running ─pause→ paused ─resume→ running          running/paused ─halt rule, pull→ halted
//   halted ─resume→ running (the failures so far are acknowledged: the halt rule counts anew)
//   running ─step rule, advance→ running (next step)  running ─step rule after the last→ completed
//   running/paused/halted ─abort→ aborted (with rollback: the previous version is promoted back)
// `transition` is pure: it returns the new rollout and the effects the caller carries out (webhooks,
// activity log, the promotion back), or a refusal that says why. Every transition is recorded in the
// rollout's own history with who (an operator, or the rule) did it, why and when.
import { countsSince, shouldHalt } from './halt.ts';
import { nextStep, offeredPercent } from './plan.ts';
import type { RolloutClock, RolloutCounts, RolloutPlan, RolloutStatus, StepProgress } from './types.ts';

export interface RolloutHistoryEntry {
  at: number;
  action: 'start' | 'pause' | 'resume' | 'advance' | 'abort' | 'halt' | 'pull' | 'step' | 'complete';
  from: RolloutStatus | null;
  to: RolloutStatus;
  /** The operator (token name), or the rule: `rule:halt-on`, `rule:step`. */
  by: string;
  why: string;
  /** The open step after the transition. */
  stepIndex: number;
}

export interface Rollout extends RolloutClock {
  version: string;
  /** The channel's version before this rollout; null when it pointed at nothing. */
  previousVersion: string | null;
  plan: RolloutPlan;
  /** Why the rollout is halted; null unless halted. */
  haltReason: string | null;
  /** The counts when the halt rule halted it: acknowledged when an operator resumes. */
  haltCounts: RolloutCounts | null;
  /** Counts acknowledged at the last resume from a halt; the halt rule counts what came after. */
  baseline: RolloutCounts | null;
  /** The version was pulled: the rollout cannot be resumed, only aborted. */
  pulled: boolean;
  finishedAt: number | null;
  history: RolloutHistoryEntry[];
}

export type RolloutEffect =
  | { kind: 'started'; version: string }
  | { kind: 'step-opened'; stepIndex: number; percent: number }
  | { kind: 'paused' }
  | { kind: 'resumed' }
  | { kind: 'halted'; reason: string }
  | { kind: 'completed' }
  | { kind: 'aborted' }
  /** Abort with rollback: promote this version back on the channel. */
  | { kind: 'promote'; version: string };

export type RolloutAction =
  | { type: 'pause' | 'resume' | 'advance'; by: string; why?: string }
  | { type: 'abort'; by: string; why?: string; rollback?: boolean }
  /** The version was pulled (releases.ts): the rollout halts for good. */
  | { type: 'pull'; by: string; why: string }
  /** The automatic rules, run by a job: the halt rule, then the step rule. */
  | { type: 'evaluate'; counts: RolloutCounts; progress: StepProgress };

export type TransitionResult = { rollout: Rollout; effects: RolloutEffect[] } | { refused: string };

export const RULE_HALT = 'rule:halt-on';
export const RULE_STEP = 'rule:step';

export function startRollout(input: { version: string; previousVersion: string | null; plan: RolloutPlan; by: string; why?: string }, now: number): { rollout: Rollout; effects: RolloutEffect[] } {
  const rollout: Rollout = {
    status: 'running', startedAt: now, stepIndex: 0, stepOpenedAt: now, heldMs: 0, stepHeldMs: 0, heldSince: null,
    version: input.version, previousVersion: input.previousVersion, plan: input.plan,
    haltReason: null, haltCounts: null, baseline: null, pulled: false, finishedAt: null, history: [],
  };
  const why = input.why ?? `promoted ${input.version}${input.previousVersion ? ` over ${input.previousVersion}` : ''}`;
  record(rollout, { at: now, action: 'start', from: null, to: 'running', by: input.by, why, stepIndex: 0 });
  return { rollout, effects: [{ kind: 'started', version: input.version }] };
}

function record(r: Rollout, entry: RolloutHistoryEntry): void {
  r.history.push(entry);
}

/** A copy whose hold (if any) has ended at `now`: held time is added to the clocks. */
function endHold(r: Rollout, now: number): Rollout {
  const next: Rollout = { ...r, history: [...r.history] };
  if (r.heldSince !== null) {
    next.heldMs += Math.max(0, now - r.heldSince);
    next.stepHeldMs += Math.max(0, now - Math.max(r.heldSince, r.stepOpenedAt));
    next.heldSince = null;
  }
  return next;
}

function moveTo(r: Rollout, to: RolloutStatus, now: number, entry: Omit<RolloutHistoryEntry, 'at' | 'from' | 'to' | 'stepIndex'>): Rollout {
  const held = to === 'paused' || to === 'halted';
  const next = held ? { ...r, history: [...r.history] } : endHold(r, now);
  if (held && next.heldSince === null) next.heldSince = now;
  if (to === 'completed' || to === 'aborted') next.finishedAt = now;
  if (to !== 'halted') next.haltReason = null;
  next.status = to;
  record(next, { at: now, from: r.status, to, stepIndex: next.stepIndex, ...entry });
  return next;
}

function openStep(r: Rollout, index: number, now: number, by: string, why: string, action: 'advance' | 'step'): { rollout: Rollout; effects: RolloutEffect[] } {
  const next: Rollout = { ...r, history: [...r.history], stepIndex: index, stepOpenedAt: now, stepHeldMs: 0 };
  record(next, { at: now, action, from: r.status, to: next.status, by, why, stepIndex: index });
  return { rollout: next, effects: [{ kind: 'step-opened', stepIndex: index, percent: offeredPercent(next.plan, next, now) }] };
}

const FINISHED: ReadonlySet<RolloutStatus> = new Set(['completed', 'aborted']);

function finishedRefusal(r: Rollout, what: string): string {
  return `the rollout of ${r.version} is ${r.status}: nothing to ${what}${r.status === 'completed' ? ' (promote another version to start a new rollout)' : ''}`;
}

function pause(r: Rollout, by: string, why: string | undefined, now: number): TransitionResult {
  if (FINISHED.has(r.status)) return { refused: finishedRefusal(r, 'pause') };
  if (r.status === 'paused') return { refused: 'the rollout is already paused' };
  if (r.status === 'halted') return { refused: 'the rollout is halted, which already holds it: resume or abort it' };
  return { rollout: moveTo(r, 'paused', now, { action: 'pause', by, why: why ?? 'paused by an operator' }), effects: [{ kind: 'paused' }] };
}

function resume(r: Rollout, by: string, why: string | undefined, now: number): TransitionResult {
  if (FINISHED.has(r.status)) return { refused: finishedRefusal(r, 'resume') };
  if (r.status === 'running') return { refused: 'the rollout is already running' };
  if (r.pulled) return { refused: `${r.version} was pulled: it is never offered again; abort the rollout` };
  const wasHalted = r.status === 'halted';
  const next = moveTo(r, 'running', now, { action: 'resume', by, why: why ?? (wasHalted ? 'resumed after a halt; failures so far acknowledged' : 'resumed by an operator') });
  if (wasHalted) {
    next.baseline = r.haltCounts ?? r.baseline;
    next.haltCounts = null;
  }
  return { rollout: next, effects: [{ kind: 'resumed' }] };
}

function advance(r: Rollout, by: string, why: string | undefined, now: number): TransitionResult {
  if (FINISHED.has(r.status)) return { refused: finishedRefusal(r, 'advance') };
  if (r.status !== 'running') return { refused: `the rollout is ${r.status}: resume it before advancing` };
  if (r.plan.kind === 'linear') return { refused: 'a linear rollout has no steps to advance' };
  const index = r.stepIndex + 1;
  if (index >= r.plan.steps.length) return { refused: 'the rollout is at its last step; it completes when that step has soaked' };
  return openStep(r, index, now, by, why ?? 'opened early by an operator', 'advance');
}

function abort(r: Rollout, action: { by: string; why?: string; rollback?: boolean }, now: number): TransitionResult {
  if (FINISHED.has(r.status)) return { refused: finishedRefusal(r, 'abort') };
  if (action.rollback && r.previousVersion === null) return { refused: 'there is no previous version to roll back to' };
  const back = action.rollback ? `; ${r.previousVersion} promoted back` : '';
  const next = moveTo(r, 'aborted', now, { action: 'abort', by: action.by, why: `${action.why ?? 'aborted by an operator'}${back}` });
  const effects: RolloutEffect[] = [{ kind: 'aborted' }];
  if (action.rollback && r.previousVersion !== null) effects.push({ kind: 'promote', version: r.previousVersion });
  return { rollout: next, effects };
}

function pull(r: Rollout, by: string, why: string, now: number): TransitionResult {
  if (FINISHED.has(r.status)) return { refused: finishedRefusal(r, 'halt') };
  const reason = `${r.version} was pulled: ${why}`;
  const next = moveTo(r, 'halted', now, { action: 'pull', by, why: reason });
  next.pulled = true;
  next.haltReason = reason;
  return { rollout: next, effects: r.status === 'halted' ? [] : [{ kind: 'halted', reason }] };
}

/** The automatic rules: a running or paused rollout halts when the halt rule says so; a running one then follows the step rule. */
function evaluate(r: Rollout, counts: RolloutCounts, progress: StepProgress, now: number): { rollout: Rollout; effects: RolloutEffect[] } {
  const unchanged = { rollout: r, effects: [] };
  if (r.status !== 'running' && r.status !== 'paused') return unchanged;
  const halt = shouldHalt(r.plan.haltOn, countsSince(counts, r.baseline));
  if (halt) {
    const next = moveTo(r, 'halted', now, { action: 'halt', by: RULE_HALT, why: halt.message });
    next.haltReason = halt.message;
    next.haltCounts = counts;
    return { rollout: next, effects: [{ kind: 'halted', reason: halt.message }] };
  }
  const verdict = nextStep(r.plan, r, progress, now);
  if ('open' in verdict) {
    const prev = r.plan.kind === 'steps' ? r.plan.steps[r.stepIndex] : undefined;
    const why = `step ${r.stepIndex + 1} soaked${prev?.successThreshold != null ? ` and ${progress.complete} of ${progress.granted} complete` : ''}`;
    return openStep(r, verdict.open, now, RULE_STEP, why, 'step');
  }
  if ('complete' in verdict) {
    const why = r.plan.kind === 'linear' ? 'the ramp reached 100 %' : 'the last step soaked at 100 %';
    return { rollout: moveTo(r, 'completed', now, { action: 'complete', by: RULE_STEP, why }), effects: [{ kind: 'completed' }] };
  }
  return unchanged;
}

export function transition(r: Rollout, action: RolloutAction, now: number): TransitionResult {
  switch (action.type) {
    case 'pause':
      return pause(r, action.by, action.why, now);
    case 'resume':
      return resume(r, action.by, action.why, now);
    case 'advance':
      return advance(r, action.by, action.why, now);
    case 'abort':
      return abort(r, action, now);
    case 'pull':
      return pull(r, action.by, action.why, now);
    case 'evaluate':
      return evaluate(r, action.counts, action.progress, now);
  }
}
