// How many requests per second one simulator process generates, and the latency it sees per
// endpoint. Baseline in the same run: autocannon (a dedicated load generator) against the same
// fixed-answer Omaha server; the ratio sim / autocannon says how much of a plain generator's rate
// the simulator reaches while running real node state machines. Then the simulator against a real
// Platte (embedded store, own process) with a fleet that updates through FleetLock slots.
//
//   node --import tsx bench/sim-rate.ts [seconds] [nodes]
//   (child mode: node --import tsx bench/sim-rate.ts --serve <port> <dataDir>  — a Platte for benches)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Fleet, type FleetSpec } from '../client-sim/fleet.ts';
import { startPayloadServer } from '../client-sim/file-server.ts';
import { SimClock } from '../client-sim/sim-clock.ts';
import type { SimSummary } from '../client-sim/summary.ts';
import { testConfig } from '../platte/config.ts';
import { createPlatte } from '../platte/platte.ts';
import { FLATCAR_APP_ID, FLATCAR_APP_ID_BRACED } from '../protocol/omaha/appid.ts';
import { buildRequest } from '../protocol/omaha/client-request.ts';
import { freePort } from '../tests/helpers/redis-server.ts';
import { drive, startTarget } from './load.ts';

export const BENCH_TOKEN = 'bench-admin-token-0123456789';
const APP = FLATCAR_APP_ID;

async function serve(port: number, dataDir: string): Promise<void> {
  const platte = await createPlatte(testConfig({ dataDir, adminToken: BENCH_TOKEN, logLevel: 'silent' }));
  const server = platte.app.listen(port, '127.0.0.1', () => process.stdout.write('ready\n'));
  server.keepAliveTimeout = 60_000;
  process.on('SIGTERM', () => {
    server.closeAllConnections();
    server.close(() => void platte.close().finally(() => process.exit(0)));
  });
}

