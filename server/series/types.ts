// The time series of node statuses and rollout counts: resolutions, how long each is kept, and the
// store contract both backends implement (store/embedded.ts on SQLite, store/redis.ts on Redis).

export type Resolution = 'minute' | 'hour';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Minute points are kept two days (2,880 points), hour points 60 days (1,440 points). */
export const RETENTION_MS: Readonly<Record<Resolution, number>> = { minute: 2 * DAY_MS, hour: 60 * DAY_MS };

export const STEP_MS: Readonly<Record<Resolution, number>> = { minute: MINUTE_MS, hour: HOUR_MS };

/**
 * Scopes kept per app at most. A scope is the app, a channel, a group (unknown tracks included,
 * which nodes choose, capped by the counters at 100 at a time) or a channel's rollout counts
 * (`t/<channel>`, channels being made by release managers); a scope beyond the cap is not
 * recorded, so a churn of track names cannot grow the series without bound.
 */
export const SCOPE_CAP = 500;

/** The start of the step of `resolution` that holds `t`. */
export function stepStart(t: number, resolution: Resolution): number {
  const step = STEP_MS[resolution];
  return Math.floor(t / step) * step;
}

export interface StoredPoint {
  /** The step's start, ms since the epoch. */
  at: number;
  /** The scope's counts (points.ts encodePoint); '' when it had no node. */
  text: string;
}

export interface SeriesStore {
  /**
   * Records the snapshot taken at `minute` (a whole minute, ms): per scope its minute point, and
   * its hour point, which is the hour's latest snapshot (a snapshot older than the one that wrote
   * the hour point does not replace it). A scope recorded before and missing now gets an empty
   * point (no node), so a channel that lost its nodes reads as zeros, not as a gap. A scope never
   * recorded is only recorded when it has nodes, and only while fewer than SCOPE_CAP are.
   */
  write(appId: string, minute: number, points: ReadonlyMap<string, string>): Promise<void>;
  /** The scope's points with `after < at <= upTo`, oldest first. */
  read(appId: string, resolution: Resolution, scope: string, after: number, upTo: number): Promise<StoredPoint[]>;
  /**
   * Drops minute points before `keepMinutesFrom` and hour points before `keepHoursFrom`, and
   * forgets (with all its points) a scope that had no node since `keepHoursFrom`.
   */
  trim(appId: string, keepMinutesFrom: number, keepHoursFrom: number): Promise<void>;
}
