// Three processes on one Redis, each firing ~340 grants at once under one group's limits
// (maxInProgress 50, at most 70 grants an hour): exactly 50 are granted, never one more, every other
// is held for the in-progress limit. With those 50 complete, the same nodes try again: the period
// limit binds at exactly 70 grants in total. Each check-in is one Lua script (applyCheckIn-8.lua),
// so the count and the grant are one atomic step however the processes interleave.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import readline from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { closeBackend, openRedisBackend, type Backend } from '../../kernel/storage/backend.ts';
import type { GrantLimits } from '../../server/domain/types.ts';
import { createRedisStore } from '../../server/store/redis/index.ts';
import { storeKeys } from '../../server/store/redis/keys.ts';
import type { CheckInResult, Store } from '../../server/store/types.ts';
import { startRedis, type TestRedis } from '../helpers/redis-server.ts';
import { activity, APP, app, attrs, change, group, pkg, T0 } from './fixtures/records.ts';

const WORKER = fileURLToPath(new URL('./fixtures/limits-worker.ts', import.meta.url));
const PREFIX = 'lmp';
const PROCESSES = 3;
const PER_PROCESS = 340;
const OLD = '3033.2.0';
const NEW = '3100.0.0';
const LIMITS: GrantLimits = { group: 'stable', perPeriod: { count: 70, periodMs: 3_600_000 }, maxInProgress: 50, safeModeBucket: null };

interface Worker {
  child: ChildProcess;
  lines: AsyncIterator<string>;
}

async function startWorker(url: string): Promise<Worker> {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER], {
    env: { ...process.env, PLATTE_REDIS_URL: url, PLATTE_REDIS_PREFIX: PREFIX },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = readline.createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  assert.equal((await lines.next()).value, 'ready');
  return { child, lines };
}

/** Sends each worker its machines at once; answers every [machineId, result]. */
async function wave(workers: Worker[], machines: string[][], epoch: number, now: number): Promise<[string, CheckInResult][]> {
  for (const [i, w] of workers.entries()) {
    w.child.stdin!.write(`${JSON.stringify({ epoch, now, machines: machines[i], limits: LIMITS, target: NEW, prefixes: [`g/stable/${OLD}`] })}\n`);
  }
  const answers = await Promise.all(workers.map(async (w) => JSON.parse((await w.lines.next()).value as string) as [string, CheckInResult][]));
  return answers.flat();
}

const tally = (results: [string, CheckInResult][]) => {
  const out = new Map<string, number>();
  for (const [, r] of results) {
    const k = r.applied ? 'granted' : r.reason === 'held' ? r.hold : r.reason;
    out.set(k, (out.get(k) ?? 0) + 1);
  }
  return Object.fromEntries(out);
};

describe('group limits: three processes on one Redis', () => {
  let redis: TestRedis;
  let backend: Extract<Backend, { kind: 'redis' }>;
  let store: Store;
  let workers: Worker[] = [];
  before(async () => {
    redis = await startRedis();
    backend = (await openRedisBackend(redis.url, PREFIX)) as Extract<Backend, { kind: 'redis' }>;
    store = await createRedisStore(backend);
    workers = await Promise.all(Array.from({ length: PROCESSES }, () => startWorker(redis.url)));
  });
  after(async () => {
    for (const w of workers) {
      w.child.stdin!.end();
      if (w.child.exitCode === null) await once(w.child, 'exit');
    }
    await store.close();
    await closeBackend(backend);
    await redis.cleanup();
  });

  it('exactly maxInProgress granted at once, then exactly the period’s count in total', async () => {
    assert.equal(await store.createApp(app(), activity()), 'created');
    for (const v of [OLD, NEW]) assert.equal(await store.addPackage(pkg(v), activity()), 'created');
    assert.equal(await store.putTrackGroup(group('stable', 'stable'), activity()), 'created');
    const epoch = (await store.loadAppConfig(APP))!.epoch;
    const machines = workers.map((_, w) => Array.from({ length: PER_PROCESS }, (_, i) => `w${w}-${i}`));

    const first = await wave(workers, machines, epoch, T0);
    assert.deepStrictEqual(tally(first), { granted: 50, 'in-progress-limit': PROCESSES * PER_PROCESS - 50 });
    assert.deepStrictEqual(await store.counters(APP), { [`g/stable/${OLD}|granted`]: 50 }, 'only the granted nodes were written');
    assert.equal(await store.countInstances(APP), 50);

    // The 50 complete: no node is in progress, 50 of the period's 70 grants are used.
    const granted = first.filter(([, r]) => r.applied).map(([m]) => m);
    for (const m of granted) {
      const done = change(m, { attrs: attrs({ version: NEW }), status: { to: 'complete', unlessIn: [] }, counterPrefixes: [`g/stable/${NEW}`] });
      assert.equal((await store.applyCheckIn(APP, epoch, done, T0 + 1000)).applied, true);
    }
    const again = machines.map((ms) => ms.filter((m) => !granted.includes(m)));
    const second = await wave(workers, again, epoch, T0 + 2000);
    assert.deepStrictEqual(tally(second), { granted: 20, 'rate-limit': PROCESSES * PER_PROCESS - 70 });
    assert.deepStrictEqual(await store.counters(APP), { [`g/stable/${NEW}|complete`]: 50, [`g/stable/${OLD}|granted`]: 20 });
    assert.deepStrictEqual(await backend.redis.hgetall(storeKeys(PREFIX).progressCounts(APP)), { stable: '20' });
  });
});
