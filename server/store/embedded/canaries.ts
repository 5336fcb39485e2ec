// Canaries on SQLite: one row per marked machine, changed in one durable transaction that also
// bumps the config epoch (canaries travel with the config).
import type Database from 'better-sqlite3';
import { MAX_CANARIES, type ReleaseStore } from '../types.ts';
import type { ChangeLog } from './change-log.ts';
import { durableWriter } from './durable.ts';

export function createCanaryWrites(db: Database.Database, log: ChangeLog): Pick<ReleaseStore, 'setCanary'> & { listCanaries(appId: string): string[] } {
  const durable = durableWriter(db);
  const s = {
    appExists: db.prepare<[string], number>('SELECT 1 FROM apps WHERE id = ?').pluck(),
    count: db.prepare<[string], number>('SELECT count(*) FROM canaries WHERE app_id = ?').pluck(),
    insert: db.prepare('INSERT INTO canaries (app_id, machine_id) VALUES (?, ?) ON CONFLICT DO NOTHING'),
    remove: db.prepare('DELETE FROM canaries WHERE app_id = ? AND machine_id = ?'),
    list: db.prepare<[string], string>('SELECT machine_id FROM canaries WHERE app_id = ? ORDER BY machine_id').pluck(),
    has: db.prepare<[string, string], number>('SELECT 1 FROM canaries WHERE app_id = ? AND machine_id = ?').pluck(),
  };
  return {
    listCanaries: (appId) => s.list.all(appId),
    async setCanary(appId, machineId, canary, activity) {
      return durable(() => {
        if (!s.appExists.get(appId)) return 'no-app';
        if ((s.has.get(appId, machineId) === 1) === canary) return 'unchanged';
        if (canary && s.count.get(appId)! >= MAX_CANARIES) return 'too-many';
        if (canary) s.insert.run(appId, machineId);
        else s.remove.run(appId, machineId);
        log.record(appId, [activity]);
        return 'changed';
      });
    },
  };
}
