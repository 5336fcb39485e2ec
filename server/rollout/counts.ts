// A rollout's counts for the halt and step rules, read from the counter buckets of its version in
// its channel: the statuses of the nodes granted it (`t/…`, domain/counters.ts targetCounts) and
// the failures counted as events (`f/…`, failureCounts).
import { targetCounts } from '../domain/counters.ts';
import { failureCounts } from '../domain/failure-counters.ts';
import { FAILURE_KINDS, type RolloutCounts, type StepProgress } from '../domain/rollout/types.ts';
import type { InstanceStatus } from '../domain/types.ts';

/** The sum of counts (nodes per status, per version, per arch). */
export function total(counts: Iterable<number>): number {
  let n = 0;
  for (const v of counts) n += v;
  return n;
}

/**
 * The halt rule's counts for the rollout of `version` in `channel`. Error events and rollback
 * reports (status `error`) and timeouts (`timed-out`) are the granted nodes failing now: a node that
 * failed and was granted again leaves the count. Nodes that came back on the old version and leases
 * that ran out are events, counted once each and never forgotten (a resume's baseline acknowledges
 * them).
 */
export function rolloutCounts(
  counters: Readonly<Record<string, number>>,
  channel: string,
  version: string,
): { counts: RolloutCounts; progress: StepProgress; byStatus: Record<InstanceStatus, number> } {
  const byStatus = targetCounts(counters, channel, version);
  const events = failureCounts(counters, channel, version);
  const failures = Object.fromEntries(FAILURE_KINDS.map((k) => [k, 0])) as RolloutCounts['failures'];
  failures.error = byStatus.error;
  failures.timeout = byStatus['timed-out'];
  failures.reverted = events.reverted;
  failures['lease-expired'] = events['lease-expired'];
  // Every node granted the version in the channel, in any status: each was granted once.
  const granted = total(Object.values(byStatus));
  return { counts: { granted, failures }, progress: { granted, complete: byStatus.complete }, byStatus };
}
