// The in-process runner (embedded store): periodic and one-off jobs, retries with exponential
// backoff, and close(), all on a fake clock.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLocalRunner } from '../../kernel/jobs/local-runner.ts';
import type { JobContext, JobData } from '../../kernel/jobs/runner.ts';
import { captureLog } from './capture-log.ts';
import { FakeTimers, settle } from './fake-timers.ts';

function setup(start = 0) {
  const timers = new FakeTimers(start);
  const { log, lines } = captureLog();
  const runner = createLocalRunner({ log, timers });
  return { timers, runner, lines };
}

/** A promise the test resolves by hand: a job that is still running. */
function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('local job runner: periodic jobs', () => {
  it('runs at start and then once per period', async () => {
    const { timers, runner } = setup();
    const runs: Array<{ at: number; ctx: JobContext; data: JobData }> = [];
    runner.define('tick', async (data, ctx) => void runs.push({ at: timers.now(), ctx, data }));
    await runner.every('tick', 1000, { n: 1 });
    await timers.advance(5000);
    assert.equal(runs.length, 0, 'nothing runs before start()');
    await runner.start();
    await timers.advance(3500);
    assert.deepEqual(runs.map((r) => r.at), [5000, 6000, 7000, 8000]);
    assert.equal(new Set(runs.map((r) => r.ctx.runId)).size, 4, 'one run id per period');
    assert.deepEqual(runs[0]!.data, { n: 1 });
    assert.ok(runs.every((r) => r.ctx.attempt === 1 && r.ctx.name === 'tick'));
    await runner.close();
  });

  it('skips a period whose previous run is still going, and keeps to the schedule after', async () => {
    const { timers, runner } = setup();
    const slow = deferred();
    const starts: number[] = [];
    runner.define('slow', async () => {
      starts.push(timers.now());
      if (starts.length === 1) await slow.promise;
    });
    await runner.every('slow', 100);
    await runner.start();
    await timers.advance(350);
    assert.deepEqual(starts, [0], 'the runs due at 100, 200, 300 found the first one still going');
    slow.resolve();
    await timers.advance(100);
    assert.deepEqual(starts, [0, 400]);
    await runner.close();
  });

  it('a failing run is logged and the next period runs anyway', async () => {
    const { timers, runner, lines } = setup();
    let runs = 0;
    runner.define('flaky', async () => {
      runs++;
      throw new Error('boom');
    });
    await runner.every('flaky', 100);
    await runner.start();
    await timers.advance(250);
    assert.equal(runs, 3);
    assert.equal(lines.filter((l) => l.msg === 'background job failed' && l.job === 'flaky').length, 3);
    await runner.close();
  });

  it('a cron pattern runs at its moments', async () => {
    const start = Date.UTC(2026, 0, 1, 0, 0, 2);
    const { timers, runner } = setup(start);
    const at: number[] = [];
    runner.define('cron', async () => void at.push(timers.now() - Date.UTC(2026, 0, 1)));
    await runner.every('cron', '*/10 * * * * *');
    await runner.start();
    await timers.advance(35_000);
    assert.deepEqual(at, [10_000, 20_000, 30_000]);
    await runner.close();
  });

  it('every() again replaces the schedule instead of adding a second one', async () => {
    const { timers, runner } = setup();
    const at: number[] = [];
    runner.define('tick', async () => void at.push(timers.now()));
    await runner.every('tick', 1000);
    await runner.start();
    await runner.every('tick', 300);
    await timers.advance(700);
    assert.deepEqual(at, [0, 300, 600]);
    await runner.close();
  });
});

