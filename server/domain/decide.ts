// The update decision: a pure function of the release index and what the node reported.
// track → group → channel → the version to offer (floors, pulled, downgrades: rollout/releases.ts)
// → the channel's rollout (is the node's sticky bucket in the offered percent?) → package for the
// node's arch.
import { isInStep } from './rollout/bucket.ts';
import { offeredPercent } from './rollout/plan.ts';
import { chooseOffer } from './rollout/releases.ts';
import type { Rollout } from './rollout/state.ts';
import { packageKey, type ReleaseIndex } from './release-index.ts';
import type { GrantLimits, LimitHold, PackageRecord } from './types.ts';
import { DEFAULT_POLICY, type GroupPolicy } from './rollout/policy.ts';
import { groupCounterPrefix } from './counters.ts';
import { isOpen } from '../../kernel/time/windows.ts';

export interface NodeFacts {
  track: string;
  version: string;
  arch: string;
  /** updatecheck@targetversionprefix: the node pins itself to versions starting with this. */
  targetVersionPrefix?: string | undefined;
  /**
   * The same request reports a failure (an x/0 event, e.g. 3/0 code 44 after a rollback). The error
   * wins: no new grant in the same breath, so the node shows `error` and retries on its next poll.
   */
  reportsError?: boolean;
  /** The node's sticky rollout bucket (rollout/bucket.ts); absent without a machine id: never in a partial rollout. */
  bucket?: number;
  /** Marked as a canary by an operator: in from a rollout's first step. */
  canary?: boolean;
  /**
   * The slots of the reboot group the node's track group paces by (policy maxInProgress
   * 'reboot-slots'), looked up by the caller; null: the reboot group does not exist (nothing is granted).
   */
  rebootSlots?: number | null;
}

export type NoUpdateReason =
  | 'up-to-date' // node runs the channel's version or newer
  | 'unknown-track' // the track matches no group and no channel
  | 'no-version' // the channel points at nothing (or does not exist yet)
  | 'no-package-for-arch' // the channel's version has no build for the node's arch
  | 'pinned' // the node's targetversionprefix excludes the channel's version
  | 'error-reported' // the request itself reports a failed update
  | 'pulled' // the channel's version was pulled: never offered again
  | 'rollout-percent' // the rollout has not reached the node's bucket yet
  | 'rollout-paused' // the rollout is paused by an operator
  | 'rollout-halted' // the rollout halted (failures, a pulled version) or was aborted
  | 'group-disabled' // the group's policy turns updates off
  | 'outside-window' // the group's update windows are all closed now
  | LimitHold; // the group's counted limits, decided by the store in the grant's own step

export interface Placement {
  /** '' when the track matched nothing. */
  group: string;
  channel: string;
}

export type UpdateDecision =
  /** `limits`: the grant stands only if the store finds them not binding, in the same step that records it. */
  | ({ kind: 'update'; pkg: PackageRecord; limits?: GrantLimits } & Placement)
  | ({ kind: 'noupdate'; reason: NoUpdateReason; channelVersion: string | null } & Placement);

/** Which group and channel a track lands in: an explicit group, else a channel of that name. */
export function placeTrack(index: ReleaseIndex, track: string): Placement | null {
  const group = index.groupsByTrack.get(track);
  if (group) return { group: group.id, channel: group.channel };
  if (index.channels.has(track)) return { group: track, channel: track };
  return null;
}

/** Why the channel's rollout holds this node back now, or null when it lets it through. */
export function rolloutHold(rollout: Rollout | null, target: string, node: NodeFacts, now: number): NoUpdateReason | null {
  // A rollout of another version (the channel was rolled back, or promoted without a plan) holds nothing.
  if (!rollout || rollout.version !== target) return null;
  switch (rollout.status) {
    case 'completed':
      return null;
    case 'paused':
      return 'rollout-paused';
    case 'halted':
    case 'aborted':
      return 'rollout-halted';
    case 'running': {
      const percent = offeredPercent(rollout.plan, rollout, now);
      if (node.bucket === undefined) return percent >= 100 ? null : 'rollout-percent';
      return isInStep(node.bucket, percent, node.canary === true) ? null : 'rollout-percent';
    }
  }
}

/** The counted limits of a group's policy for a grant of `version`, or undefined when it has none. */
export function grantLimitsOf(group: string, policy: GroupPolicy, version: string, rebootSlots?: number | null): GrantLimits | undefined {
  // Paced by reboot capacity: no more nodes on their way than the reboot group has slots, so none
  // waits with an installed update for a slot longer than one reboot.
  const maxInProgress = typeof policy.maxInProgress === 'number' ? policy.maxInProgress : policy.maxInProgress === 'reboot-slots' ? (rebootSlots ?? 0) : null;
  if (!policy.maxUpdatesPerPeriod && maxInProgress === null && !policy.safeMode) return undefined;
  return {
    group,
    perPeriod: policy.maxUpdatesPerPeriod,
    maxInProgress,
    safeModeBucket: policy.safeMode ? `${groupCounterPrefix(group, version)}|complete` : null,
  };
}

export function decideUpdate(index: ReleaseIndex, node: NodeFacts, now: number): UpdateDecision {
  const place = placeTrack(index, node.track);
  if (!place) return { kind: 'noupdate', reason: 'unknown-track', channelVersion: null, group: '', channel: '' };
  const channel = index.channels.get(place.channel);
  const policy = index.groupsById.get(place.group)?.policy ?? DEFAULT_POLICY;
  // A pinned group stays on its version whatever its channel says.
  const target = policy.pinVersion ?? channel?.version ?? null;
  const no = (reason: NoUpdateReason): UpdateDecision => ({ kind: 'noupdate', reason, channelVersion: target, ...place });
  if (!channel || target === null) return no('no-version');
  const offer = chooseOffer(node.version, { target, floors: channel.floors, pulled: index.pulled, allowDowngrade: channel.allowDowngrade });
  if ('none' in offer) return no(offer.none);
  if (node.targetVersionPrefix && !offer.offer.startsWith(node.targetVersionPrefix)) return no('pinned');
  if (node.reportsError) return no('error-reported');
  // The operator's settings first, then the rollout (floors lead to the target: they go at its pace
  // too), then time; the counted limits last, in the store (domain/rollout/policy.ts has the order).
  if (!policy.updatesEnabled) return no('group-disabled');
  const held = rolloutHold(channel.rollout, target, node, now);
  if (held) return no(held);
  const windows = index.windows.get(place.group);
  if (windows && !isOpen(windows, now)) return no('outside-window');
  const pkg = index.packages.get(packageKey(offer.offer, node.arch));
  if (!pkg) return no('no-package-for-arch');
  const limits = grantLimitsOf(place.group, policy, offer.offer, node.rebootSlots);
  return limits ? { kind: 'update', pkg, limits, ...place } : { kind: 'update', pkg, ...place };
}

/** The reboot group whose slots pace the node's track group, if its policy says so. */
export function pacingRebootGroup(index: ReleaseIndex, track: string): string | null {
  const place = placeTrack(index, track);
  const policy = place ? index.groupsById.get(place.group)?.policy : undefined;
  return policy?.maxInProgress === 'reboot-slots' ? policy.rebootGroup : null;
}
