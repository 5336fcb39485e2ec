// Counter buckets (`<prefix>|<status>` → count) in their own table; a bucket row is deleted when its
// count reaches 0. Callers run these inside their own transaction.
import type Database from 'better-sqlite3';

export interface Counters {
  /** Moves one instance from the `before` buckets to the `after` buckets (only the difference). */
  move(appId: string, before: readonly string[], after: readonly string[]): void;
  read(appId: string): Record<string, number>;
}

export function createCounters(db: Database.Database): Counters {
  const inc = db.prepare(`INSERT INTO counters (app_id, bucket, count) VALUES (?, ?, 1)
    ON CONFLICT (app_id, bucket) DO UPDATE SET count = count + 1`);
  const dec = db.prepare('UPDATE counters SET count = count - 1 WHERE app_id = ? AND bucket = ?');
  const dropEmpty = db.prepare('DELETE FROM counters WHERE app_id = ? AND bucket = ? AND count <= 0');
  const all = db.prepare<[string], { bucket: string; count: number }>(
    'SELECT bucket, count FROM counters WHERE app_id = ? AND count > 0 ORDER BY bucket',
  );

  return {
    move(appId, before, after) {
      for (const b of before) {
        if (after.includes(b)) continue;
        dec.run(appId, b);
        dropEmpty.run(appId, b);
      }
      for (const b of after) if (!before.includes(b)) inc.run(appId, b);
    },
    read(appId) {
      const out: Record<string, number> = {};
      for (const r of all.all(appId)) out[r.bucket] = r.count;
      return out;
    },
  };
}
