// Failure injection against a real Platte: failing nodes end in the error state on the server with
// update_engine's code, and a node that never comes back from its reboot holds its slot until the
// lease runs out, then shows as expired (policy hold) or gives the slot to the next node (release).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Fleet, type FleetSpec } from '../../client-sim/fleet.ts';
import type { FaultKind } from '../../client-sim/node-types.ts';
import { FLATCAR_APP_ID } from '../../client-sim/omaha-request.ts';
import { APP, NEW, OLD, startSimPlatte } from './fixtures/platte.ts';

function spec(over: Partial<FleetSpec>): FleetSpec {
  return {
    nodes: 200,
    appId: FLATCAR_APP_ID,
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
          if (fault === 'rollback') {
            // The rollback is reported inside an update check, which Platte answers with a new grant:
            // the status says granted, the error code and the history keep the rollback.
            assert.equal(instance.status, 'granted');
            const last = history.find((h: { kind: string }) => h.kind === 'event');
            assert.deepEqual([last.eventType, last.eventResult, last.errorCode], [3, 0, 44]);
          } else {
            assert.equal(instance.status, 'error', `${fault} node is in error on the server`);
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
      assert.equal(server.byStatus.error, 25);
      assert.equal(server.byStatus.granted, 5);
      assert.equal(server.byStatus.complete, s.updatesCompleted);
      assert.deepEqual(server.byVersion, s.versions);
      assert.deepEqual(s.states, { updated: 170, 'gave-up': 30 });
    } finally {
      await p.close();
    }
  });
});

describe('a node that never comes back from its reboot', () => {
  const LEASE = 600;

  async function run(policy: 'hold' | 'release') {
    const p = await startSimPlatte({ speed: 20_000, rebootGroups: { g: { max: 1, leaseSeconds: LEASE, leasePolicy: policy } } });
    const fleet = new Fleet(spec({ nodes: 6, faults: [{ kind: 'no-return', percent: 100 / 6 }], seed: 3 }), {
      server: p.url,
      clock: p.clock,
      concurrency: 8,
    });
    const s = fleet.summary(await fleet.run({ durationMs: 4 * 3_600_000 }));
    fleet.close();
    const lost = fleet.nodes.find((n) => n.fault === 'no-return')!;
    const view = await p.api('GET', '/api/v1/reboot-groups/g?history=100');
    return { p, fleet, s, lost, view };
  }

  it('policy hold: keeps its slot past the lease and shows as expired; nobody else reboots', async () => {
    const { p, s, lost, view } = await run('hold');
    try {
      assert.equal(lost.state, 'lost');
      assert.equal(s.states.lost, 1);
      assert.deepEqual(s.rebootingAtEnd, { g: 1 });
      // The lost node took the only slot before anyone else could reboot (or others finished first);
      // either way it still holds it, its lease has run out, and it is flagged expired.
      const holder = view.holders.find((h: { id: string }) => h.id === lost.machineId);
      assert.ok(holder, 'the lost node still holds its slot');
      assert.equal(holder.expired, true);
      assert.equal(view.available, 0);
      const heldFor = (p.clock.now() - Date.parse(holder.since)) / 1000;
      assert.ok(heldFor >= LEASE, `held ${heldFor}s, lease ${LEASE}s`);
      // Nodes that had not rebooted before it went down are still waiting: the slot was never freed.
      const waiting = s.states['waiting-reboot'] ?? 0;
      assert.equal(s.states.updated ?? 0, 5 - waiting);
      assert.equal(s.stopReason, waiting > 0 ? 'duration' : 'settled');
    } finally {
      await p.close();
    }
  });

  it('policy release: the slot goes to the next node only once the lease ran out', async () => {
    const { p, s, lost, view } = await run('release');
    try {
      assert.equal(lost.state, 'lost');
      assert.deepEqual(s.states, { updated: 5, lost: 1 });
      const history = [...view.history].reverse() as { event: string; holder?: string; at: string; freed?: boolean }[];
      const lostGrant = history.find((h) => h.event === 'grant' && h.holder === lost.machineId)!;
      const expiry = history.find((h) => h.event === 'expire' && h.holder === lost.machineId);
      assert.ok(expiry, 'the lease expiry is in the history');
      assert.equal(expiry.freed, true);
      assert.ok(Date.parse(expiry.at) - Date.parse(lostGrant.at) >= LEASE * 1000);
      // No grant to anyone else between the lost node's grant and its expiry.
      const between = history.filter((h) => h.event === 'grant' && Date.parse(h.at) > Date.parse(lostGrant.at) && Date.parse(h.at) < Date.parse(expiry.at));
      assert.deepEqual(between, []);
      assert.equal(view.holders.length, 0);
    } finally {
      await p.close();
    }
  });
});
