// update_engine's check timing: first check 7 ± 5 min after boot, then 45 ± 5 min; 500/503 double
// the interval up to 4 h; a server PollInterval is used (clamped to 45 min … 4 h, fuzzed ± half).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NodeAction } from '../../client-sim/node-types.ts';
import { nextCheckInterval } from '../../client-sim/timing.ts';
import { Driver, EVENT_ACK, makeNode, noUpdateAnswer, type Sent } from './fixtures/drive.ts';

const isCheck = (s: Sent) => s.action.kind === 'omaha' && s.action.body.kind === 'check';

/** Times (seconds) of the first `n` checks of a node answered by `answer`. */
function checkTimes(seed: number, n: number, answer: (k: number) => ReturnType<typeof noUpdateAnswer>): number[] {
  let k = 0;
  const d = new Driver(makeNode(), (a: NodeAction) => (a.kind === 'omaha' && a.body.kind === 'check' ? answer(k++) : EVENT_ACK), { seed });
  d.runUntil((x) => x.sent.filter(isCheck).length >= n);
  return d.sent.filter(isCheck).map((s) => s.t);
}

function gaps(times: number[]): number[] {
  return times.slice(1).map((t, i) => t - times[i]!);
}

describe('check intervals (pure rules)', () => {
  it('regular: 45 min with a 10 min fuzz range', () => {
    assert.deepEqual(nextCheckInterval({ lastInterval: 2700, pollInterval: 0, httpStatus: 200 }), { interval: 2700, fuzz: 600 });
  });
  it('500/503 double the last interval, fuzzed by ± half, capped at 4 h', () => {
    assert.deepEqual(nextCheckInterval({ lastInterval: 2700, pollInterval: 0, httpStatus: 503 }), { interval: 5400, fuzz: 5400 });
    assert.deepEqual(nextCheckInterval({ lastInterval: 5400, pollInterval: 0, httpStatus: 500 }), { interval: 10800, fuzz: 10800 });
    assert.deepEqual(nextCheckInterval({ lastInterval: 10800, pollInterval: 0, httpStatus: 500 }), { interval: 14400, fuzz: 14400 });
    // The initial 7 min doubled is still below 45 min: the regular interval applies.
    assert.deepEqual(nextCheckInterval({ lastInterval: 420, pollInterval: 0, httpStatus: 503 }), { interval: 2700, fuzz: 600 });
  });
  it('other errors do not back off', () => {
    assert.deepEqual(nextCheckInterval({ lastInterval: 5400, pollInterval: 0, httpStatus: 502 }), { interval: 2700, fuzz: 600 });
    assert.deepEqual(nextCheckInterval({ lastInterval: 5400, pollInterval: 0, httpStatus: 0 }), { interval: 2700, fuzz: 600 });
  });
  it('PollInterval wins, clamped to 45 min … 4 h', () => {
    assert.deepEqual(nextCheckInterval({ lastInterval: 2700, pollInterval: 3600, httpStatus: 503 }), { interval: 3600, fuzz: 3600 });
    assert.deepEqual(nextCheckInterval({ lastInterval: 2700, pollInterval: 60, httpStatus: 200 }), { interval: 2700, fuzz: 600 });
    assert.deepEqual(nextCheckInterval({ lastInterval: 2700, pollInterval: 86400, httpStatus: 200 }), { interval: 14400, fuzz: 14400 });
  });
});

describe('check timing of a virtual node', () => {
  it('first check 2–12 min after boot, then every 40–50 min', () => {
    const firsts: number[] = [];
    for (let seed = 1; seed <= 40; seed++) {
      const times = checkTimes(seed, 6, () => noUpdateAnswer());
      firsts.push(times[0]!);
      assert.ok(times[0]! >= 120 && times[0]! <= 720, `first check at ${times[0]} s`);
      for (const g of gaps(times)) assert.ok(g >= 2400 && g <= 3000, `gap ${g} s`);
    }
    // The fuzz really spreads them (not all at one instant).
    assert.ok(Math.max(...firsts) - Math.min(...firsts) > 300);
  });

  it('503 answers double the interval up to 4 h (each fuzzed ± half)', () => {
    const unavailable = { kind: 'http' as const, status: 503, body: 'busy' };
    for (let seed = 1; seed <= 20; seed++) {
      const g = gaps(checkTimes(seed, 7, () => unavailable));
      // After the initial check (7 min), doubling stays under 45 min: regular interval first.
      assert.ok(g[0]! >= 2400 && g[0]! <= 3000, `gap 1 ${g[0]}`);
      assert.ok(g[1]! >= 2700 && g[1]! <= 8100, `gap 2 ${g[1]}`); // 90 min ± 45
      assert.ok(g[2]! >= 5400 && g[2]! <= 16200, `gap 3 ${g[2]}`); // 180 min ± 90
      for (const x of g.slice(3)) assert.ok(x >= 7200 && x <= 21600, `capped gap ${x}`); // 240 min ± 120
    }
  });

  it('recovers the regular interval after a good answer', () => {
    const g = gaps(checkTimes(3, 5, (k) => (k < 3 ? { kind: 'http', status: 500, body: '' } : noUpdateAnswer())));
    assert.ok(g[3]! >= 2400 && g[3]! <= 3000, `gap after recovery ${g[3]}`);
  });

  it('honours the PollInterval of each answer', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const g = gaps(checkTimes(seed, 5, () => noUpdateAnswer(' PollInterval="7200"')));
      for (const x of g) assert.ok(x >= 3600 && x <= 10800, `gap ${x} with PollInterval 7200`);
    }
  });

  it('retries a check that got no answer at all three times, 10 s apart, then reports 2000', () => {
    const d = new Driver(makeNode(), (a) =>
      a.kind === 'omaha' && a.body.kind === 'check' ? { kind: 'no-answer', error: 'ECONNREFUSED' } : EVENT_ACK,
    );
    d.runUntil((x) => x.sent.length >= 5);
    const checks = d.sent.filter(isCheck).map((s) => s.t);
    assert.equal(checks.length, 4);
    assert.deepEqual(gaps(checks), [10, 10, 10]);
    assert.deepEqual(d.recorded.failures, [2000]);
  });
});
