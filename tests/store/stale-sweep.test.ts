// The stale sweep job (server/instances/stale.ts): every app with the cutoff now - staleAfter, in
// batches of 1000 until a shorter one comes back, at most 20 per app and run; a failing app is
// logged and the others still swept. A stub store records the calls.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { silentLogger } from '../../kernel/log.ts';
import { defineStaleJob, STALE_SWEEP_JOB, sweepStale } from '../../server/instances/stale.ts';
import type { JobHandler, JobRunner } from '../../kernel/jobs/runner.ts';

const NOW = 1_700_000_000_000;
const DAY = 86_400_000;

function stubStore(perApp: Map<string, number[]>) {
  const calls: [string, number, number][] = [];
  return {
    calls,
    listApps: async () => [...perApp.keys()].map((id) => ({ id, name: id, createdAt: 0 })),
    markStale: async (appId: string, before: number, limit: number) => {
      calls.push([appId, before, limit]);
      const left = perApp.get(appId)!;
      if (left[0] === -1) throw new Error('store down');
      return left.shift() ?? 0;
    },
  };
}

describe('stale sweep', () => {
  it('sweeps each app in batches until one comes back short, bounded per run', async () => {
    const store = stubStore(new Map([['a', [1000, 1000, 3]], ['b', Array.from({ length: 30 }, () => 1000)], ['c', [-1]], ['d', [0]]]));
    const marked = await sweepStale({ store, log: silentLogger(), now: () => NOW }, DAY);
    assert.equal(marked, 2003 + 20 * 1000);
    const per = (id: string) => store.calls.filter(([a]) => a === id);
    assert.equal(per('a').length, 3);
    assert.equal(per('b').length, 20, 'at most 20 batches per run');
    assert.equal(per('d').length, 1, 'after a failing app the others are swept');
    assert.ok(store.calls.every(([, before, limit]) => before === NOW - DAY && limit === 1000));
  });

  it('defines the job and schedules it every minute', async () => {
    const handlers = new Map<string, JobHandler>();
    const every: [string, unknown][] = [];
    const jobs = { define: (n: string, h: JobHandler) => handlers.set(n, h), every: async (n: string, s: unknown) => void every.push([n, s]) } as unknown as JobRunner;
    const store = stubStore(new Map([['a', [5]]]));
    const job = defineStaleJob(jobs, { store, log: silentLogger(), now: () => NOW }, 2 * DAY);
    await job.start();
    assert.deepStrictEqual(every, [[STALE_SWEEP_JOB, 60_000]]);
    await handlers.get(STALE_SWEEP_JOB)!({}, { name: STALE_SWEEP_JOB, attempt: 1, runId: 'r' });
    assert.deepStrictEqual(store.calls, [['a', NOW - 2 * DAY, 1000]]);
  });
});
