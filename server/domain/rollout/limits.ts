// Group limits as the store applies them in its atomic check-in step. Two parts, both pure:
//
// - Progress bookkeeping, kept on every check-in whether or not a limit is set (so a limit set
//   later starts from exact counts): a node is in progress in group G from the check-in that grants
//   it there until its status is none of granted, downloading, downloaded, installed, or until it is
//   granted in another group (then it moves), or until it gives its own reboot slot back (it
//   rebooted: server/rollout/reboot-progress.ts ends its progress through the store's endProgress;
//   its next check-in leaves it out unless it grants it again). Each grant that takes a new place is
//   also recorded in G's grants of the last period.
// - The counted holds (safe mode, rate limit, in-progress limit), in the order decideGrant
//   (policy.ts) reports them, written once in counted-limits.ts (policy.ts imports that file, not
//   this one: this one speaks of types.ts' GrantLimits, and types.ts imports policy.ts). The store
//   reads the counts and records the grant in one step, so a limit holds exactly however many
//   checks arrive at once; a node already in progress in the group keeps its grant and takes no
//   new place.
import type { InstanceStatus } from '../statuses.ts';
import type { GrantLimits, LimitHold } from '../types.ts';
import { countedHold, type LimitCounts } from './counted-limits.ts';

export { countedHold, type CountedLimits, type LimitCounts } from './counted-limits.ts';

/** The statuses of a node that was granted an update and has not finished with it. */
export const IN_PROGRESS_STATUSES: readonly InstanceStatus[] = ['granted', 'downloading', 'downloaded', 'installed'];

/**
 * How long a group's grants are kept for the period limit: the longest period a policy may set
 * (policy.ts), so a grant is dropped only once no period can count it.
 */
export const GRANT_RETENTION_MS = 30 * 86_400_000;

/** A node in progress: the group it was granted in and when. */
export interface Progress {
  group: string;
  since: number;
}

/** What one check-in does to a node's progress. */
export interface ProgressStep {
  /** The node's progress after the step; null: not in progress. */
  after: Progress | null;
  /** The group the check-in grants in (final status granted, a target version set), else null. */
  granting: string | null;
  /** The grant takes a new place in `after.group`: counted in progress there and in its period's grants. */
  entered: boolean;
}

/** The group a check-in grants in: its final status is granted and it sets a target; '' (no group) grants in none. */
export function grantingGroup(status: InstanceStatus, target: string | undefined, group: string): string | null {
  return status === 'granted' && target !== undefined && target !== '' && group !== '' ? group : null;
}

/** The progress rule: a grant enters (or moves to) its group, an in-progress status stays, anything else leaves. */
export function progressStep(before: Progress | null, granting: string | null, status: InstanceStatus, now: number): ProgressStep {
  if (granting !== null) {
    // Granted again where it is in progress: it keeps its place and its grant time.
    if (before?.group === granting) return { after: before, granting, entered: false };
    return { after: { group: granting, since: now }, granting, entered: true };
  }
  const stays = before !== null && IN_PROGRESS_STATUSES.includes(status);
  return { after: stays ? before : null, granting, entered: false };
}

/** countedHold for a change's GrantLimits (safe mode is on when it names a completed bucket). */
export function limitHold(limits: GrantLimits, c: LimitCounts): LimitHold | null {
  return countedHold({ safeMode: limits.safeModeBucket !== null, perPeriod: limits.perPeriod, maxInProgress: limits.maxInProgress }, c);
}

/** What the store reads for a hold, inside its atomic step. */
export interface ProgressCounts {
  /** Distinct nodes whose latest grant in `group` is at a time > `since`. */
  grantedSince(group: string, since: number): number;
  inProgress(group: string): number;
  /** A counter bucket's count (0 when absent). */
  bucket(name: string): number;
}

/**
 * Whether the change's limits hold its grant: only a grant that would take a new place in the
 * limits' group is counted; anything else (no limits, no grant, a node in progress there) is null.
 */
export function grantHold(limits: GrantLimits | undefined, step: ProgressStep, now: number, read: ProgressCounts): LimitHold | null {
  if (limits === undefined || step.granting !== limits.group || !step.entered) return null;
  return limitHold(limits, {
    alreadyInProgress: false,
    grantedInPeriod: limits.perPeriod === null ? 0 : read.grantedSince(limits.group, now - limits.perPeriod.periodMs),
    inProgressInGroup: read.inProgress(limits.group),
    completedInGroup: limits.safeModeBucket === null ? 0 : read.bucket(limits.safeModeBucket),
  });
}