/** Starts a Platte child process with the Flatcar app, two versions (payloads on `files`), reboot groups. */
export async function startBenchPlatte(groups: string[], slots: number): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'platte-sim-bench-'));
  const target = await startTarget('bench/sim-rate.ts', ['--serve', String(port), dataDir]);
  const url = `http://127.0.0.1:${port}`;
  const files = await startPayloadServer(['3374.2.0', '3510.2.0'].map((version) => ({ version, arch: 'amd64' })), 4096);
  const api = async (method: string, p: string, body: unknown) => {
    const res = await fetch(url + p, { method, headers: { authorization: `Bearer ${BENCH_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${method} ${p}: HTTP ${res.status} ${await res.text()}`);
  };
  await api('POST', '/api/v1/apps', { id: APP, name: 'Flatcar' });
  for (const f of files.payloads) await api('POST', `/api/v1/apps/${APP}/packages`, { version: f.version, url: f.url, name: f.name, size: f.size, sha256: f.sha256, sha1: f.sha1 });
  await api('POST', `/api/v1/apps/${APP}/channels`, { name: 'stable' });
  await api('PUT', `/api/v1/apps/${APP}/channels/stable`, { version: '3510.2.0' });
  await api('POST', `/api/v1/apps/${APP}/groups`, { id: 'stable', name: 'Stable', track: 'stable', channel: 'stable' });
  for (const g of groups) await api('PUT', `/api/v1/reboot-groups/${g}`, { max: slots });
  return {
    url,
    async stop() {
      await target.stop();
      await files.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function benchSpec(nodes: number, groups: string[], strategy: 'fleetlock' | 'off'): FleetSpec {
  return {
    nodes,
    appId: FLATCAR_APP_ID_BRACED,
    versions: [{ value: '3374.2.0', weight: 1 }],
    tracks: [{ value: 'stable', weight: 1 }],
    groups: groups.map((value) => ({ value, weight: 1 })),
    boards: [{ value: 'amd64-usr', weight: 1 }],
    oems: [{ value: 'qemu', weight: 1 }],
    strategies: [{ value: strategy, weight: 1 }],
    faults: [],
    seed: 1,
    bootSpread: 3600,
  };
}

/** Runs a fleet for `seconds` of real time at an unreachable speed (the clock goes as fast as the sim can). */
async function runFor(server: string, spec: FleetSpec, seconds: number, concurrency: number): Promise<SimSummary> {
  const fleet = new Fleet(spec, { server, clock: new SimClock(1e7), concurrency });
  const result = await fleet.run({ durationMs: 365 * 86_400_000, keepPolling: true, signal: AbortSignal.timeout(seconds * 1000) });
  const s = fleet.summary(result);
  fleet.close();
  return s;
}

function endpointLines(s: SimSummary): string {
  return Object.entries(s.requests.byEndpoint)
    .map(([name, e]) => `    ${name.padEnd(24)} ${String(e.count).padStart(8)}  p50 ${e.latencyMs.p50.toFixed(2)} ms  p90 ${e.latencyMs.p90.toFixed(2)} ms  p99 ${e.latencyMs.p99.toFixed(2)} ms  max ${e.latencyMs.max.toFixed(2)} ms`)
    .join('\n');
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 15);
  const nodes = Number(process.argv[3] ?? 20_000);
  const connections = 64;
  const checkBody = (i: number) =>
    buildRequest(
      {
        appId: FLATCAR_APP_ID_BRACED,
        version: '3510.2.0',
        track: 'stable',
        bootId: '{965fb4c5-ad3e-4eb7-a4c2-ca0c0e31ec84}',
        oem: 'qemu',
        oemVersion: '',
        alephVersion: '3374.2.0',
        machineId: (i % nodes).toString(16).padStart(32, '0'),
        machineAlias: '',
        board: 'amd64-usr',
      },
      { kind: 'check', previousVersion: '' },
    );

  process.stdout.write(`sim-rate: ${seconds} s per run, ${nodes} nodes, ${connections} connections, ${os.cpus().length} cores\n\n`);

  // 1. Fixed-answer server: autocannon vs the simulator.
  const fixedPort = await freePort();
  const fixed = await startTarget('bench/fixtures/fixed-omaha-server.ts', [String(fixedPort)]);
  const fixedUrl = `http://127.0.0.1:${fixedPort}`;
  const base = await drive({ url: fixedUrl, path: '/v1/update/', seconds, connections, body: checkBody });
  const simFixed = await runFor(fixedUrl, benchSpec(nodes, ['default'], 'off'), seconds, connections);
  await fixed.stop();
  const simFixedRps = simFixed.requests.perSecond;
  process.stdout.write(
    `fixed-answer Omaha server (noupdate to every check)\n` +
      `  autocannon (baseline)   ${Math.round(base.rps)} req/s  p50 ${base.p50} ms  p99 ${base.p99} ms\n` +
      `  simulator               ${simFixedRps} req/s  (${simFixed.simulatedSeconds} s simulated)\n` +
      `${endpointLines(simFixed)}\n` +
      `  ratio simulator / autocannon: ${(simFixedRps / base.rps).toFixed(2)}\n\n`,
  );

  // 2. Real Platte (embedded store, own process): the fleet updates through FleetLock slots.
  const groups = Array.from({ length: 50 }, (_, i) => `rack-${i}`);
  const platte = await startBenchPlatte(groups, 20);
  try {
    const ref = await drive({ url: platte.url, path: '/v1/update/', seconds, connections, body: checkBody });
    const sim = await runFor(platte.url, benchSpec(nodes, groups, 'fleetlock'), seconds, connections);
    process.stdout.write(
      `Platte (embedded store, own process)\n` +
        `  autocannon, update checks only (baseline)  ${Math.round(ref.rps)} req/s  p50 ${ref.p50} ms  p99 ${ref.p99} ms\n` +
        `  simulator, ${nodes} nodes updating via FleetLock  ${sim.requests.perSecond} req/s  (${sim.simulatedSeconds} s simulated, ` +
        `${sim.updatesCompleted} updates completed, peaks per group ≤ ${Math.max(0, ...Object.values(sim.maxConcurrentReboots))})\n` +
        `${endpointLines(sim)}\n` +
        `  ratio simulator / autocannon: ${(sim.requests.perSecond / ref.rps).toFixed(2)}\n`,
    );
  } finally {
    await platte.stop();
  }
}

// Run only as a script (sim-memory.ts imports the helpers above).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (process.argv[2] === '--serve') await serve(Number(process.argv[3]), process.argv[4]!);
  else await main();
}
