// Failure injection against a real Platte: failing nodes end in the error state on the server with
// update_engine's code, and a node that never comes back from its reboot holds its slot until the
// lease runs out, then shows as expired (policy hold) or gives the slot to the next node (release).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Fleet, type FleetSpec } from '../../client-sim/fleet.ts';
import type { FaultKind } from '../../client-sim/node-types.ts';
import { FLATCAR_APP_ID_BRACED } from '../../protocol/omaha/appid.ts';
import { APP, NEW, OLD, startSimPlatte } from './fixtures/platte.ts';

function spec(over: Partial<FleetSpec>): FleetSpec {
  return {
    nodes: 200,
    appId: FLATCAR_APP_ID_BRACED,
    versions: [{ value: OLD, weight: 1 }],
    tracks: [{ value: 'stable', weight: 1 }],
    groups: [{ value: 'g', weight: 1 }],
    boards: [{ value: 'amd64-usr', weight: 1 }],
    oems: [{ value: 'qemu', weight: 1 }],
    strategies: [{ value: 'fleetlock', weight: 1 }],
    faults: [],
    seed: 5,
    ...over,
  };
}

describe('failing nodes on a real Platte', () => {
  it('end in the error state with the code they reported; the rest upgrade', async () => {
    const p = await startSimPlatte({ speed: 50_000, rebootGroups: { g: { max: 5 } } });
    try {
      const fleet = new Fleet(
        spec({
          faults: [
            { kind: 'download', percent: 5 },
            { kind: 'hash', percent: 2.5 },
            { kind: 'size', percent: 2.5 },
            { kind: 'install', percent: 2.5 },
            { kind: 'rollback', percent: 2.5 },
            { kind: 'slow-return', percent: 5 },
            { kind: 'network', percent: 5 },
          ],
        }),
        { server: p.url, clock: p.clock, concurrency: 32 },
      );
      const s = fleet.summary(await fleet.run({ durationMs: 3 * 86_400_000 }));
      fleet.close();
      assert.equal(s.stopReason, 'settled');

      const expected: Partial<Record<FaultKind, number>> = { download: 9, hash: 10, size: 11, install: 5, rollback: 44 };
      const byFault = (k: FaultKind) => fleet.nodes.filter((n) => n.fault === k);
      for (const [fault, code] of Object.entries(expected) as [FaultKind, number][]) {
        const nodes = byFault(fault);
        assert.equal(nodes.length, fault === 'download' ? 10 : 5);
        for (const n of nodes) {
          assert.equal(n.state, 'gave-up', `${fault} node gave up`);
          const { instance, history } = await p.api('GET', `/api/v1/apps/${APP}/instances/${n.machineId}`);
          // A rollback is reported inside an update check; the error wins over a new grant.
          assert.equal(instance.status, 'error', `${fault} node is in error on the server`);
          if (fault === 'rollback') {
            const last = history.find((h: { kind: string }) => h.kind === 'event');
            assert.deepEqual([last.eventType, last.eventResult, last.errorCode], [3, 0, 44]);
          }
          assert.equal(instance.errorCode, code, `${fault} node reported code ${code}`);
        }
      }
      // Three attempts each before giving up.
      assert.deepEqual(s.failures['9'], 30);
      assert.deepEqual(s.failures['44'], 15);
      // Slow and disconnected nodes get there in the end.
      for (const n of [...byFault('slow-return'), ...byFault('network')]) assert.equal(n.version, NEW);
      assert.ok(s.failures['2000']! > 0, 'offline nodes reported failed checks once back');

      const server = await p.api('GET', `/api/v1/apps/${APP}/summary`);
      assert.equal(server.byStatus.error, 30);
      assert.equal(server.byStatus.granted, undefined);
      assert.equal(server.byStatus.complete, s.updatesCompleted);
      assert.deepEqual(server.byVersion, s.versions);
      assert.deepEqual(s.states, { updated: 170, 'gave-up': 30 });
    } finally {
      await p.close();
    }
  });
});

