// The fleet's timer heap, elastic clock and dispatcher; mixes and failure shares; reboot peaks.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assignFaults, parseFaults } from '../../client-sim/failures.ts';
import { apportion, MixError, parseMix, spread } from '../../client-sim/mix.ts';
import { parseDuration, parseRange, OptionError } from '../../client-sim/options.ts';
import { createRandom } from '../../client-sim/random.ts';
import { Scheduler } from '../../client-sim/scheduler.ts';
import { SimClock } from '../../client-sim/sim-clock.ts';
import { TimerQueue } from '../../client-sim/timer-queue.ts';
import { FleetStats } from '../../client-sim/stats.ts';

describe('TimerQueue', () => {
  it('pops in due order through random inserts, moves and deletes', () => {
    const rng = createRandom(42);
    const q = new TimerQueue(500);
    const due = new Map<number, number>();
    for (let step = 0; step < 5000; step++) {
      const i = rng.int(0, 499);
      const r = rng.float();
      if (r < 0.6) {
        const t = rng.int(0, 1e6);
        q.set(i, t);
        due.set(i, t);
      } else if (r < 0.7) {
        q.delete(i);
        due.delete(i);
      } else if (r < 0.8) {
        q.set(i, Infinity);
        due.delete(i);
      } else if (due.size > 0) {
        const min = Math.min(...due.values());
        assert.equal(q.peekDue(), min);
        const popped = q.pop();
        assert.equal(due.get(popped), min);
        due.delete(popped);
      }
      assert.equal(q.size, due.size);
    }
    let last = -Infinity;
    while (q.size) {
      const d = q.peekDue();
      assert.ok(d >= last);
      last = d;
      const i = q.pop();
      assert.equal(q.has(i), false);
    }
    assert.equal(q.pop(), -1);
    assert.equal(q.peekDue(), Infinity);
  });
});

describe('SimClock', () => {
  it('runs speed times faster than real time, never past its limit, never backwards', () => {
    let real = 0;
    const c = new SimClock(1000, 0, () => real);
    real += 20;
    const t1 = c.now();
    assert.equal(t1, 20_000);
    c.limit(t1 + 100);
    real += 20;
    assert.equal(c.now(), t1 + 100);
    c.limit(0);
    assert.equal(c.now(), t1 + 100, 'a lower limit does not move the clock back');
    c.limit(Infinity);
    real += 10;
    assert.equal(c.now(), t1 + 100 + 10_000);
    c.setSpeed(1);
    const t2 = c.now();
    real += 20;
    assert.equal(c.now() - t2, 20);
  });
});

describe('Scheduler', () => {
  it('runs items in due order, never more than `concurrency` at once', async () => {
    const clock = new SimClock(10_000, 0);
    const ran: number[] = [];
    let inFlight = 0;
    let peak = 0;
    const sched = new Scheduler({
      clock,
      capacity: 200,
      concurrency: 5,
      run: (i) => {
        ran.push(i);
        if (i % 2 === 0) return null;
        inFlight++;
        peak = Math.max(peak, inFlight);
        return new Promise<void>((resolve) =>
          setTimeout(() => {
            inFlight--;
            resolve();
          }, 2),
        );
      },
    });
    const dues = Array.from({ length: 200 }, (_, i) => (i * 7919) % 200);
    dues.forEach((d, i) => sched.schedule(i, d * 100));
    sched.start();
    await new Promise((r) => setTimeout(r, 50));
    await sched.idle();
    sched.stop();
    assert.equal(ran.length, 200);
    assert.ok(peak <= 5, `peak ${peak}`);
    const dueOfRun = ran.map((i) => dues[i]!);
    // Synchronous items run the moment they are due; asynchronous ones wait for a free slot, so the
    // order is by due time except where the concurrency bound delayed an item.
    assert.deepEqual(
      dueOfRun.filter((_, k) => ran[k]! % 2 === 0),
      [...dueOfRun.filter((_, k) => ran[k]! % 2 === 0)].sort((a, b) => a - b),
    );
  });

  it('limits requests started per second (on injected real time)', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout', 'setImmediate'] });
    let real = 0;
    const realNow = () => real;
    const clock = new SimClock(1, 0, realNow);
    let started = 0;
    const sched = new Scheduler({ clock, realNow, capacity: 1000, concurrency: 1000, ratePerSecond: 200, run: () => (started++, Promise.resolve()) });
    for (let i = 0; i < 1000; i++) sched.schedule(i, 0);
    sched.start();
    // One simulated second in 1 ms steps: the burst (200 / 20 = 10) plus 200 per second.
    for (let ms = 0; ms < 1000; ms++) {
      real++;
      t.mock.timers.tick(1);
      await Promise.resolve();
    }
    sched.stop();
    assert.ok(started >= 205 && started <= 211, `${started} started in one second at 200/s`);
  });
});

