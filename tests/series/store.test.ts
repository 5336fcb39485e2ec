// The series store on both backends (in-memory SQLite, a private redis-server): points written per
// minute and read by range, the hour point as the hour's last snapshot, empty points for a scope
// that lost its nodes, trimming by retention, forgetting a scope, the scope cap; on Redis, every
// key in the app's hash tag and the Lua scripts in the project's header style.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { closeBackend, openMemoryBackend, openRedisBackend, type Backend } from '../../kernel/storage/backend.ts';
import { hashTagOf } from '../../kernel/storage/redis/keys.ts';
import { keptFrom } from '../../server/series/snapshot.ts';
import { openSeriesStore } from '../../server/series/store/open.ts';
import { HOUR_MS, MINUTE_MS, SCOPE_CAP, type SeriesStore } from '../../server/series/types.ts';
import { assertLuaScriptsDocumented } from '../helpers/lua-headers.ts';
import { startRedis, type TestRedis } from '../helpers/redis-server.ts';

const APP = 'e96281a6-d1af-4bde-9a0a-97b76e56dc57';
/** A whole hour: 2026-11-25 12:00 UTC. */
const T0 = Date.UTC(2026, 10, 25, 12);
const DAY = 24 * HOUR_MS;

let redis: Promise<TestRedis> | null = null;
let prefixes = 0;
after(async () => {
  if (redis) await (await redis).cleanup();
});

async function open(kind: 'embedded' | 'redis'): Promise<{ series: SeriesStore; backend: Backend; close(): Promise<void> }> {
  let backend: Backend;
  if (kind === 'embedded') backend = openMemoryBackend();
  else {
    redis ??= startRedis();
    backend = await openRedisBackend((await redis).url, `ser${prefixes++}`);
  }
  return { series: openSeriesStore(backend), backend, close: () => closeBackend(backend) };
}

const snap = (o: Record<string, string>) => new Map(Object.entries(o));

