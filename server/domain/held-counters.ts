// The held-back counters: why the nodes of a channel that are behind get no update. A node whose
// last update check was answered "no update" for a reason other than being up to date (a rollout
// not at its bucket yet, a paused or halted rollout, a closed update window, a group limit, a pin…)
// is counted in `h/<channel>/<reason>`, next to its other buckets, so the store moves it out when
// its next check gets an update or finds it current, and to `stale` when it is not seen (the status
// is appended as for every bucket). The reasons are decide.ts's NoUpdateReason: a closed set the
// server chooses, so the number of buckets stays bounded whatever nodes send.
import { dict } from '../../kernel/dict.ts';
import { bucketName as cleanName } from './bucket-name.ts';

/** The dimension of the held-back counters. */
export const HELD_DIMENSION = 'h';

/**
 * The held-back prefix of a node: `h/<channel>/<reason>`, or null when it is not held back or
 * follows no channel (an unknown track, already counted as such).
 */
export function heldPrefix(channel: string, held: string | undefined): string | null {
  return channel && held ? `${HELD_DIMENSION}/${cleanName(channel)}/${cleanName(held)}` : null;
}

/**
 * channel → reason → nodes held back now. Counted are the nodes in status `idle`, which is where a
 * held node goes (instance-state.ts): a failed node that is held keeps counting as failed and a
 * stale one as stale, so "held back" is a part of `idle` and a status bar can split it off exactly.
 */
export type HeldBack = Record<string, Record<string, number>>;

/** The status held-back nodes are counted in. */
const HELD_STATUS = 'idle';

/** Adds one counter bucket to `out` when it is a held-back bucket of idle nodes (`h/<channel>/<reason>|idle`). */
export function addHeldBucket(out: HeldBack, bucket: string, n: number): void {
  const bar = bucket.lastIndexOf('|');
  if (bar < 0 || bucket.slice(bar + 1) !== HELD_STATUS || !(n > 0)) return;
  const parts = bucket.slice(0, bar).split('/');
  if (parts.length !== 3 || parts[0] !== HELD_DIMENSION) return;
  const [, channel, reason] = parts as [string, string, string];
  const reasons = (out[channel] ??= dict());
  reasons[reason] = (reasons[reason] ?? 0) + n;
}

/** One channel's held-back nodes by reason, from the counters. O(buckets). */
export function heldBackOf(counters: Readonly<Record<string, number>>, channel: string): Record<string, number> {
  const out: HeldBack = dict();
  const head = `${HELD_DIMENSION}/${cleanName(channel)}/`;
  for (const [bucket, n] of Object.entries(counters)) if (bucket.startsWith(head)) addHeldBucket(out, bucket, n);
  return out[cleanName(channel)] ?? dict();
}
