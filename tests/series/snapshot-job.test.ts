// The snapshot job on the in-process runner and a fake clock: each minute every app's counters
// become its points; the hour point follows the last minute of the hour; old points are trimmed
// by the same job, so the series stays bounded without any other work.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLocalRunner } from '../../kernel/jobs/local-runner.ts';
import { silentLogger } from '../../kernel/log.ts';
import { closeBackend, openMemoryBackend } from '../../kernel/storage/backend.ts';
import { defineSnapshotJob } from '../../server/series/snapshot.ts';
import { openSeriesStore } from '../../server/series/store/open.ts';
import { HOUR_MS, MINUTE_MS } from '../../server/series/types.ts';
import { FakeTimers } from '../jobs/fake-timers.ts';

const T0 = Date.UTC(2026, 10, 25, 12);

describe('series snapshot job', () => {
  it('records every app each minute, rolls the hour up to its last minute and trims past two days', async () => {
    const backend = openMemoryBackend();
    const series = openSeriesStore(backend);
    const timers = new FakeTimers(T0);
    const jobs = createLocalRunner({ log: silentLogger(), timers });
    let nodes = 0;
    const store = {
      listApps: async () => [{ id: 'app-a', name: 'A', createdAt: 0 }, { id: 'app-b', name: 'B', createdAt: 0 }],
      counters: async (appId: string): Promise<Record<string, number>> => (appId === 'app-a' ? { 'c/stable/1.0.0|up-to-date': nodes } : {}),
    };
    const job = defineSnapshotJob(jobs, { store, series, now: () => timers.now(), log: silentLogger() });
    await job.start();
    await jobs.start();
    // Three days, the fleet growing by one node a minute.
    for (let m = 0; m < 3 * 24 * 60; m++) {
      nodes = m + 1;
      await timers.advance(MINUTE_MS);
    }
    const end = timers.now();
    const minutes = await series.read('app-a', 'minute', '*', 0, end);
    assert.equal(minutes.length, 2 * 24 * 60, 'two days of minutes kept');
    assert.equal(minutes.at(-1)!.at, end);
    const hours = await series.read('app-a', 'hour', 'c/stable', 0, end);
    assert.equal(hours.length, 3 * 24 + 1);
    // At T0 + k minutes the fleet has k nodes: the hour T0+1h…T0+2h was last recorded at T0+119 min.
    assert.deepEqual(hours[1], { at: T0 + HOUR_MS, text: '1.0.0|u=119' });
    assert.deepEqual(await series.read('app-b', 'minute', '*', 0, end), [], 'an app without nodes records nothing');
    await jobs.close();
    await closeBackend(backend);
  });
});
