// Marking instances stale: the ones not stale yet whose last check is before a cutoff, oldest first,
// read from the app's watermark on along instances_by_last_check (so no sweep rescans what an
// earlier one looked at), each moved to its `<prefix>|stale` buckets by domain/apply-check-in.ts'
// markStale, and the watermark moved past them, all in one IMMEDIATE transaction. A node that
// checks in again gets a newer last check, so it is past the watermark when it next goes quiet.
import type Database from 'better-sqlite3';
import { markStale } from '../../domain/apply-check-in.ts';
import { decodeBuckets, encodeBuckets } from './codec.ts';
import { splitBuckets, storedBuckets, type Counters } from './counters.ts';

export type MarkStale = Database.Transaction<(appId: string, lastCheckBefore: number, limit: number) => number>;

interface Candidate {
  machine_id: string;
  last_check: number;
  buckets: string;
}

export function createStaleMarks(db: Database.Database, counters: Counters): MarkStale {
  const mark = db.prepare<[string], { at: number; id: string }>('SELECT stale_mark_at AS at, stale_mark_id AS id FROM apps WHERE id = ?');
  const candidates = db.prepare<[string, number, string, number, number], Candidate>(`SELECT machine_id, last_check, buckets
    FROM instances WHERE app_id = ? AND (last_check, machine_id) > (?, ?) AND last_check < ? AND stale = 0
    ORDER BY last_check, machine_id LIMIT ?`);
  const update = db.prepare('UPDATE instances SET stale = 1, buckets = ? WHERE app_id = ? AND machine_id = ?');
  const moveMark = db.prepare('UPDATE apps SET stale_mark_at = ?, stale_mark_id = ? WHERE id = ?');

  return db.transaction((appId: string, before: number, limit: number): number => {
    const from = mark.get(appId);
    if (!from || limit <= 0) return 0;
    const rows = candidates.all(appId, from.at, from.id, before, limit);
    for (const r of rows) {
      const cur = splitBuckets(decodeBuckets(r.buckets));
      const out = markStale(cur);
      update.run(encodeBuckets(storedBuckets(out.buckets, cur.talliedVersion)), appId, r.machine_id);
      counters.apply(appId, out.counters);
    }
    // A full batch may stop inside the range: resume right after its last row. Otherwise the whole
    // range before the cutoff was looked at (the mark never moves back).
    const last = rows.at(-1);
    const to = rows.length === limit && last ? { at: last.last_check, id: last.machine_id } : { at: before, id: '' };
    if (to.at > from.at || (to.at === from.at && to.id > from.id)) moveMark.run(to.at, to.id, appId);
    return rows.length;
  });
}
