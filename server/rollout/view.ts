// The rollout as the API shows it (GET …/channels/{channel}/rollout and the answers of its
// actions): the stored rollout, where it stands now, the status counts of its nodes and its
// failures by kind, read from counters. The CLI and the dashboard read this shape.
import type { FailureKind, RolloutPlan, RolloutStatus } from '../domain/rollout/types.ts';
import type { Rollout, RolloutHistoryEntry } from '../domain/rollout/state.ts';
import type { InstanceStatus } from '../domain/types.ts';
import { countsSince, totalFailures } from '../domain/rollout/halt.ts';
import { nextStep, offeredPercent } from '../domain/rollout/plan.ts';
import { rolloutCounts, total } from './counts.ts';
import { heldBackOf } from '../domain/held-counters.ts';
import { errorCodeCounts, type ErrorCodeCount } from '../domain/failure-counters.ts';
import { nodesBelow } from './fleet-facts.ts';

export interface RolloutStepView {
  index: number;
  percent: number;
  /** ms */
  soak: number;
  successThreshold: number | null;
  state: 'done' | 'open' | 'pending';
  /** When the step opened; null while pending (and for steps skipped by nothing: every done step has one). */
  openedAt: number | null;
}

export interface RolloutView {
  appId: string;
  channel: string;
  state: RolloutStatus;
  version: string;
  previousVersion: string | null;
  /** Percent of nodes offered the version now (100 once completed, 0 once aborted). */
  percent: number;
  /** Index of the open step (0 for a linear plan). */
  stepIndex: number;
  plan: RolloutPlan;
  steps: RolloutStepView[];
  /** What the next automatic transition waits for, and until when if a time is known. */
  waiting: { for: string; until: number | null } | null;
  /** Nodes granted this version in this channel, by status (from counters). */
  /**
   * Nodes granted this version in this channel, by status (from counters); `eligible`: nodes of the
   * channel still below the version, which the rollout has yet to reach or hold back; `rebooting`:
   * those of the `installed` ones that hold a reboot slot now (rollout/rebooting.ts), so
   * `installed - rebooting` wait for one.
   */
  counts: Record<InstanceStatus, number> & { granted: number; eligible: number; rebooting: number };
  /** The channel's idle nodes that are behind and got no update at their last check, by why (held-counters.ts). */
  heldBack: Record<string, number>;
  /**
   * Failures among those nodes, by kind, since the start; `counted` are those the halt rule counts
   * now; `byCode`: the error events (a node entering error) by update_engine error code and name.
   */
  failures: { total: number; counted: number; byKind: Record<FailureKind, number>; byCode: ErrorCodeCount[] };
  haltReason: string | null;
  pulled: boolean;
  startedAt: number;
  finishedAt: number | null;
  history: RolloutHistoryEntry[];
}

// ---- building the view (pure)


function stepViews(r: Rollout): RolloutStepView[] {
  if (r.plan.kind === 'linear') {
    return [{ index: 0, percent: 100, soak: r.plan.durationMs, successThreshold: null, state: r.status === 'completed' ? 'done' : 'open', openedAt: r.startedAt }];
  }
  const opened = new Map<number, number>();
  for (const h of r.history) if (h.action === 'start' || h.action === 'step' || h.action === 'advance') opened.set(h.stepIndex, h.at);
  return r.plan.steps.map((s, index) => {
    const done = index < r.stepIndex || r.status === 'completed';
    const state = done ? 'done' : index === r.stepIndex ? 'open' : 'pending';
    return { index, percent: s.percent, soak: s.soakMs, successThreshold: s.successThreshold, state, openedAt: opened.get(index) ?? null };
  });
}

export function buildRolloutView(
  appId: string,
  channel: string,
  r: Rollout,
  counters: Readonly<Record<string, number>>,
  now: number,
  /** Nodes rebooting into the rollout's version now (rollout/rebooting.ts rebootingInto). */
  rebooting: number,
): RolloutView {
  const { counts, progress, byStatus } = rolloutCounts(counters, channel, r.version);
  const counted = countsSince(counts, r.baseline);
  const verdict = nextStep(r.plan, r, progress, now);
  const waiting = 'wait' in verdict ? { for: verdict.wait, until: verdict.until ?? null } : null;
  return {
    appId,
    channel,
    state: r.status,
    version: r.version,
    previousVersion: r.previousVersion,
    percent: offeredPercent(r.plan, r, now),
    stepIndex: r.stepIndex,
    plan: r.plan,
    steps: stepViews(r),
    waiting,
    counts: {
      ...byStatus,
      granted: counts.granted,
      eligible: total(nodesBelow(counters, channel, r.version).values()),
      rebooting: Math.min(rebooting, byStatus.installed),
    },
    heldBack: heldBackOf(counters, channel),
    failures: { total: totalFailures(counts), counted: totalFailures(counted), byKind: counts.failures, byCode: errorCodeCounts(counters, channel, r.version) },
    haltReason: r.haltReason,
    pulled: r.pulled,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    history: r.history,
  };
}
