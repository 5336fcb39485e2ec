// Check-ins per second on the embedded (SQLite file) store, no HTTP: the group-committed hot path
// (calls of one event-loop turn share one transaction, a savepoint each) against one IMMEDIATE
// transaction per check-in (`groupCommit: false`, the previous behaviour), measured in the same run
// with the same workload: WORKERS concurrent callers over INSTANCES instances, each check-in
// folding a history entry and moving counters. Targets alternate over several rounds; the ratio
// uses the medians.
//
//   node --import tsx bench/embedded-checkin.ts [seconds-per-round] [rounds] [workers] [instances]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { InstanceStatus } from '../server/domain/types.ts';
import { closeBackend, openEmbeddedBackend, type Backend } from '../kernel/storage/backend.ts';
import { createEmbeddedStore } from '../server/store/embedded/index.ts';
import type { InstanceChange, Store } from '../server/store/types.ts';
import { attrs } from '../tests/store/fixtures/records.ts';
import { FLATCAR_APP_ID } from '../protocol/omaha/appid.ts';

const SECONDS = Number(process.argv[2] ?? 3);
const ROUNDS = Number(process.argv[3] ?? 3);
const WORKERS = Number(process.argv[4] ?? 64);
const INSTANCES = Number(process.argv[5] ?? 10_000);
const APP = FLATCAR_APP_ID;
const STATUSES: InstanceStatus[] = ['idle', 'granted', 'downloading', 'installed'];

function checkIn(n: number, now: number): InstanceChange {
  const machineId = `machine-${n % INSTANCES}`;
  const status = STATUSES[Math.floor(n / INSTANCES) % STATUSES.length] as InstanceStatus;
  return {
    machineId,
    attrs: attrs({ alias: machineId }),
    status: { to: status, unlessIn: [] },
    history: [{ at: now, kind: 'event', eventType: 3, eventResult: 2, version: '3033.2.0', status, repeat: 1 }],
    counterPrefixes: ['all', 'track:stable'],
  };
}

interface Target {
  store: Store;
  backend: Extract<Backend, { kind: 'embedded' }>;
  epoch: number;
  next: number;
}

async function open(dir: string, groupCommit: boolean): Promise<Target> {
  const backend = openEmbeddedBackend(dir) as Extract<Backend, { kind: 'embedded' }>;
  const store = createEmbeddedStore(backend, { groupCommit });
  const at = Date.now();
  await store.createApp({ id: APP, name: 'bench', createdAt: at }, {
    at,
    appId: APP,
    kind: 'app-created',
    actor: 'bench',
    message: 'bench',
    data: {},
  });
  const epoch = (await store.loadAppConfig(APP))!.epoch;
  const t: Target = { store, backend, epoch, next: 0 };
  // Every instance exists before the first round: the rounds measure updates of known instances.
  await Promise.all(Array.from({ length: INSTANCES }, (_, i) => store.applyCheckIn(APP, epoch, checkIn(i, at), at)));
  t.next = INSTANCES;
  return t;
}

/** WORKERS concurrent loops of check-ins for SECONDS; returns check-ins per second. */
async function measure(t: Target): Promise<number> {
  let count = 0;
  const stopAt = performance.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: WORKERS }, async () => {
      while (performance.now() < stopAt) {
        const res = await t.store.applyCheckIn(APP, t.epoch, checkIn(t.next++, Date.now()), Date.now());
        if (!res.applied) throw new Error('check-in refused');
        count++;
      }
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const fmt = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'platte-bench-checkin-'));
const batched = await open(path.join(root, 'group-commit'), true);
const perCall = await open(path.join(root, 'per-call'), false);
const results = { batched: [] as number[], perCall: [] as number[] };
try {
  for (let r = 0; r < ROUNDS; r++) {
    results.perCall.push(await measure(perCall));
    results.batched.push(await measure(batched));
  }
  for (const t of [batched, perCall]) {
    if ((await t.store.countInstances(APP)) !== INSTANCES) throw new Error('instance count drifted');
  }
} finally {
  for (const t of [batched, perCall]) {
    await t.store.close();
    await closeBackend(t.backend);
  }
  fs.rmSync(root, { recursive: true, force: true });
}
const b = median(results.batched);
const p = median(results.perCall);
console.log(`embedded store (SQLite file, WAL), check-ins per second, ${WORKERS} concurrent callers, ${INSTANCES} instances, ${ROUNDS} rounds of ${SECONDS}s`);
console.log(`one transaction per check-in       median ${p.toFixed(0).padStart(7)}   rounds: ${fmt(results.perCall)}`);
console.log(`group commit (one per turn)        median ${b.toFixed(0).padStart(7)}   rounds: ${fmt(results.batched)}`);
console.log(`ratio group commit / per call: ${(b / p).toFixed(2)}`);
