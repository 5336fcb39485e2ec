// The coordinator's lease sweep runs as a periodic job: on the embedded store on the in-process
// runner (driven by a fake clock here), on Redis on BullMQ. Either way a lease that ran out is
// expired without anyone calling the sweep by hand.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Middleware } from 'koa';
import { createCoordinator, SWEEP_JOB, type Coordinator } from '../../coordinator/index.ts';
import { createBullmqRunner } from '../../kernel/jobs/bullmq-runner.ts';
import { createLocalRunner } from '../../kernel/jobs/local-runner.ts';
import type { JobRunner } from '../../kernel/jobs/runner.ts';
import { silentLogger } from '../../kernel/log.ts';
import { closeBackend, openMemoryBackend, openRedisBackend, type Backend } from '../../kernel/storage/backend.ts';
import { testConfig } from '../../platte/config.ts';
import { startRedis, type TestRedis } from '../helpers/redis-server.ts';
import { FakeTimers } from './fake-timers.ts';

const START = Date.UTC(2026, 0, 5, 10, 0, 0);
const config = testConfig({ unknownGroups: 'create', defaultLeaseSeconds: 60, defaultLeasePolicy: 'release' });
const allowAll = (() => ((_ctx, next) => next()) as Middleware) as never;

function coordinatorOn(backend: Backend, jobs: JobRunner, clock: { now: number }, sweepIntervalMs: number): Coordinator {
  return createCoordinator({ backend, config, log: silentLogger(), requireRole: allowAll, now: () => clock.now, jobs, sweepIntervalMs });
}

async function events(c: Coordinator, group: string): Promise<string[]> {
  const view = await c.service.view(group, 100);
  return (view?.history ?? []).map((e) => e.event);
}

describe('lease sweep on the local runner (embedded store)', () => {
  it('expires a lease that ran out at the next period, and not before', async () => {
    const clock = { now: START };
    const timers = new FakeTimers(START);
    const backend = openMemoryBackend();
    const jobs = createLocalRunner({ log: silentLogger(), timers });
    const c = coordinatorOn(backend, jobs, clock, 15_000);
    await c.start();
    await jobs.start();
    assert.equal((await c.service.preReboot('g', 'node-a')).kind, 'granted');
    clock.now += 61_000;
    assert.ok(!(await events(c, 'g')).includes('expire'), 'nothing expires it between sweeps');
    await timers.advance(15_000);
    assert.ok((await events(c, 'g')).includes('expire'), `history: ${(await events(c, 'g')).join(' ')}`);
    assert.equal((await c.service.preReboot('g', 'node-b')).kind, 'granted', 'the slot is free again');
    await jobs.close();
    await closeBackend(backend);
  });

  it('the sweep is a job the runner knows by name', async () => {
    const jobs = createLocalRunner({ log: silentLogger(), timers: new FakeTimers() });
    const backend = openMemoryBackend();
    coordinatorOn(backend, jobs, { now: START }, 1000);
    assert.throws(() => jobs.define(SWEEP_JOB, async () => {}), /already defined/);
    await jobs.close();
    await closeBackend(backend);
  });
});

describe('lease sweep on BullMQ (Redis), three processes', () => {
  let redis: TestRedis;
  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    await redis.cleanup();
  });

  it('expires a lease that ran out, with three coordinators sharing the Redis', { timeout: 30_000 }, async () => {
    const clock = { now: START };
    const procs = await Promise.all(
      [0, 1, 2].map(async () => {
        const backend = await openRedisBackend(redis.url, 'sweep');
        if (backend.kind !== 'redis') throw new Error('expected redis');
        const jobs = createBullmqRunner({ redis: backend.redis, prefix: backend.prefix, log: silentLogger() });
        const c = coordinatorOn(backend, jobs, clock, 100);
        return { backend, jobs, c };
      }),
    );
    for (const p of procs) {
      await p.c.start();
      await p.jobs.start();
    }
    const c = procs[0]!.c;
    assert.equal((await c.service.preReboot('g', 'node-a')).kind, 'granted');
    clock.now += 61_000;
    while (!(await events(c, 'g')).includes('expire')) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal((await events(c, 'g')).filter((e) => e === 'expire').length, 1);
    assert.equal((await procs[1]!.c.service.preReboot('g', 'node-b')).kind, 'granted', 'the slot is free again');
    for (const p of procs) {
      await p.jobs.close();
      await closeBackend(p.backend);
    }
  });
});