describe('a node that never comes back from its reboot', () => {
  const LEASE = 1800;

  /** One node takes the only slot and is lost; then five healthy nodes of the group want to reboot. */
  async function run(policy: 'hold' | 'release') {
    const p = await startSimPlatte({ speed: 20_000, rebootGroups: { g: { max: 1, leaseSeconds: LEASE, leasePolicy: policy } } });
    const opts = { server: p.url, clock: p.clock, concurrency: 8 };
    const first = new Fleet(spec({ nodes: 1, faults: [{ kind: 'no-return', percent: 100 }], seed: 3 }), opts);
    const firstSummary = first.summary(await first.run({ durationMs: 3_600_000 }));
    first.close();
    const lost = first.nodes[0]!;
    const lostAt = p.clock.now();
    const rest = new Fleet(spec({ nodes: 5, seed: 4 }), opts);
    const s = rest.summary(await rest.run({ durationMs: 4 * 3_600_000 }));
    rest.close();
    const view = await p.api('GET', '/api/v1/reboot-groups/g?history=100');
    return { p, firstSummary, s, lost, lostAt, view };
  }

  it('policy hold: keeps its slot past the lease and shows as expired; nobody else reboots', async () => {
    const { p, firstSummary, s, lost, view } = await run('hold');
    try {
      assert.equal(lost.state, 'lost');
      assert.deepEqual(firstSummary.states, { lost: 1 });
      assert.deepEqual(firstSummary.rebootingAtEnd, { g: 1 });
      const holder = view.holders.find((h: { id: string }) => h.id === lost.machineId);
      assert.ok(holder, 'the lost node still holds its slot');
      assert.equal(holder.expired, true);
      assert.equal(view.available, 0);
      const heldFor = (p.clock.now() - Date.parse(holder.since)) / 1000;
      assert.ok(heldFor >= LEASE, `held ${heldFor}s, lease ${LEASE}s`);
      // The healthy nodes installed the update and still wait for a slot that is never freed.
      assert.equal(s.stopReason, 'duration');
      assert.deepEqual(s.states, { 'waiting-reboot': 5 });
      assert.deepEqual(s.maxConcurrentReboots, {});
      assert.ok((s.lockRefusals.slots_full ?? 0) > 0);
    } finally {
      await p.close();
    }
  });

  it('policy release: the slot goes to the next node only once the lease ran out', async () => {
    const { p, s, lost, lostAt, view } = await run('release');
    try {
      assert.equal(lost.state, 'lost');
      assert.equal(s.stopReason, 'settled');
      assert.deepEqual(s.states, { updated: 5 });
      const history = [...view.history].reverse() as { event: string; holder?: string; at: string; freed?: boolean }[];
      const lostGrant = history.find((h) => h.event === 'grant' && h.holder === lost.machineId)!;
      const expiry = history.find((h) => h.event === 'expire' && h.holder === lost.machineId);
      assert.ok(expiry, 'the lease expiry is in the history');
      assert.equal(expiry.freed, true);
      assert.ok(Date.parse(expiry.at) - Date.parse(lostGrant.at) >= LEASE * 1000);
      // The others were refused until then: no grant between the lost node's grant and its expiry.
      assert.ok(Date.parse(lostGrant.at) <= lostAt);
      const between = history.filter((h) => h.event === 'grant' && Date.parse(h.at) > Date.parse(lostGrant.at) && Date.parse(h.at) < Date.parse(expiry.at));
      assert.deepEqual(between, []);
      assert.ok((s.lockRefusals.slots_full ?? 0) > 0, 'healthy nodes were refused while the lost node held the slot');
      assert.equal(history.filter((h) => h.event === 'grant').length, 6);
      assert.equal(view.holders.length, 0);
    } finally {
      await p.close();
    }
  });
});