describe('local job runner: one-off jobs', () => {
  it('retries a failing job with exponential backoff, same run id, attempt counted', async () => {
    const { timers, runner, lines } = setup();
    const tries: Array<{ at: number; attempt: number; runId: string }> = [];
    runner.define('deliver', async (_data, ctx) => {
      tries.push({ at: timers.now(), attempt: ctx.attempt, runId: ctx.runId });
      if (ctx.attempt < 4) throw new Error(`refused ${ctx.attempt}`);
    });
    await runner.start();
    await runner.enqueue('deliver', { url: 'x' }, { attempts: 5, backoff: 100 });
    await timers.advance(10_000);
    assert.deepEqual(tries.map((t) => t.at), [0, 100, 300, 700], 'waits 100, 200, 400 ms');
    assert.deepEqual(tries.map((t) => t.attempt), [1, 2, 3, 4]);
    assert.equal(new Set(tries.map((t) => t.runId)).size, 1);
    assert.equal(lines.filter((l) => l.msg === 'background job failed; will retry').length, 3);
    assert.equal(lines.filter((l) => l.msg === 'background job failed').length, 0);
    await runner.close();
  });

  it('gives up after the last attempt and says so', async () => {
    const { timers, runner, lines } = setup();
    let tries = 0;
    runner.define('deliver', async () => {
      tries++;
      throw new Error('down');
    });
    await runner.start();
    await runner.enqueue('deliver', {}, { attempts: 3, backoff: 50 });
    await timers.advance(60_000);
    assert.equal(tries, 3);
    assert.equal(lines.filter((l) => l.msg === 'background job failed' && l.attempt === 3).length, 1);
    assert.equal(timers.armed, 0, 'nothing left scheduled');
    await runner.close();
  });

  it('without options a job runs once, and a synchronous throw counts as a failure', async () => {
    const { timers, runner, lines } = setup();
    let tries = 0;
    runner.define('once', (() => {
      tries++;
      throw new Error('sync');
    }) as never);
    await runner.start();
    await runner.enqueue('once', {});
    await timers.advance(60_000);
    assert.equal(tries, 1);
    assert.equal(lines.filter((l) => l.msg === 'background job failed').length, 1);
    await runner.close();
  });

  it('data goes through JSON, as on BullMQ: a copy taken at enqueue', async () => {
    const { timers, runner } = setup();
    const seen: JobData[] = [];
    runner.define('copy', async (data) => void seen.push(data));
    await runner.start();
    const data = { when: new Date(0), list: [1] };
    await runner.enqueue('copy', data);
    data.list.push(2);
    await timers.advance(1);
    assert.deepEqual(seen, [{ when: '1970-01-01T00:00:00.000Z', list: [1] }]);
    await runner.close();
  });
});

describe('local job runner: mistakes fail where they are made', () => {
  it('refuses undefined jobs, bad schedules and options, late definitions, enqueue before start', async () => {
    const { runner } = setup();
    runner.define('ok', async () => {});
    assert.throws(() => runner.define('ok', async () => {}), /already defined/);
    assert.throws(() => runner.define('Bad Name', async () => {}), /job name/);
    await assert.rejects(runner.every('nope', 1000), /not defined/);
    await assert.rejects(runner.every('ok', 0), /positive whole number/);
    await assert.rejects(runner.every('ok', 'not a cron'), /cron pattern/);
    await assert.rejects(runner.enqueue('ok', {}), /not started/);
    await runner.start();
    await assert.rejects(runner.enqueue('ok', {}, { attempts: 0 }), /attempts/);
    await assert.rejects(runner.enqueue('ok', {}, { backoff: -1 }), /backoff/);
    assert.throws(() => runner.define('late', async () => {}), /before the runner starts/);
    await runner.close();
  });
});

describe('local job runner: close()', () => {
  it('waits for running jobs, then nothing runs again: no period, no pending retry, no new job', async () => {
    const { timers, runner } = setup();
    const running = deferred();
    let ticks = 0;
    let retries = 0;
    let finished = false;
    runner.define('tick', async () => void ticks++);
    runner.define('long', async () => {
      await running.promise;
      finished = true;
    });
    runner.define('retry', async () => {
      retries++;
      throw new Error('again');
    });
    await runner.every('tick', 100);
    await runner.start();
    await runner.enqueue('long', {});
    await runner.enqueue('retry', {}, { attempts: 5, backoff: 1000 });
    await timers.advance(50);
    assert.equal(ticks, 1);
    assert.equal(retries, 1);
    let closed = false;
    const closing = runner.close().then(() => (closed = true));
    await settle();
    assert.equal(closed, false, 'close() waits for the running job');
    running.resolve();
    await closing;
    assert.equal(finished, true);
    assert.equal(timers.armed, 0, 'no timer left behind');
    await timers.advance(60_000);
    assert.equal(ticks, 1);
    assert.equal(retries, 1);
    await assert.rejects(runner.enqueue('tick', {}), /closed/);
    await assert.rejects(runner.every('tick', 100), /closed/);
    await assert.rejects(runner.start(), /closed/);
    await runner.close();
  });
});
