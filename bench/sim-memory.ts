// Memory of one simulator process with 100,000 nodes: heap per node once the fleet is built, and
// peak RSS while the fleet runs against a real Platte (own process, embedded store) and goes
// through checks, downloads, installs and FleetLock reboots. Baseline in the same run: the same
// process before the fleet exists. Goal: peak RSS under 1 GiB.
//
//   node --expose-gc --import tsx bench/sim-memory.ts [nodes] [seconds]
import { spawnSync } from 'node:child_process';
import { Fleet } from '../client-sim/fleet.ts';
import { SimClock } from '../client-sim/sim-clock.ts';
import { benchSpec, startBenchPlatte } from './sim-rate.ts';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  // Re-run with --expose-gc so heap figures are taken after a full collection.
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

const NODES = Number(process.argv[2] ?? 100_000);
const SECONDS = Number(process.argv[3] ?? 30);
const MiB = 1024 * 1024;
const LIMIT = 1024 * MiB;

function measure() {
  gc!();
  gc!();
  return process.memoryUsage();
}
const mib = (n: number) => `${(n / MiB).toFixed(1)} MiB`;

const groups = Array.from({ length: 100 }, (_, i) => `rack-${i}`);
const platte = await startBenchPlatte(groups, 50);
try {
  const before = measure();
  const t0 = performance.now();
  const fleet = new Fleet(benchSpec(NODES, groups, 'fleetlock'), { server: platte.url, clock: new SimClock(1e6), concurrency: 64 });
  const built = measure();
  const buildMs = performance.now() - t0;
  const perNode = (built.heapUsed - before.heapUsed) / NODES;

  let peakRss = built.rss;
  let peakHeap = built.heapUsed;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 200);
  const result = await fleet.run({ durationMs: 365 * 86_400_000, keepPolling: true, signal: AbortSignal.timeout(SECONDS * 1000) });
  clearInterval(sampler);
  const s = fleet.summary(result);
  fleet.close();
  const afterRun = measure();

  process.stdout.write(
    `sim-memory: ${NODES} nodes, ${SECONDS} s against Platte (embedded store, own process)\n` +
      `  baseline process       heap ${mib(before.heapUsed)}  rss ${mib(before.rss)}\n` +
      `  fleet built in ${Math.round(buildMs)} ms   heap ${mib(built.heapUsed)}  rss ${mib(built.rss)}  → ${Math.round(perNode)} bytes of heap per node\n` +
      `  while running          peak heap ${mib(peakHeap)}  peak rss ${mib(peakRss)}\n` +
      `  after the run          heap ${mib(afterRun.heapUsed)}  rss ${mib(afterRun.rss)}\n` +
      `  run: ${s.requests.total} requests (${s.requests.perSecond}/s), ${s.simulatedSeconds} s simulated, ` +
      `${s.updatesCompleted} updates completed, states ${JSON.stringify(s.states)}\n` +
      `  peak rss / 1 GiB budget: ${(peakRss / LIMIT).toFixed(2)} ${peakRss < LIMIT ? '(within budget)' : '(OVER BUDGET)'}\n`,
  );
} finally {
  await platte.stop();
}
