// Counter buckets (`<prefix>|<status>` → count) in their own table; a bucket row is deleted when its
// count reaches 0. Next to them, rows without `|` tally for the caps of domain/counters.ts:
// `u/?<track>` the instances counted under each unknown track but the overflow one, `v/<version>`
// the instances tallied under each unknown version. An instance's row lists `v/<version>` among its
// buckets while it is tallied under that version, so move() counts it like a bucket. Callers run
// these inside their own transaction.
import type Database from 'better-sqlite3';
import { OVERFLOW_TRACK, unknownTrackOf, type Tally, type TrackTally } from '../../domain/counters.ts';

export interface Counters {
  /** Moves one instance from the `before` buckets to the `after` buckets (only the difference) and in the tally. */
  move(appId: string, before: readonly string[], after: readonly string[]): void;
  read(appId: string): Record<string, number>;
  /** The app's unknown-track tally, read now (inside the caller's transaction). */
  tally(appId: string): TrackTally;
  /** The app's unknown-version tally, read now (inside the caller's transaction). */
  versionTally(appId: string): Tally;
}

const tallyRow = (track: string) => `u/${track}`;

/** The entry an instance's buckets carry while it is tallied under the unknown `version`. */
export const versionRow = (version: string) => `v/${version}`;

/** The unknown version an instance with these buckets is tallied under, or null. */
export function talliedVersionOf(buckets: readonly string[]): string | null {
  const row = buckets.find((b) => b.startsWith('v/') && !b.includes('|'));
  return row === undefined ? null : row.slice(2);
}

export function createCounters(db: Database.Database): Counters {
  const inc = db.prepare(`INSERT INTO counters (app_id, bucket, count) VALUES (?, ?, 1)
    ON CONFLICT (app_id, bucket) DO UPDATE SET count = count + 1`);
  const dec = db.prepare('UPDATE counters SET count = count - 1 WHERE app_id = ? AND bucket = ?');
  const dropEmpty = db.prepare('DELETE FROM counters WHERE app_id = ? AND bucket = ? AND count <= 0');
  const all = db.prepare<[string], { bucket: string; count: number }>(
    `SELECT bucket, count FROM counters WHERE app_id = ? AND count > 0 AND instr(bucket, '|') > 0 ORDER BY bucket`,
  );
  const has = db.prepare<[string, string], number>('SELECT 1 FROM counters WHERE app_id = ? AND bucket = ?').pluck();
  // Tally rows sort between 'u/' and 'u0' ('0' follows '/'): a range of at most cap rows.
  const tracks = db
    .prepare<[string], number>(`SELECT COUNT(*) FROM counters WHERE app_id = ? AND bucket >= 'u/' AND bucket < 'u0'
      AND instr(bucket, '|') = 0`)
    .pluck();
  // Likewise between 'v/' and 'v0': at most the unknown-version cap.
  const versions = db
    .prepare<[string], number>(`SELECT COUNT(*) FROM counters WHERE app_id = ? AND bucket >= 'v/' AND bucket < 'v0'
      AND instr(bucket, '|') = 0`)
    .pluck();

  const down = (appId: string, row: string) => {
    dec.run(appId, row);
    dropEmpty.run(appId, row);
  };

  return {
    move(appId, before, after) {
      for (const b of before) if (!after.includes(b)) down(appId, b);
      for (const b of after) if (!before.includes(b)) inc.run(appId, b);
      const was = unknownTrackOf(before);
      const now = unknownTrackOf(after);
      if (was === now) return;
      if (was !== null) down(appId, tallyRow(was)); // no row (the overflow track): nothing happens
      if (now !== null && now !== OVERFLOW_TRACK) inc.run(appId, tallyRow(now));
    },
    read(appId) {
      return Object.fromEntries(all.all(appId).map((r) => [r.bucket, r.count]));
    },
    tally(appId) {
      return { has: (track) => has.get(appId, tallyRow(track)) !== undefined, count: () => tracks.get(appId) ?? 0 };
    },
    versionTally(appId) {
      return { has: (v) => has.get(appId, versionRow(v)) !== undefined, count: () => versions.get(appId) ?? 0 };
    },
  };
}
