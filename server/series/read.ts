// Reads a series answer: one scope's points in the range, each folded to the query's counts.
// The cost is the range's point count times the scope's keys (versions, statuses, channels,
// groups), never the number of nodes.
import { decodePoint } from './points.ts';
import { countsFor, scopeOf, SERIES_RANGES, type SeriesQuery } from './query.ts';
import type { Resolution, SeriesStore } from './types.ts';

export interface SeriesAnswer {
  resolution: Resolution;
  /** The range asked for: points have `from < at <= to` (ms since the epoch). */
  from: number;
  to: number;
  /** Oldest first; a step the snapshot job did not record (Platte down) has no point. */
  points: { at: number; counts: Record<string, number> }[];
}

export async function readSeries(series: SeriesStore, appId: string, q: SeriesQuery, now: number): Promise<SeriesAnswer> {
  const range = SERIES_RANGES.get(q.range);
  if (!range) throw new Error(`series: unknown range ${q.range}`);
  const from = now - range.span;
  const stored = await series.read(appId, range.resolution, scopeOf(q), from, now);
  return { resolution: range.resolution, from, to: now, points: stored.map((p) => ({ at: p.at, counts: countsFor(q, decodePoint(p.text)) })) };
}
