// The pieces a simulated rollout run is made of, without a server: the per-node timeline, the
// percent a rollout's history says was open at an instant, the driver's tick series, and the
// scheduler holding the clock near a request still in flight (so a wait measured in simulated time
// is not inflated by the server's real-time slowness).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextTick } from '../../client-sim/rollout-driver.ts';
import { firstAt, openPercentAt, type RolloutSnapshot } from '../../client-sim/rollout-view.ts';
import { Scheduler } from '../../client-sim/scheduler.ts';
import { SimClock } from '../../client-sim/sim-clock.ts';
import { NodeTimeline, type NodeSnapshot, type ObservedNode } from '../../client-sim/timeline.ts';

/** Plays a node through a timeline: each call is one step that ends in `after`. */
function player(timeline: NodeTimeline, index: number) {
  let cur: ObservedNode = { index, targetVersion: '', state: 'idle', version: '1.0.0', settled: false, inReboot: false };
  return (at: number, after: Partial<ObservedNode>) => {
    const before: NodeSnapshot = { state: cur.state, version: cur.version, settled: cur.settled, inReboot: cur.inReboot };
    cur = { ...cur, ...after };
    timeline.observe(cur, before, at);
  };
}

describe('NodeTimeline', () => {
  it('records each version granted once, and each install, slot and return', () => {
    const t = new NodeTimeline(2);
    const step = player(t, 0);
    step(10, { state: 'checking' });
    step(11, { state: 'downloading', targetVersion: '2.0.0' });
    step(12, { state: 'failed' });
    step(20, { state: 'downloading' }); // the same grant, retried
    step(21, { state: 'installing' });
    step(22, { state: 'waiting-reboot' });
    step(23, { state: 'waiting-reboot' }); // a ping while waiting
    step(30, { inReboot: true });
    step(31, { state: 'rebooting' });
    step(90, { state: 'booting', version: '2.0.0', targetVersion: '' });
    step(95, { state: 'idle', inReboot: false });
    assert.deepEqual(t.grants(0), [{ version: '2.0.0', at: 11 }]);
    assert.deepEqual(t.cycles(0), [{ version: '2.0.0', installedAt: 22, slotAt: 30, upAt: 95, upVersion: '2.0.0' }]);
    assert.deepEqual(t.grantedNodes('2.0.0'), [0]);
    assert.deepEqual(t.lastUp('2.0.0'), { at: 95, reboots: 1 });
    assert.equal(t.lastUp('3.0.0'), null);
    assert.deepEqual(t.grants(1), []);
  });

  it('finds the longest wait for a slot, one still open included', () => {
    const t = new NodeTimeline(3);
    const a = player(t, 0);
    a(0, { state: 'downloading', targetVersion: '2' });
    a(100, { state: 'waiting-reboot' });
    a(130, { inReboot: true });
    assert.deepEqual(t.longestSlotWait(1000), { index: 0, installedAt: 100, waitMs: 30, open: false });
    const b = player(t, 1);
    b(0, { state: 'downloading', targetVersion: '2' });
    b(500, { state: 'waiting-reboot' });
    assert.deepEqual(t.longestSlotWait(1000), { index: 1, installedAt: 500, waitMs: 500, open: true });
    assert.equal(new NodeTimeline(1).longestSlotWait(0), null);
  });

  it('counts nodes between grant and return at once; a return frees its place for a grant at the same instant', () => {
    const t = new NodeTimeline(3);
    const run = (i: number, grant: number, up: number | null) => {
      const s = player(t, i);
      s(grant, { state: 'downloading', targetVersion: '2' });
      s(grant + 1, { state: 'waiting-reboot' });
      s(grant + 2, { inReboot: true });
      if (up !== null) s(up, { inReboot: false, version: '2' });
    };
    run(0, 0, 100);
    run(1, 50, 200);
    run(2, 98, null); // granted at 98, not back: counted until `now`
    assert.equal(t.peakInProgress('2', 300), 3);
    const u = new NodeTimeline(2);
    const first = player(u, 0);
    first(0, { state: 'downloading', targetVersion: '2' });
    first(1, { state: 'waiting-reboot' });
    first(2, { inReboot: true });
    first(10, { inReboot: false, version: '2' });
    player(u, 1)(10, { state: 'downloading', targetVersion: '2' });
    assert.equal(u.peakInProgress('2', 20), 1);
  });
});

describe('a rollout replayed from its history', () => {
  const steps = [1, 10, 50, 100].map((percent, index) => ({ index, percent, soak: 0, state: 'done' as const, openedAt: null }));
  const snapshot = (history: RolloutSnapshot['history']): RolloutSnapshot => ({
    state: history.at(-1)!.to,
    version: '2',
    percent: 0,
    stepIndex: history.at(-1)!.stepIndex,
    steps,
    counts: { granted: 0 },
    failures: { total: 0, counted: 0, byKind: {} },
    haltReason: null,
    startedAt: history[0]!.at,
    finishedAt: null,
    history,
  });
  const h = (at: number, action: RolloutSnapshot['history'][number]['action'], to: RolloutSnapshot['state'], stepIndex: number) => ({ at, action, to, by: 'rule:step', why: '', stepIndex });

  it('gives the percent of the step open at each instant: 0 before the start, 100 once completed', () => {
    const r = snapshot([h(100, 'start', 'running', 0), h(200, 'step', 'running', 1), h(300, 'halt', 'halted', 1), h(400, 'resume', 'running', 1), h(500, 'step', 'running', 2), h(600, 'step', 'running', 3), h(700, 'complete', 'completed', 3)]);
    assert.deepEqual([99, 100, 199, 200, 350, 499, 500, 650, 700].map((t) => openPercentAt(r, t)), [0, 1, 1, 10, 10, 10, 50, 100, 100]);
    assert.equal(firstAt(r, 'halt'), 300);
    assert.equal(firstAt(r, 'abort'), null);
  });

  it('an aborted rollout offers nothing from then on', () => {
    const r = snapshot([h(100, 'start', 'running', 0), h(200, 'abort', 'aborted', 0)]);
    assert.equal(openPercentAt(r, 150), 1);
    assert.equal(openPercentAt(r, 250), 0);
  });
});

describe('the driver and the clock', () => {
  it('the next pass of the rules falls on the series from its start, skipping instants already past', () => {
    assert.equal(nextTick(0, 60, 30), 60);
    assert.equal(nextTick(0, 60, 60), 120);
    assert.equal(nextTick(0, 60, 130), 180);
    assert.equal(nextTick(1000, 60, 1000), 1060);
  });

  it('the scheduler holds the clock within maxLag of the oldest request in flight', async () => {
    let real = 0;
    const clock = new SimClock(1_000_000, 0, () => real);
    let answer: () => void = () => {};
    const sched = new Scheduler({
      clock,
      capacity: 2,
      concurrency: 10,
      maxLagMs: 2000,
      run: (i) => (i === 0 ? new Promise<void>((resolve) => (answer = resolve)) : null),
    });
    sched.schedule(0, 0);
    // Another node is due much later: without the request in flight the clock could run to it.
    sched.schedule(1, 3_600_000);
    sched.start();
    await new Promise((r) => setImmediate(r));
    real += 1000; // a whole real second: 1,000,000 s of simulated time at this speed
    assert.equal(clock.now(), 2000, 'held 2 s after the request went out');
    answer();
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    real += 1000;
    assert.equal(clock.now(), 3_600_000 + 2000, 'free to run to the next due node once answered');
    sched.stop();
  });
});
