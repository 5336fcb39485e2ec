// Three Platte processes on one Redis, hundreds of FleetLock clients looping pre-reboot and
// steady-state (each call to a random process) while an operator changes max twice. A checker
// replays the recorded history: never more than max holders, fencing tokens strictly one up, and
// no request failed with anything but slots_full.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { createRedisSlotStore } from '../../coordinator/store/redis/index.ts';
import { DEFAULT_STORE_OPTIONS } from '../../coordinator/store/types.ts';
import type { SlotEvent } from '../../coordinator/domain/types.ts';
import { startRedis, type TestRedis } from '../helpers/redis-server.ts';
import { send, startProcess, stopProcesses, type TestProcess } from '../helpers/processes.ts';
import { checkHistory } from './checker.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/server.ts', import.meta.url));
const ADMIN = 'm'.repeat(24);
const PROCESSES = 3;
const CLIENTS = 200;
/** The run ends after this many grants (counted, not timed: the machine may be slow). */
const TARGET_GRANTS = 400;
/** A run that cannot reach the target in this long has hung. */
const GIVE_UP_MS = 120_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

async function post(url: string, body: unknown, headers: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await send(agent, url, 'POST', JSON.stringify(body), { ...headers, 'content-type': 'application/json' });
  return { status: res.status, body: JSON.parse(res.text) as Record<string, unknown> };
}

describe('three Platte processes on one Redis', () => {
  let redis: TestRedis;
  let procs: TestProcess[] = [];
  before(async () => {
    redis = await startRedis();
    procs = await Promise.all(
      Array.from({ length: PROCESSES }, () => startProcess(FIXTURE, { PLATTE_REDIS_URL: redis.url, PLATTE_REDIS_PREFIX: 'mp', PLATTE_ADMIN_TOKEN: ADMIN })),
    );
  });
  after(async () => {
    agent.destroy();
    await stopProcesses(procs);
    await redis.cleanup();
  });

  it('never more than max holders, no failure but slots_full, while max changes', async () => {
    const pick = () => procs[Math.floor(Math.random() * procs.length)]!.url;
    const fleetlock = (op: string, id: string) => post(`${pick()}/v1/${op}`, { client_params: { id, group: 'workers' } }, { 'fleet-lock-protocol': 'true' });
    const setMax = async (max: number) => {
      const res = await fetch(`${pick()}/api/v1/reboot-groups/workers`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ max }),
      });
      assert.equal(res.status, 200);
    };
    await setMax(5);

    const tally = { granted: 0, held: 0, full: 0, released: 0, notHeld: 0, other: [] as string[] };
    const giveUpAt = Date.now() + GIVE_UP_MS;
    const running = () => tally.granted + tally.held < TARGET_GRANTS && Date.now() < giveUpAt;
    const client = async (id: string) => {
      while (running()) {
        const pre = await fleetlock('pre-reboot', id);
        if (pre.status === 200) {
          if (pre.body.already_held) tally.held++;
          else tally.granted++;
          await sleep(Math.random() * 5);
          const steady = await fleetlock('steady-state', id);
          if (steady.status !== 200) tally.other.push(`steady-state ${steady.status} ${JSON.stringify(steady.body)}`);
          else if (steady.body.released) tally.released++;
          else tally.notHeld++;
        } else if (pre.status === 409 && pre.body.kind === 'slots_full') {
          tally.full++;
          await sleep(20 + Math.random() * 80);
        } else tally.other.push(`pre-reboot ${pre.status} ${JSON.stringify(pre.body)}`);
      }
    };
    // The operator changes max after a third and two thirds of the grants.
    const untilGrants = async (n: number) => {
      while (running() && tally.granted < n) await sleep(10);
    };
    const operator = (async () => {
      await untilGrants(TARGET_GRANTS / 3);
      await setMax(2);
      await untilGrants((2 * TARGET_GRANTS) / 3);
      await setMax(9);
    })();
    await Promise.all([operator, ...Array.from({ length: CLIENTS }, (_, i) => client(`node-${i}`))]);

    // Read the whole history straight from Redis and replay it.
    const conn = new Redis(redis.url);
    try {
      const store = createRedisSlotStore(conn, 'mp', {
        ...DEFAULT_STORE_OPTIONS,
        createUnknownGroups: false,
        defaults: { max: 1, leaseSeconds: 3600, leasePolicy: 'hold' },
      });
      const snap = await store.read('workers', { historyLimit: 10_000_000, waitingSince: 0 });
      assert.ok(snap);
      const history: SlotEvent[] = [...snap.history].reverse();
      const report = checkHistory(history);
      const summary = { ...tally, other: tally.other.length, history: history.length, peak: report.peak };
      process.stderr.write(`multi-process run: ${JSON.stringify(summary)}\n`);
      assert.deepStrictEqual(report.violations, []);
      assert.deepStrictEqual(tally.other.slice(0, 5), [], 'no failure other than slots_full');
      assert.equal(tally.held, 0, 'no client was told it already held');
      assert.equal(report.grants, tally.granted, 'every 200 grant is in the history and nothing else');
      assert.equal(report.releases, tally.released);
      assert.equal(tally.notHeld, 0);
      assert.ok(tally.granted >= TARGET_GRANTS, `reached ${TARGET_GRANTS} grants before giving up (${tally.granted})`);
      assert.ok(tally.full > 200, `enough contention to mean something (${tally.full})`);
      assert.equal(report.peak, 9, 'the slots were used up to the largest max');
      assert.deepStrictEqual(snap.holders, [], 'every client gave its slot back');
    } finally {
      await conn.quit();
    }
  });
});
