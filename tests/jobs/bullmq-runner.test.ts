// The BullMQ runner against a private redis-server: one-off jobs with retries, a periodic job that
// three runners (three processes' worth of Queue, Worker and connections) run once per period,
// separate deployments on one Redis, and close() leaving no connection behind.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { bullmqPrefix, createBullmqRunner } from '../../kernel/jobs/bullmq-runner.ts';
import type { JobContext, JobRunner } from '../../kernel/jobs/runner.ts';
import { silentLogger } from '../../kernel/log.ts';
import { startRedis, type TestRedis } from '../helpers/redis-server.ts';

let redis: TestRedis;
/** The test's own client: a backend client to copy settings from, and a window on the keys. */
let admin: Redis;
let prefixSeq = 0;

before(async () => {
  redis = await startRedis();
  admin = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: false, enableAutoPipelining: true });
  await admin.connect();
});
after(async () => {
  await admin.quit();
  await redis.cleanup();
});

function runner(prefix: string): JobRunner {
  return createBullmqRunner({ redis: admin, prefix, log: silentLogger() });
}

/** Resolves when `check` holds, polling; the test's own timeout bounds the wait. */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('BullMQ job runner', () => {
  it('keys live under <prefix>:{jobs}:bullmq, one hash tag', () => {
    assert.equal(bullmqPrefix('platte'), 'platte:{jobs}:bullmq');
    assert.throws(() => bullmqPrefix('a{b'), /prefix/);
  });

  it('a one-off job is retried with exponential backoff until it succeeds, and runs once', { timeout: 20_000 }, async () => {
    const prefix = `once${prefixSeq++}`;
    const r = runner(prefix);
    const tries: Array<{ at: number; ctx: JobContext; data: unknown }> = [];
    r.define('deliver', async (data, ctx) => {
      tries.push({ at: Date.now(), ctx, data });
      if (ctx.attempt < 3) throw new Error(`refused ${ctx.attempt}`);
    });
    await r.start();
    await r.enqueue('deliver', { url: 'https://example.test/hook' }, { attempts: 5, backoff: 100 });
    await until(() => tries.length === 3);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(tries.length, 3, 'no run after the one that succeeded');
    assert.deepEqual(tries.map((t) => t.ctx.attempt), [1, 2, 3]);
    assert.equal(new Set(tries.map((t) => t.ctx.runId)).size, 1, 'retries are the same job');
    assert.deepEqual(tries[0]!.data, { url: 'https://example.test/hook' });
    // Backoff 100 then 200 ms: lower bounds only, BullMQ may wait longer.
    assert.ok(tries[1]!.at - tries[0]!.at >= 95, `first retry after ${tries[1]!.at - tries[0]!.at} ms`);
    assert.ok(tries[2]!.at - tries[1]!.at >= 195, `second retry after ${tries[2]!.at - tries[1]!.at} ms`);
    await r.close();
    const keys = await admin.keys(`${prefix}*`);
    assert.ok(keys.length > 0 && keys.every((k) => k.startsWith(`${prefix}:{jobs}:bullmq:`)), keys.join(' '));
  });

  it('a periodic job on three runners runs once per period across them', { timeout: 20_000 }, async () => {
    const prefix = `every${prefixSeq++}`;
    const runs: Array<{ runner: number; runId: string }> = [];
    const runners = [0, 1, 2].map((i) => {
      const r = runner(prefix);
      r.define('sweep', async (_data, ctx) => void runs.push({ runner: i, runId: ctx.runId }));
      return r;
    });
    const PERIOD = 200;
    const started = Date.now();
    // Each process registers the schedule on start, as createPlatte does.
    for (const r of runners) {
      await r.every('sweep', PERIOD);
      await r.start();
    }
    await until(() => runs.length >= 6);
    await Promise.all(runners.map((r) => r.close()));
    const elapsed = Date.now() - started;
    const ids = runs.map((r) => r.runId);
    assert.equal(new Set(ids).size, ids.length, `a period ran twice: ${ids.join(' ')}`);
    // Three schedules side by side would run about three times per period.
    assert.ok(runs.length <= Math.ceil(elapsed / PERIOD) + 2, `${runs.length} runs in ${elapsed} ms`);
    // The ids name the period: they are PERIOD apart.
    const periods = ids.map((id) => Number(id.split(':').at(-1))).sort((a, b) => a - b);
    for (let i = 1; i < periods.length; i++) assert.ok(periods[i]! - periods[i - 1]! >= PERIOD, `periods ${periods.join(' ')}`);
  });

  it('two deployments on one Redis (two prefixes) never run each other\'s jobs', { timeout: 20_000 }, async () => {
    const seen: string[] = [];
    const a = runner(`dep-a${prefixSeq}`);
    const b = runner(`dep-b${prefixSeq++}`);
    a.define('ping', async (data) => void seen.push(`a:${String(data.to)}`));
    b.define('ping', async (data) => void seen.push(`b:${String(data.to)}`));
    await a.start();
    await b.start();
    await a.enqueue('ping', { to: 'a' });
    await b.enqueue('ping', { to: 'b' });
    await until(() => seen.length === 2);
    assert.deepEqual(seen.sort(), ['a:a', 'b:b']);
    await a.close();
    await b.close();
  });

  it('close() leaves no connection open, started or not', { timeout: 20_000 }, async () => {
    const clients = async () => String(await admin.client('LIST')).trim().split('\n').length;
    const baseline = await clients();
    const started = runner(`close${prefixSeq++}`);
    started.define('tick', async () => {});
    await started.every('tick', 100);
    await started.start();
    assert.ok((await clients()) > baseline, 'the runner has connections of its own');
    await started.close();
    const idle = runner(`close${prefixSeq++}`);
    await idle.close();
    let now = await clients();
    for (let i = 0; i < 50 && now !== baseline; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      now = await clients();
    }
    assert.equal(now, baseline);
    await assert.rejects(started.enqueue('tick', {}), /closed/);
  });

  it('close() finishes while Redis is down, instead of waiting for it', { timeout: 20_000 }, async () => {
    const own = await startRedis();
    const client = new Redis(own.url, { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: false });
    await client.connect();
    const r = createBullmqRunner({ redis: client, prefix: 'down', log: silentLogger() });
    r.define('tick', async () => {});
    await r.every('tick', 100);
    await r.start();
    await own.kill();
    await r.close();
    client.disconnect();
    await own.cleanup();
  });
});
