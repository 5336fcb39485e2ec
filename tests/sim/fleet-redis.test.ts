// The same end-to-end check on Platte's Redis store (private redis-server): the fleet upgrades, slot
// limits hold, and the server's counters agree with the simulator.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Fleet } from '../../client-sim/fleet.ts';
import { FLATCAR_APP_ID_BRACED } from '../../protocol/omaha/appid.ts';
import type { SimSummary } from '../../client-sim/summary.ts';
import { startRedis, type TestRedis } from '../helpers/redis-server.ts';
import { APP, NEW, OLD, serverPeak, startSimPlatte, type SimPlatte } from './fixtures/platte.ts';

const GROUPS = ['east', 'west', 'north'];
const MAX = 2;

describe('300 nodes upgrade on Platte with the Redis store', () => {
  let redis: TestRedis;
  let p: SimPlatte;
  let s: SimSummary;

  before(async () => {
    redis = await startRedis();
    p = await startSimPlatte({
      speed: 20_000,
      config: { redisUrl: redis.url, redisPrefix: `sim${process.pid}` },
      rebootGroups: Object.fromEntries(GROUPS.map((g) => [g, { max: MAX }])),
    });
    const fleet = new Fleet(
      {
        nodes: 300,
        appId: FLATCAR_APP_ID_BRACED,
        versions: [{ value: OLD, weight: 1 }],
        tracks: [{ value: 'stable', weight: 1 }],
        groups: GROUPS.map((value) => ({ value, weight: 1 })),
        boards: [{ value: 'amd64-usr', weight: 1 }],
        oems: [{ value: 'qemu', weight: 1 }],
        strategies: [{ value: 'fleetlock', weight: 1 }],
        faults: [{ kind: 'install', percent: 1 }],
        seed: 21,
      },
      { server: p.url, clock: p.clock, concurrency: 64 },
    );
    s = fleet.summary(await fleet.run({ durationMs: 3 * 86_400_000 }));
    fleet.close();
  });
  after(async () => {
    await p?.close();
    await redis?.cleanup();
  });

  it('everyone settles: 297 upgraded, 3 gave up on install errors', () => {
    assert.equal(s.stopReason, 'settled');
    assert.deepEqual(s.versions, { [OLD]: 3, [NEW]: 297 });
    assert.deepEqual(s.states, { updated: 297, 'gave-up': 3 });
    assert.deepEqual(s.failures, { '5': 9 });
  });

  it('slot limits hold on both sides', async () => {
    for (const g of GROUPS) {
      assert.ok(s.maxConcurrentReboots[g]! <= MAX);
      const view = await p.api('GET', `/api/v1/reboot-groups/${g}?history=1000`);
      assert.ok(serverPeak(view.history) <= MAX);
      assert.equal(view.holders.length, 0);
    }
  });

  it("the server's counters agree with the simulator", async () => {
    const server = await p.api('GET', `/api/v1/apps/${APP}/summary`);
    assert.equal(server.instances, 300);
    assert.deepEqual(server.byVersion, s.versions);
    assert.deepEqual(server.byStatus, { complete: 297, error: 3 });
  });
});
