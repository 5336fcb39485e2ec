// Counter buckets (`<prefix>|<status>` → count) in their own table; a bucket row is deleted when its
// count reaches 0. Next to them, rows without `|` tally for the caps of domain/counters.ts:
// `u/?<track>` the instances counted under each unknown track but the overflow one, `v/<version>`
// the instances tallied under each unknown version. An instance's row lists `v/<version>` after its
// buckets while it is tallied under that version (storedBuckets). Which rows move is decided by
// domain/apply-check-in.ts; callers run these inside their own transaction. Failure counters
// (`f/…|<kind>`) are buckets too, but only ever go up (bump).
import type Database from 'better-sqlite3';
import type { CounterMove } from '../../domain/apply-check-in.ts';
import type { Tally, TrackTally } from '../../domain/counters.ts';

export interface Counters {
  /** Carries out one instance's decided move between buckets and tallies. */
  apply(appId: string, move: CounterMove): void;
  /** Adds one to a bucket no instance is counted in (a failure counter, domain/counters.ts). */
  bump(appId: string, bucket: string): void;
  read(appId: string): Record<string, number>;
  /** The app's unknown-track tally, read now (inside the caller's transaction). */
  tally(appId: string): TrackTally;
  /** The app's unknown-version tally, read now (inside the caller's transaction). */
  versionTally(appId: string): Tally;
}

const tallyRow = (track: string) => `u/${track}`;

/** The entry an instance's buckets carry while it is tallied under the unknown `version`. */
export const versionRow = (version: string) => `v/${version}`;

/** The instance row's `buckets` column split into its buckets and the unknown version it is tallied under. */
export function splitBuckets(stored: readonly string[]): { buckets: string[]; talliedVersion: string | null } {
  const buckets: string[] = [];
  let talliedVersion: string | null = null;
  for (const b of stored) {
    if (b.startsWith('v/') && !b.includes('|')) talliedVersion = b.slice(2);
    else buckets.push(b);
  }
  return { buckets, talliedVersion };
}

/** The instance row's `buckets` column: its buckets, then its tally entry. */
export function storedBuckets(buckets: readonly string[], talliedVersion: string | null): string[] {
  return talliedVersion === null ? [...buckets] : [...buckets, versionRow(talliedVersion)];
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
    apply(appId, move) {
      for (const b of move.leave) down(appId, b);
      for (const b of move.join) inc.run(appId, b);
      if (move.tracks.leave !== null) down(appId, tallyRow(move.tracks.leave));
      if (move.tracks.join !== null) inc.run(appId, tallyRow(move.tracks.join));
      if (move.versions.leave !== null) down(appId, versionRow(move.versions.leave));
      if (move.versions.join !== null) inc.run(appId, versionRow(move.versions.join));
    },
    bump(appId, bucket) {
      inc.run(appId, bucket);
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
