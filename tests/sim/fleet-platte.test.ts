// A 1,000-node fleet against a real Platte (in this process, on the simulator's clock): everyone
// upgrades, no reboot group ever has more than `max` nodes rebooting, and the server's view of the
// fleet (summary counters, instances, slot history) agrees with the simulator's summary.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Fleet, type FleetSpec } from '../../client-sim/fleet.ts';
import { FLATCAR_APP_ID_BRACED } from '../../protocol/omaha/appid.ts';
import type { SimSummary } from '../../client-sim/summary.ts';
import { APP, NEW, OLD, serverPeak, startSimPlatte, type SimPlatte } from './fixtures/platte.ts';

const GROUPS = Array.from({ length: 10 }, (_, i) => `rack-${i}`);
const MAX = 3;

function spec(over: Partial<FleetSpec>): FleetSpec {
  return {
    nodes: 1000,
    appId: FLATCAR_APP_ID_BRACED,
    versions: [{ value: OLD, weight: 1 }],
    tracks: [{ value: 'stable', weight: 1 }],
    groups: GROUPS.map((value) => ({ value, weight: 1 })),
    boards: [{ value: 'amd64-usr', weight: 1 }],
    oems: [{ value: 'qemu', weight: 1 }],
    strategies: [{ value: 'fleetlock', weight: 1 }],
    faults: [],
    seed: 7,
    ...over,
  };
}

describe('1,000 nodes upgrade through FleetLock slots on a real Platte', () => {
  let p: SimPlatte;
  let fleet: Fleet;
  let s: SimSummary;

  before(async () => {
    p = await startSimPlatte({
      speed: 20_000,
      rebootGroups: Object.fromEntries(GROUPS.map((g) => [g, { max: MAX, leaseSeconds: 3600 }])),
    });
    fleet = new Fleet(spec({}), { server: p.url, clock: p.clock, concurrency: 64 });
    const result = await fleet.run({ durationMs: 3 * 86_400_000 });
    s = fleet.summary(result);
    fleet.close();
  });
  after(async () => {
    await p?.close();
  });

  it('every node ends on the channel version, having reported its update', () => {
    assert.equal(s.stopReason, 'settled');
    assert.equal(s.completed, true);
    assert.deepEqual(s.versions, { [NEW]: 1000 });
    assert.deepEqual(s.states, { updated: 1000 });
    assert.equal(s.updatesCompleted, 1000);
    assert.deepEqual(s.failures, {});
    assert.ok(s.timeToComplete !== null && s.timeToComplete > 0);
    // Payloads were really downloaded from the local file server and checked.
    assert.equal(s.requests.byEndpoint.download?.count, 1000);
  });

  it('never more than max nodes rebooting per group, as seen by the nodes', () => {
    assert.deepEqual(Object.keys(s.maxConcurrentReboots).sort(), [...GROUPS].sort());
    for (const [group, peak] of Object.entries(s.maxConcurrentReboots)) {
      assert.ok(peak >= 1 && peak <= MAX, `${group}: ${peak} rebooting at once`);
    }
    assert.deepEqual(s.rebootingAtEnd, {});
    assert.ok((s.lockRefusals.slots_full ?? 0) > 0, 'slots were full at times: the limit was exercised');
  });

  it("the server's slot history agrees: every node took and gave back one slot, never more than max at once", async () => {
    for (const g of GROUPS) {
      const view = await p.api(`GET`, `/api/v1/reboot-groups/${g}?history=1000`);
      assert.equal(view.holders.length, 0, `${g} has no holder left`);
      const grants = view.history.filter((h: { event: string }) => h.event === 'grant').length;
      assert.equal(grants, 100, `${g}: one grant per node`);
      assert.ok(serverPeak(view.history) <= MAX);
    }
  });

  it("the server's summary equals the simulator's", async () => {
    const server = await p.api('GET', `/api/v1/apps/${APP}/summary`);
    assert.equal(server.instances, s.nodes);
    assert.deepEqual(server.byVersion, s.versions);
    // Nodes the simulator saw upgrade are "complete" on the server.
    assert.deepEqual(server.byStatus, { complete: s.updatesCompleted });
  });

  it("one node's record and history on the server tell its whole update", async () => {
    const id = fleet.nodes[0]!.machineId;
    const { instance, history } = await p.api('GET', `/api/v1/apps/${APP}/instances/${id}`);
    assert.equal(instance.version, NEW);
    assert.equal(instance.status, 'complete');
    assert.equal(instance.track, 'stable');
    assert.equal(instance.oem, 'qemu');
    assert.equal(instance.alephVersion, OLD);
    assert.equal(instance.bootId, fleet.nodes[0]!.bootId);
    const events = [...history]
      .reverse()
      .filter((h: { kind: string }) => h.kind === 'event')
      .map((h: { eventType: number; eventResult: number; previousVersion?: string }) => `${h.eventType}/${h.eventResult}${h.previousVersion ? ` ${h.previousVersion}` : ''}`);
    // Routine checks may follow the update (plain 3/2 without previousversion).
    assert.deepEqual(events.slice(0, 5), ['3/2', '13/1', '14/1', '3/1', `3/2 ${OLD}`]);
    assert.ok(events.slice(5).every((e: string) => e === '3/2'));
  });
});

describe('a mixed fleet: versions, boards, tracks', () => {
  it('nodes on the new version stay up to date, arm64 nodes get arm64 payloads, unknown tracks get nothing; the server agrees', async () => {
    const p = await startSimPlatte({ speed: 20_000, arches: ['amd64', 'arm64'], rebootGroups: { mixed: { max: 5 } } });
    try {
      const fleet = new Fleet(
        spec({
          nodes: 200,
          versions: [
            { value: OLD, weight: 75 },
            { value: NEW, weight: 25 },
          ],
          boards: [
            { value: 'amd64-usr', weight: 60 },
            { value: 'arm64-usr', weight: 40 },
          ],
          tracks: [
            { value: 'stable', weight: 90 },
            { value: 'nightly', weight: 10 },
          ],
          groups: [{ value: 'mixed', weight: 1 }],
          seed: 11,
        }),
        { server: p.url, clock: p.clock, concurrency: 32 },
      );
      const s = fleet.summary(await fleet.run({ durationMs: 86_400_000 }));
      fleet.close();
      assert.equal(s.stopReason, 'settled');
      // "nightly" matches no group: those nodes keep their version.
      const nightly = fleet.nodes.filter((n) => n.track === 'nightly');
      const stuckOld = nightly.filter((n) => n.version === OLD).length;
      assert.equal(nightly.length, 20);
      assert.deepEqual(s.versions, { [OLD]: stuckOld, [NEW]: 200 - stuckOld });
      assert.ok(s.maxConcurrentReboots.mixed! <= 5);
      // arm64 nodes downloaded arm64 payloads (the URL carries the board).
      for (const n of fleet.nodes.filter((x) => x.board === 'arm64-usr' && x.track === 'stable')) assert.equal(n.version, NEW);

      const server = await p.api('GET', `/api/v1/apps/${APP}/summary`);
      assert.equal(server.instances, 200);
      assert.deepEqual(server.byVersion, s.versions);
      assert.equal(server.byStatus.complete, s.updatesCompleted);
      const upToDate = fleet.nodes.filter((n) => n.track === 'stable' && n.alephVersion === NEW).length;
      assert.equal(server.byStatus['up-to-date'], upToDate);
      assert.equal(server.byStatus.idle, 20);
      assert.deepEqual(server.unknownTracks, { nightly: 20 });
    } finally {
      await p.close();
    }
  });
});
