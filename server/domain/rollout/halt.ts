// The halt rule: a rollout stops granting by itself once too many of the nodes it granted failed.
// Counted as failures (FailureKind): an error event (x/0), a rollback report (3/0 code 44), an update
// that timed out, a reboot-slot lease that ran out on a node rebooting into this version, and a
// node that installed the version and came back on the old one. A percentage means nothing over a
// handful of nodes (one failure of two is 50 %), so `failurePercent` waits for 10 granted nodes.
import { ErrorCode, stripErrorFlags } from '../../../protocol/omaha/error-codes.ts';
import { EventResult, EventType } from '../../../protocol/omaha/events.ts';
import type { OmahaEvent } from '../../../protocol/omaha/types.ts';
import { FAILURE_KINDS, type FailureKind, type HaltOn, type RolloutCounts } from './types.ts';

/** `failurePercent` applies once at least this many nodes were granted in the rollout. */
export const MIN_GRANTED_FOR_PERCENT = 10;

const KIND_TEXT: ReadonlyMap<FailureKind, [string, string]> = new Map([
  ['error', ['error event', 'error events']],
  ['rollback', ['rollback', 'rollbacks']],
  ['timeout', ['update timeout', 'update timeouts']],
  ['lease-expired', ['reboot-slot lease ran out', 'reboot-slot leases ran out']],
  ['reverted', ['came back on the old version', 'came back on the old version']],
]);

export interface HaltReason {
  rule: 'failures' | 'failurePercent';
  failed: number;
  granted: number;
  byKind: Record<FailureKind, number>;
  /** One line for the rollout's history, the activity log and webhooks. */
  message: string;
}

/** How an event counts for the halt rule: a rollback report (3/0 code 44), another error (x/0), or not a failure. */
export function failureOfEvent(ev: OmahaEvent): FailureKind | null {
  if (ev.eventResult !== EventResult.Error) return null;
  const rollback = ev.eventType === EventType.UpdateComplete && stripErrorFlags(ev.errorCode ?? 0) === ErrorCode.RollbackError;
  return rollback ? 'rollback' : 'error';
}

export function totalFailures(counts: RolloutCounts): number {
  return FAILURE_KINDS.reduce((sum, k) => sum + Math.max(0, counts.failures[k]), 0);
}

/** `counts` less a baseline (the counts acknowledged when an operator resumed a halted rollout). */
export function countsSince(counts: RolloutCounts, baseline: RolloutCounts | null): RolloutCounts {
  if (!baseline) return counts;
  const failures = { ...counts.failures };
  for (const k of FAILURE_KINDS) failures[k] = Math.max(0, counts.failures[k] - baseline.failures[k]);
  return { granted: Math.max(0, counts.granted - baseline.granted), failures };
}

function kindsText(byKind: Record<FailureKind, number>): string {
  return FAILURE_KINDS.filter((k) => byKind[k] > 0)
    .map((k) => {
      const [one, many] = KIND_TEXT.get(k) as [string, string];
      return `${byKind[k]} ${byKind[k] === 1 ? one : many}`;
    })
    .join(', ');
}

/**
 * Whether the rollout must halt, and why. `failures` halts once the count of failed nodes reaches
 * it; `failurePercent` once failed / granted reaches it, with at least 10 granted. When both are
 * reached, the absolute count is named.
 */
export function shouldHalt(haltOn: HaltOn, counts: RolloutCounts): HaltReason | null {
  const failed = totalFailures(counts);
  if (failed === 0) return null;
  const byKind = { ...counts.failures };
  const { granted } = counts;
  const detail = `${failed} of ${granted} granted node${granted === 1 ? '' : 's'} failed (${kindsText(byKind)})`;
  if (haltOn.failures !== undefined && failed >= haltOn.failures) {
    return { rule: 'failures', failed, granted, byKind, message: `${detail}: reached haltOn.failures = ${haltOn.failures}` };
  }
  if (haltOn.failurePercent !== undefined && granted >= MIN_GRANTED_FOR_PERCENT && (failed / granted) * 100 >= haltOn.failurePercent) {
    const pct = Math.round((failed / granted) * 1000) / 10;
    return { rule: 'failurePercent', failed, granted, byKind, message: `${detail}, ${pct} %: reached haltOn.failurePercent = ${haltOn.failurePercent} %` };
  }
  return null;
}
