// Slot store throughput on Redis, no HTTP: acquire + release pairs per second from one process,
// Platte's Redis slot store (one Lua script per step, writing history, fencing token, lease index,
// waiting list) against redis-semaphore's Semaphore (acquire Lua + ZREM release) on the same Redis
// in the same run. Targets alternate over several rounds; the ratio uses the medians.
// Goal: ratio ≥ 1.0 while doing more per call. Also prints the embedded (SQLite file) store.
//
//   node --import tsx bench/coordinator-store.ts [seconds-per-round] [rounds] [workers]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { Semaphore } from 'redis-semaphore';
import { createEmbeddedSlotStore } from '../coordinator/store/embedded/index.ts';
import { createRedisSlotStore } from '../coordinator/store/redis/index.ts';
import { DEFAULT_STORE_OPTIONS, type SlotStore, type SlotStoreOptions } from '../coordinator/store/types.ts';
import { closeBackend, openEmbeddedBackend } from '../kernel/storage/backend.ts';
import { startRedis } from '../tests/helpers/redis-server.ts';

const SECONDS = Number(process.argv[2] ?? 3);
const ROUNDS = Number(process.argv[3] ?? 3);
const WORKERS = Number(process.argv[4] ?? 64);
/** Large enough that every worker always gets its slot: we measure the cost of a grant + release. */
const LIMIT = 100_000;

const storeOptions: SlotStoreOptions = {
  ...DEFAULT_STORE_OPTIONS,
  createUnknownGroups: true,
  defaults: { max: LIMIT, leaseSeconds: 3600, leasePolicy: 'hold' },
};

/** Runs `pair(worker)` in `workers` concurrent loops for SECONDS; returns pairs per second. */
async function measure(pair: (worker: number) => Promise<void>, workers = WORKERS): Promise<number> {
  let count = 0;
  const stopAt = performance.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      while (performance.now() < stopAt) {
        await pair(w);
        count++;
      }
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

function platte(store: SlotStore) {
  return async (w: number) => {
    const id = `node-${w}`;
    const now = Date.now();
    const got = await store.acquire('bench', id, now);
    if (got.result.kind !== 'granted') throw new Error(`expected a grant, got ${got.result.kind}`);
    const rel = await store.release('bench', id, now, { event: 'release', by: 'node' });
    if (rel.kind !== 'released') throw new Error(`expected a release, got ${rel.kind}`);
  };
}

function semaphore(redis: Redis) {
  const sems = Array.from(
    { length: WORKERS },
    (_, w) => new Semaphore(redis, 'bench', LIMIT, { acquireAttemptsLimit: 1, refreshInterval: 0, lockTimeout: 3600_000, identifier: `node-${w}` }),
  );
  return async (w: number) => {
    const sem = sems[w] as Semaphore;
    if (!(await sem.tryAcquire())) throw new Error('redis-semaphore refused a slot');
    await sem.release();
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const clientOptions = { enableAutoPipelining: true, maxRetriesPerRequest: 2 };

const server = await startRedis();
const forPlatte = new Redis(server.url, clientOptions);
const forSemaphore = new Redis(server.url, clientOptions);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'platte-bench-store-'));
const embeddedBackend = openEmbeddedBackend(dataDir);
try {
  const runPlatte = platte(createRedisSlotStore(forPlatte, 'bench', storeOptions));
  const runSemaphore = semaphore(forSemaphore);
  if (embeddedBackend.kind !== 'embedded') throw new Error('embedded backend expected');
  const runEmbedded = platte(createEmbeddedSlotStore(embeddedBackend.db, storeOptions));
  const results = { platte: [] as number[], semaphore: [] as number[], embedded: [] as number[], platte1: [] as number[], semaphore1: [] as number[] };
  // Warm-up: JIT, script loading, connections.
  await measure(runPlatte);
  await measure(runSemaphore);
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? (['platte', 'semaphore'] as const) : (['semaphore', 'platte'] as const);
    for (const name of order) results[name].push(await measure(name === 'platte' ? runPlatte : runSemaphore));
    results.embedded.push(await measure(runEmbedded));
    // One caller at a time: no batching possible, every pair is two round trips for both.
    results.platte1.push(await measure(runPlatte, 1));
    results.semaphore1.push(await measure(runSemaphore, 1));
  }
  const history = await forPlatte.llen('bench:{grp:bench}:history');
  const p = median(results.platte);
  const s = median(results.semaphore);
  const fmt = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');
  console.log(`slot store, acquire + release pairs per second, ${WORKERS} concurrent workers, ${ROUNDS} rounds of ${SECONDS}s`);
  console.log(`redis-semaphore Semaphore (Redis)     median ${s.toFixed(0).padStart(7)}   rounds: ${fmt(results.semaphore)}`);
  console.log(`Platte slot store (Redis)             median ${p.toFixed(0).padStart(7)}   rounds: ${fmt(results.platte)}`);
  console.log(`Platte slot store (embedded, file)    median ${median(results.embedded).toFixed(0).padStart(7)}   rounds: ${fmt(results.embedded)}`);
  console.log(`ratio Platte / redis-semaphore on Redis: ${(p / s).toFixed(3)} (goal >= 1.0; Platte also writes history (${history} lines kept), fencing token, lease index)`);
  const p1 = median(results.platte1);
  const s1 = median(results.semaphore1);
  console.log(`one caller at a time (latency bound, no batching): Platte ${p1.toFixed(0)} vs redis-semaphore ${s1.toFixed(0)} pairs/s, ratio ${(p1 / s1).toFixed(3)}`);
} finally {
  forPlatte.disconnect();
  forSemaphore.disconnect();
  await closeBackend(embeddedBackend);
  fs.rmSync(dataDir, { recursive: true, force: true });
  await server.cleanup();
}