for (const kind of ['embedded', 'redis'] as const) {
  describe(`series store (${kind})`, () => {
    it('reads the minute points of a range, oldest first, and the hour point is the last snapshot of its hour', async () => {
      const { series, close } = await open(kind);
      for (let i = 0; i < 90; i++) await series.write(APP, T0 + i * MINUTE_MS, snap({ '*': `1.0.0|u=${i}` }));
      const minutes = await series.read(APP, 'minute', '*', T0 + 9 * MINUTE_MS, T0 + 12 * MINUTE_MS);
      assert.deepEqual(minutes, [
        { at: T0 + 10 * MINUTE_MS, text: '1.0.0|u=10' },
        { at: T0 + 11 * MINUTE_MS, text: '1.0.0|u=11' },
        { at: T0 + 12 * MINUTE_MS, text: '1.0.0|u=12' },
      ]);
      const hours = await series.read(APP, 'hour', '*', T0 - 1, T0 + 2 * HOUR_MS);
      assert.deepEqual(hours, [
        { at: T0, text: '1.0.0|u=59' },
        { at: T0 + HOUR_MS, text: '1.0.0|u=89' },
      ]);
      await close();
    });

    it('keeps a step to its latest snapshot: a late older one replaces nothing, the same minute again does', async () => {
      const { series, close } = await open(kind);
      await series.write(APP, T0 + 30 * MINUTE_MS, snap({ '*': 'x|u=30' }));
      await series.write(APP, T0 + 10 * MINUTE_MS, snap({ '*': 'x|u=10' }));
      assert.deepEqual(await series.read(APP, 'hour', '*', T0 - 1, T0), [{ at: T0, text: 'x|u=30' }]);
      await series.write(APP, T0 + 30 * MINUTE_MS, snap({ '*': 'x|u=31' }));
      assert.deepEqual(await series.read(APP, 'minute', '*', T0 + 29 * MINUTE_MS, T0 + 30 * MINUTE_MS), [{ at: T0 + 30 * MINUTE_MS, text: 'x|u=31' }]);
      assert.deepEqual(await series.read(APP, 'hour', '*', T0 - 1, T0), [{ at: T0, text: 'x|u=31' }]);
      await close();
    });

    it('gives a scope that lost its nodes empty points, and records no scope that never had any', async () => {
      const { series, close } = await open(kind);
      await series.write(APP, T0, snap({ '*': 'c/beta=1', 'c/beta': '1.0.0|u=1', 'c/ghost': '' }));
      await series.write(APP, T0 + MINUTE_MS, snap({ '*': '' }));
      assert.deepEqual(await series.read(APP, 'minute', 'c/beta', T0 - 1, T0 + MINUTE_MS), [
        { at: T0, text: '1.0.0|u=1' },
        { at: T0 + MINUTE_MS, text: '' },
      ]);
      assert.deepEqual(await series.read(APP, 'minute', 'c/ghost', T0 - 1, T0 + MINUTE_MS), []);
      await close();
    });

    it('trims minute points past two days and hour points past 60 days, and forgets a scope empty that long', async () => {
      const { series, close } = await open(kind);
      const start = T0 - 61 * DAY;
      // An hourly snapshot for 61 days, then the last two days' minutes; `c/old` has nodes only at first.
      // Written 100 at a time, concurrently: a step keeps its latest snapshot whatever order they land
      // in. (All 4,345 at once can keep a loaded machine's Redis busy past the store's 3 s deadline.)
      const writeAll = async (calls: (() => Promise<void>)[]) => {
        for (let i = 0; i < calls.length; i += 100) await Promise.all(calls.slice(i, i + 100).map((c) => c()));
      };
      const hourly: (() => Promise<void>)[] = [];
      for (let t = start; t < T0; t += HOUR_MS) hourly.push(() => series.write(APP, t, snap({ '*': 'v|u=1', ...(t === start ? { 'c/old': 'v|u=1' } : {}) })));
      await writeAll(hourly);
      const minutely: (() => Promise<void>)[] = [];
      for (let t = T0 - 2 * DAY; t <= T0; t += MINUTE_MS) minutely.push(() => series.write(APP, t, snap({ '*': 'v|u=1' })));
      await writeAll(minutely);
      const keep = keptFrom(T0);
      await series.trim(APP, keep.minute, keep.hour);
      const minutes = await series.read(APP, 'minute', '*', 0, T0);
      assert.equal(minutes.length, 2 * 24 * 60, 'two days of minute points');
      assert.equal(minutes[0]!.at, T0 - 2 * DAY + MINUTE_MS);
      const hours = await series.read(APP, 'hour', '*', 0, T0);
      assert.equal(hours.length, 60 * 24, '60 days of hour points');
      assert.equal(hours[0]!.at, T0 - 60 * DAY + HOUR_MS);
      assert.deepEqual(await series.read(APP, 'hour', 'c/old', 0, T0), [], 'the scope had no node for 60 days: forgotten');
      // A forgotten scope starts afresh when nodes come back.
      await series.write(APP, T0 + MINUTE_MS, snap({ 'c/old': 'v|u=2' }));
      assert.deepEqual(await series.read(APP, 'minute', 'c/old', 0, T0 + MINUTE_MS), [{ at: T0 + MINUTE_MS, text: 'v|u=2' }]);
      await close();
    });

    it(`records at most ${SCOPE_CAP} scopes per app`, async () => {
      const { series, close } = await open(kind);
      const many = new Map<string, string>();
      for (let i = 0; i < SCOPE_CAP + 20; i++) many.set(`g/?t${String(i).padStart(4, '0')}`, 'v|u=1');
      await series.write(APP, T0, many);
      let recorded = 0;
      for (const scope of many.keys()) recorded += (await series.read(APP, 'minute', scope, T0 - 1, T0)).length;
      assert.equal(recorded, SCOPE_CAP);
      await close();
    });
  });
}

describe('series store: backend specifics', () => {
  it("runs its tables as the 'series' migration set, once", async () => {
    const backend = openMemoryBackend();
    if (backend.kind !== 'embedded') throw new Error('expected embedded');
    openSeriesStore(backend);
    openSeriesStore(backend);
    const rows = backend.db.prepare("SELECT version FROM schema_migrations WHERE component = 'series'").pluck().all();
    assert.deepEqual(rows, [1]);
    await closeBackend(backend);
  });

  it("keeps every Redis key in the app's hash tag, and its Lua scripts in the header style", async () => {
    const { series, backend, close } = await open('redis');
    if (backend.kind !== 'redis') throw new Error('expected redis');
    await series.write(APP, T0, snap({ '*': 'v|u=1', 'g/{odd}': 'v|u=1' }));
    const keys = await backend.redis.keys(`${backend.prefix}:*`);
    assert.equal(keys.length, 5, keys.join(' '));
    for (const key of keys) assert.equal(hashTagOf(key), `app:${APP}`, key);
    const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../server/series/store/lua');
    assert.deepEqual(assertLuaScriptsDocumented(dir).sort(), ['seriesPut-3.lua', 'seriesTrim-3.lua']);
    await close();
  });
});
