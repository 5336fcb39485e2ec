// A rollout's counts for the halt and step rules, from the counts per status of the nodes granted
// its version in its channel (domain/counters.ts targetCounts).
import { FAILURE_KINDS, type RolloutCounts, type StepProgress } from '../domain/rollout/types.ts';
import type { InstanceStatus } from '../domain/types.ts';

/** Nodes granted the version in the channel, in any status: each of them was granted once. */
export function grantedOf(byStatus: Readonly<Record<InstanceStatus, number>>): number {
  let n = 0;
  for (const v of Object.values(byStatus)) n += v;
  return n;
}

/**
 * The halt rule's counts. Failures are the granted nodes now in `error` (an x/0 event, a rollback
 * report) or `timed-out` (its group's updateTimeout passed): a node that failed and was granted
 * again leaves the count, so this is "failing now", not "ever failed".
 */
export function rolloutCounts(byStatus: Readonly<Record<InstanceStatus, number>>): { counts: RolloutCounts; progress: StepProgress } {
  const failures = Object.fromEntries(FAILURE_KINDS.map((k) => [k, 0])) as RolloutCounts['failures'];
  failures.error = byStatus.error;
  failures.timeout = byStatus['timed-out'];
  const granted = grantedOf(byStatus);
  return { counts: { granted, failures }, progress: { granted, complete: byStatus.complete } };
}
