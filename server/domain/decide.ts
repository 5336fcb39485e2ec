// The update decision: a pure function of the release index and what the node reported.
// track → group → channel → version → package for the node's arch.
import { compareVersions } from './version.ts';
import { packageKey, type ReleaseIndex } from './release-index.ts';
import type { PackageRecord } from './types.ts';

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
}

export type NoUpdateReason =
  | 'up-to-date' // node runs the channel's version or newer
  | 'unknown-track' // the track matches no group and no channel
  | 'no-version' // the channel points at nothing (or does not exist yet)
  | 'no-package-for-arch' // the channel's version has no build for the node's arch
  | 'pinned' // the node's targetversionprefix excludes the channel's version
  | 'error-reported'; // the request itself reports a failed update

export interface Placement {
  /** '' when the track matched nothing. */
  group: string;
  channel: string;
}

export type UpdateDecision =
  | ({ kind: 'update'; pkg: PackageRecord } & Placement)
  | ({ kind: 'noupdate'; reason: NoUpdateReason; channelVersion: string | null } & Placement);

/** Which group and channel a track lands in: an explicit group, else a channel of that name. */
export function placeTrack(index: ReleaseIndex, track: string): Placement | null {
  const group = index.groupsByTrack.get(track);
  if (group) return { group: group.id, channel: group.channel };
  if (index.channels.has(track)) return { group: track, channel: track };
  return null;
}

export function decideUpdate(index: ReleaseIndex, node: NodeFacts): UpdateDecision {
  const place = placeTrack(index, node.track);
  if (!place) return { kind: 'noupdate', reason: 'unknown-track', channelVersion: null, group: '', channel: '' };
  const target = index.channels.get(place.channel)?.version ?? null;
  const no = (reason: NoUpdateReason): UpdateDecision => ({ kind: 'noupdate', reason, channelVersion: target, ...place });
  if (target === null) return no('no-version');
  if (compareVersions(node.version, target) >= 0) return no('up-to-date');
  if (node.targetVersionPrefix && !target.startsWith(node.targetVersionPrefix)) return no('pinned');
  if (node.reportsError) return no('error-reported');
  const pkg = index.packages.get(packageKey(target, node.arch));
  if (!pkg) return no('no-package-for-arch');
  return { kind: 'update', pkg, ...place };
}
