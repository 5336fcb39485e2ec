// 10,000 simulated nodes through a staged rollout (steps 1/10/50/100 %) on a real Platte in this
// process, on the simulator's clock, with the rollout rules run on that clock:
//   a) 5 % of the nodes fail their install: the rollout halts at haltOn.failurePercent in an early
//      step, and no node outside the step open at the time was ever offered the version;
//   b) no failures: every step opens in turn, the rollout completes and every node runs the version;
//   c) a reboot group of 50 slots and the track group paced to it (maxInProgress "reboot-slots" on that reboot group): no node that
//      installed the update waits for its slot longer than one reboot.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FleetSpec } from '../../client-sim/fleet.ts';
import { firstAt, openPercentAt, type RolloutSnapshot } from '../../client-sim/rollout-view.ts';
import { FLATCAR_APP_ID_BRACED } from '../../protocol/omaha/appid.ts';
import { bucketOf } from '../../server/domain/rollout/bucket.ts';
import { APP, NEW, OLD } from './fixtures/platte.ts';
import { rolloutRun, type RolloutRun } from './fixtures/rollout-run.ts';

const N = 10_000;
const MIN = 60_000;
const STEP_PERCENTS = [1, 10, 50, 100];

function spec(over: Partial<FleetSpec>): FleetSpec {
  return {
    nodes: N,
    appId: FLATCAR_APP_ID_BRACED,
    versions: [{ value: OLD, weight: 1 }],
    tracks: [{ value: 'stable', weight: 1 }],
    groups: [{ value: 'stable', weight: 1 }],
    boards: [{ value: 'amd64-usr', weight: 1 }],
    oems: [{ value: 'qemu', weight: 1 }],
    // locksmith's "reboot": no slots to wait for, unless a case asks for FleetLock.
    strategies: [{ value: 'reboot', weight: 1 }],
    faults: [],
    seed: 10,
    // Payload transfers are timed from the bandwidth, not fetched: 10,000 fetches would only add requests.
    profile: { fetchLocal: false },
    ...over,
  };
}

function plan(soak: string, haltOn?: object) {
  return { steps: STEP_PERCENTS.map((percent, i) => ({ percent, soak: i === STEP_PERCENTS.length - 1 ? '5m' : soak })), ...(haltOn ? { haltOn } : {}) };
}

type Run = RolloutRun;

/** Nodes offered NEW whose bucket was not below the percent of the step open when they read the offer. */
function grantedOutsideTheirStep(run: Run): string[] {
  const bad: string[] = [];
  for (const n of run.fleet.nodes) {
    const g = run.timeline.grantOf(n.index, NEW);
    if (!g) continue;
    const percent = openPercentAt(run.rollout, g.at);
    const bucket = bucketOf(APP, n.machineId);
    if (!(bucket < percent / 100)) bad.push(`${n.machineId}: bucket ${bucket.toFixed(4)}, step open at its grant offered ${percent} %`);
  }
  return bad;
}

const actions = (r: RolloutSnapshot) => r.history.map((h) => h.action);

describe('10,000 nodes, 5 % failing their install: the rollout halts in an early step', () => {
  let run: Run;
  before(async () => {
    run = await rolloutRun(
      {},
      {
        spec: spec({ faults: [{ kind: 'install', percent: 5 }] }),
        promotion: { version: NEW, rollout: plan('30m', { failurePercent: 3 }) },
        // Keep going for one whole check interval (45 ± 5 min) after the halt: every node asks once more.
        until: (r, fleet) => {
          const halted = firstAt(r, 'halt');
          return halted !== null && fleet.clock.now() >= halted + 50 * MIN;
        },
        durationMs: 12 * 60 * MIN,
      },
    );
  });
  after(() => run?.p.close());

  it('halts at its failure threshold while in the 1 % or the 10 % step, and says why', () => {
    const r = run.rollout;
    assert.equal(run.run.stopReason, 'done', 'the run ended because the rollout halted, not at its duration');
    assert.equal(r.state, 'halted');
    assert.ok(r.stepIndex <= 1, `halted in step ${r.stepIndex}`);
    assert.deepEqual(actions(r).filter((a) => a !== 'step'), ['start', 'halt']);
    const halt = r.history.at(-1)!;
    assert.equal(halt.by, 'rule:halt-on');
    const m = /^(\d+) of (\d+) granted nodes failed \((\d+) error events?\).*haltOn\.failurePercent = 3 %/.exec(r.haltReason ?? '');
    assert.ok(m, `halt reason: ${r.haltReason}`);
    const [failed, granted] = [Number(m[1]), Number(m[2])];
    assert.ok(granted >= 10 && failed / granted >= 0.03, `${failed} of ${granted}`);
  });

  it('the failures it counted are install failures (code 5) of nodes it granted', () => {
    assert.deepEqual(Object.keys(run.summary.failures), ['5'], 'the nodes reported install failures only');
    const failedNodes = run.fleet.nodes.filter((n) => n.lastError === 5);
    for (const n of failedNodes) {
      assert.equal(n.fault, 'install');
      assert.ok(run.timeline.grantOf(n.index, NEW), 'a node that failed the install had been granted');
    }
    const counted = Number(/^(\d+) of/.exec(run.rollout.haltReason ?? '')?.[1]);
    assert.ok(counted >= 1 && counted <= failedNodes.length, `${counted} counted, ${failedNodes.length} nodes failed`);
  });

  it('no node outside the open step was ever offered the version, and none after the halt', () => {
    assert.deepEqual(grantedOutsideTheirStep(run), []);
    const granted = run.timeline.grantedNodes(NEW);
    const openPercent = STEP_PERCENTS[run.rollout.stepIndex]!;
    assert.ok(granted.length > 0 && granted.length < N * (openPercent / 100) * 1.2, `${granted.length} granted`);
    assert.equal(granted.length, run.rollout.counts.granted, "the simulator's grants are the server's");
    const haltedAt = firstAt(run.rollout, 'halt')!;
    // A check decided just before the halt may be read a moment after it.
    const late = granted.filter((i) => run.timeline.grantOf(i, NEW)!.at > haltedAt + 30_000);
    assert.deepEqual(late, []);
    assert.ok(run.endedAt - haltedAt >= 50 * MIN, 'every node checked again while the rollout was halted');
    const onNew = run.fleet.nodes.filter((n) => n.version === NEW).length;
    assert.ok(onNew <= granted.length, `${onNew} nodes on the version, ${granted.length} granted`);
  });
});

