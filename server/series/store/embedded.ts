// The series store on the embedded SQLite file (tables in schema.ts). A snapshot is one
// transaction: its minute points, its hour points and the scopes' last sightings land together.
import type Database from 'better-sqlite3';
import { SCOPE_CAP, stepStart, type Resolution, type SeriesStore } from '../types.ts';
import { migrate } from './schema.ts';

export function createEmbeddedSeriesStore(db: Database.Database): SeriesStore {
  migrate(db);
  const knownScopes = db.prepare('SELECT scope FROM series_scopes WHERE app = ?').pluck();
  const seen = db.prepare(
    'INSERT INTO series_scopes (app, scope, last_seen) VALUES (?, ?, ?) ON CONFLICT (app, scope) DO UPDATE SET last_seen = MAX(last_seen, excluded.last_seen)',
  );
  // The snapshot taken last wins the step: an older one (a late run) never replaces a newer one.
  const put = db.prepare(
    `INSERT INTO series_points (app, res, scope, at, taken, counts) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (app, res, scope, at) DO UPDATE SET taken = excluded.taken, counts = excluded.counts WHERE excluded.taken >= series_points.taken`,
  );
  const range = db.prepare('SELECT at, counts AS text FROM series_points WHERE app = ? AND res = ? AND scope = ? AND at > ? AND at <= ? ORDER BY at');
  const dropOld = db.prepare('DELETE FROM series_points WHERE res = ? AND at < ? AND app = ?');
  const stale = db.prepare('SELECT scope FROM series_scopes WHERE app = ? AND last_seen < ?').pluck();
  const dropScopePoints = db.prepare('DELETE FROM series_points WHERE app = ? AND res = ? AND scope = ?');
  const dropScope = db.prepare('DELETE FROM series_scopes WHERE app = ? AND scope = ?');

  const write = db.transaction((appId: string, minute: number, points: ReadonlyMap<string, string>) => {
    const known = new Set(knownScopes.all(appId) as string[]);
    const hour = stepStart(minute, 'hour');
    for (const scope of new Set([...known, ...points.keys()])) {
      const text = points.get(scope) ?? '';
      if (!known.has(scope)) {
        if (text === '' || known.size >= SCOPE_CAP) continue;
        known.add(scope);
      }
      if (text !== '') seen.run(appId, scope, minute);
      put.run(appId, 'minute', scope, minute, minute, text);
      put.run(appId, 'hour', scope, hour, minute, text);
    }
  });

  const trim = db.transaction((appId: string, keepMinutesFrom: number, keepHoursFrom: number) => {
    dropOld.run('minute', keepMinutesFrom, appId);
    dropOld.run('hour', keepHoursFrom, appId);
    for (const scope of stale.all(appId, keepHoursFrom) as string[]) {
      for (const res of ['minute', 'hour'] satisfies Resolution[]) dropScopePoints.run(appId, res, scope);
      dropScope.run(appId, scope);
    }
  });

  return {
    async write(appId, minute, points) {
      write.immediate(appId, minute, points);
    },
    async read(appId, resolution, scope, after, upTo) {
      return range.all(appId, resolution, scope, after, upTo) as { at: number; text: string }[];
    },
    async trim(appId, keepMinutesFrom, keepHoursFrom) {
      trim.immediate(appId, keepMinutesFrom, keepHoursFrom);
    },
  };
}