describe('mixes and failure shares', () => {
  it('parses value[:weight] lists and refuses bad ones', () => {
    assert.deepEqual(parseMix('3510.2.0', 'v'), [{ value: '3510.2.0', weight: 1 }]);
    assert.deepEqual(parseMix('a:70, b:30', 'v'), [
      { value: 'a', weight: 70 },
      { value: 'b', weight: 30 },
    ]);
    assert.throws(() => parseMix('a:x', 'v'), MixError);
    assert.throws(() => parseMix('a,,b', 'v'), MixError);
    assert.throws(() => parseMix('a:0', 'v'), /all weights are 0/);
    assert.throws(() => parseMix('a,a', 'v'), /twice/);
    assert.throws(() => parseMix('c', 'v', { allowed: ['a', 'b'] }), /not one of a, b/);
  });

  it('spreads a mix in exact proportions, reproducibly', () => {
    assert.deepEqual(apportion([70, 30], 1000), [700, 300]);
    assert.deepEqual(apportion([1, 1, 1], 10), [4, 3, 3]);
    const a = spread(parseMix('x:70,y:30', 'v'), 100, createRandom(1));
    const b = spread(parseMix('x:70,y:30', 'v'), 100, createRandom(1));
    assert.deepEqual(a, b);
    assert.equal(a.filter((v) => v === 'x').length, 70);
  });

  it('assigns each fault to its share of the fleet, at most one per node', () => {
    const shares = parseFaults('download:2,no-return:0.5,network:10');
    const faults = assignFaults(shares, 1000, createRandom(9));
    assert.equal(faults.length, 1000);
    assert.equal(faults.filter((f) => f === 'download').length, 20);
    assert.equal(faults.filter((f) => f === 'no-return').length, 5);
    assert.equal(faults.filter((f) => f === 'network').length, 100);
    assert.equal(faults.filter((f) => f === null).length, 875);
    assert.throws(() => parseFaults('download:60,install:50'), /more than 100 %/);
    assert.throws(() => parseFaults('meteor:1'), /not one of/);
    assert.deepEqual(parseFaults(''), []);
  });

  it('durations and ranges', () => {
    assert.equal(parseDuration('90', 'd'), 90);
    assert.equal(parseDuration('45m', 'd'), 2700);
    assert.equal(parseDuration('1d12h', 'd'), 129600);
    assert.throws(() => parseDuration('soon', '--duration'), OptionError);
    assert.deepEqual(parseRange('30s-2m', 'r'), [30, 120]);
    assert.throws(() => parseRange('2m-30s', 'r'), /upper end/);
  });
});

describe('reboot peaks', () => {
  it('counts overlapping intervals per group; an end and a start at the same instant do not overlap', () => {
    const s = new FleetStats(0, 0);
    s.rebootStarted('a', 0);
    s.rebootStarted('a', 10);
    s.rebootEnded('a', 20);
    s.rebootStarted('a', 20);
    s.rebootEnded('a', 30);
    s.rebootEnded('a', 40);
    s.rebootStarted('b', 5); // never ends (lost node)
    assert.deepEqual(s.maxConcurrentReboots(), { a: 2, b: 1 });
    assert.equal(s.rebootingTotal, 1);
  });
});