describe('10,000 nodes, no failures: the rollout completes every step', () => {
  let run: Run;
  let server: { byVersion: Record<string, number>; byStatus: Record<string, number> };
  before(async () => {
    run = await rolloutRun(
      {},
      {
        spec: spec({}),
        promotion: { version: NEW, rollout: plan('15m', { failurePercent: 3 }) },
        // Completed, and the server saw every node come back on the version.
        until: (r) => r.state === 'completed' && r.counts.complete === N,
        durationMs: 12 * 60 * MIN,
      },
    );
    server = await run.p.api('GET', `/api/v1/apps/${APP}/summary`);
  });
  after(() => run?.p.close());

  it('opens each step in turn after its soak, by the step rule, and completes', () => {
    const r = run.rollout;
    assert.equal(run.run.stopReason, 'done');
    assert.equal(r.state, 'completed');
    assert.deepEqual(actions(r), ['start', 'step', 'step', 'step', 'complete']);
    assert.ok(r.history.slice(1).every((h) => h.by === 'rule:step'), 'the step rule made every transition');
    const opened = r.steps.map((s) => s.openedAt!);
    for (let i = 1; i < opened.length; i++) assert.ok(opened[i]! - opened[i - 1]! >= 15 * MIN, `step ${i} opened after the soak`);
  });

  it('every node ends on the new version, as the nodes and the server see it', () => {
    assert.ok(run.fleet.nodes.every((n) => n.version === NEW), 'every simulated node runs the version');
    assert.equal(run.summary.updatesCompleted, N);
    assert.deepEqual(run.summary.failures, {});
    assert.deepEqual(server.byVersion, { [NEW]: N });
    assert.deepEqual(server.byStatus, { complete: N });
  });

  it('each node was offered the version only once its step was open', () => {
    assert.deepEqual(grantedOutsideTheirStep(run), []);
    assert.equal(run.timeline.grantedNodes(NEW).length, N);
  });
});

describe('10,000 nodes, a reboot group of 50 slots, grants paced to it', () => {
  const SLOTS = 50;
  const REBOOT_MS = 60_000;
  let run: Run;
  let inProgressAtEnd = 0;
  before(async () => {
    run = await rolloutRun(
      { rebootGroups: { stable: { max: SLOTS, leaseSeconds: 3600 } }, policy: { maxInProgress: 'reboot-slots', rebootGroup: 'stable' } },
      {
        spec: spec({ strategies: [{ value: 'fleetlock', weight: 1 }], profile: { fetchLocal: false, bootSeconds: [REBOOT_MS / 1000, REBOOT_MS / 1000] } }),
        promotion: { version: NEW, rollout: plan('10m') },
        // A few hours are enough to cycle hundreds of nodes through the slots (the whole rollout is
        // bench/rollout-completion.ts's job).
        until: () => false,
        durationMs: 150 * MIN,
      },
    );
    const { byStatus } = await run.p.api('GET', `/api/v1/apps/${APP}/summary`);
    // A node back on the version gave its slot back first (Zincati's steady-state on boot), which
    // ended its progress; the server shows it installed until its first check reports complete.
    const backNotReported = run.fleet.nodes.filter((n) => n.version === NEW).length - (byStatus.complete ?? 0);
    inProgressAtEnd = ['granted', 'downloading', 'downloaded', 'installed'].reduce((a, s) => a + (byStatus[s] ?? 0), 0) - backNotReported;
  });
  after(() => run?.p.close());

  it('no node waits for a slot longer than one reboot', () => {
    const cycles = run.fleet.nodes.flatMap((n) => run.timeline.cycles(n.index));
    assert.ok(cycles.filter((c) => !Number.isNaN(c.slotAt)).length >= 200, `${cycles.length} nodes installed: the slots were exercised`);
    const worst = run.timeline.longestSlotWait(run.endedAt)!;
    assert.ok(worst.waitMs <= REBOOT_MS, `node ${worst.index} waited ${worst.waitMs / 1000}s${worst.open ? ' and still waits' : ''}`);
    assert.equal(run.summary.lockRefusals.slots_full ?? 0, 0, 'the server never had to refuse a slot');
  });

  it('never more than 50 nodes rebooting, nor between their grant and their return', () => {
    assert.ok(run.summary.maxConcurrentReboots.stable! <= SLOTS, `${run.summary.maxConcurrentReboots.stable} rebooting at once`);
    const peak = run.timeline.peakInProgress(NEW, run.endedAt);
    assert.ok(peak <= SLOTS, `${peak} nodes between grant and return at once`);
    assert.ok(inProgressAtEnd <= SLOTS, `${inProgressAtEnd} in progress on the server at the end`);
  });
});
