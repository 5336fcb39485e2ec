// A rollout's counts in one `t/<channel>` point (points.ts), as the halt rule reads them: the point's
// keys are turned back into the channel's `t/` and `f/` buckets and read by rolloutCounts, so the
// chart and shouldHalt can never count differently. No resume baseline is taken off: a series shows
// every failure since the start. O(keys of the point).
import { dict } from '../../kernel/dict.ts';
import { TARGET_DIMENSION } from '../domain/counters.ts';
import { FAILURE_DIMENSION } from '../domain/failure-counters.ts';
import { totalFailures } from '../domain/rollout/halt.ts';
import type { FailureKind } from '../domain/rollout/types.ts';
import { rolloutCounts } from '../rollout/counts.ts';
import { FAILURE_KEY } from './points.ts';

/**
 * The failure kinds a series point names. A rollback report leaves its node in status `error`, so
 * the counters count it under `error`: rolloutCounts never has a separate rollback count.
 */
export const SERIES_FAILURE_KINDS = ['error', 'timeout', 'reverted', 'lease-expired'] as const satisfies readonly FailureKind[];

/** Any name: the point holds one channel's keys only. */
const CHANNEL = 'x';

/** The point's keys as the counter buckets they were read from. */
function bucketsOf(point: ReadonlyMap<string, number>): Record<string, number> {
  const counters = dict<number>();
  for (const [key, n] of point) {
    const bar = key.lastIndexOf('|');
    if (bar < 0) continue;
    const version = key.slice(0, bar);
    const last = key.slice(bar + 1);
    const bucket = last.startsWith(FAILURE_KEY)
      ? `${FAILURE_DIMENSION}/${CHANNEL}/${version}|${last.slice(FAILURE_KEY.length)}`
      : `${TARGET_DIMENSION}/${CHANNEL}/${version}|${last}`;
    counters[bucket] = n;
  }
  return counters;
}

/**
 * `granted` (every node granted `version` in the channel, stale ones left out as the halt rule does),
 * `failed` (what the halt rule counts) and each failure kind by name.
 */
export function rolloutCountsOf(point: ReadonlyMap<string, number>, version: string): Record<string, number> {
  const { counts } = rolloutCounts(bucketsOf(point), CHANNEL, version);
  const out = dict<number>();
  out.granted = counts.granted;
  out.failed = totalFailures(counts);
  for (const kind of SERIES_FAILURE_KINDS) out[kind] = counts.failures[kind];
  return out;
}
