// `platte demo`: Platte on the embedded store in this process, the Flatcar app with two versions
// (payloads served by a local file server so downloads and SHA-256 checks are real), the new
// version promoted with a rollout plan in steps, reboot groups with a few slots, and a simulated
// fleet upgrading through them. Platte runs on the simulator's clock, so the rollout's soaks, the
// reboot leases and the halt rule count simulated time; its answers say so (X-Platte-Clock), and the
// dashboard shows times by that clock. No Redis, no network beyond this machine.
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './config.ts';
import { createLogger } from '../kernel/log.ts';
import { startServer, type RunningServer } from './serve.ts';
import type { FaultShare } from '../client-sim/failures.ts';
import { startPayloadServer, type PayloadServer } from '../client-sim/file-server.ts';
import { FLATCAR_APP_ID, FLATCAR_APP_ID_BRACED } from '../protocol/omaha/appid.ts';
import { runSim, SimError, type SimOptions, type SimReport } from '../client-sim/runner.ts';
import { SimClock } from '../client-sim/sim-clock.ts';
import type { RolloutSnapshot } from '../client-sim/rollout-view.ts';
import { pagePath, PAGE_ROUTES } from '../web/src/routes.ts';
import { DEMO_PLAN, demoRollout, planWords, rolloutOutcome, type DemoRollout } from './demo-rollout.ts';

const DEMO_FROM = '3374.2.0';
const DEMO_TO = '3510.2.0';
const APP = FLATCAR_APP_ID;

export interface DemoOptions {
  nodes: number;
  speed: number;
  port: number;
  host: string;
  /** Embedded store directory; a new temporary one when absent. */
  dataDir?: string;
  groups: string[];
  slots: number;
  faults: FaultShare[];
  seed: number;
  /** Promote with DEMO_PLAN (steps); false: to every node at once. */
  rollout: boolean;
  /** Stop Platte when the fleet is done instead of serving until Ctrl-C. */
  exitWhenDone: boolean;
  /** Ends the serving after the fleet as Ctrl-C does (tests; a person presses Ctrl-C). */
  stopServing?: AbortSignal;
  progress: boolean;
  out?: NodeJS.WritableStream;
}

export interface DemoResult {
  url: string;
  token: string;
  dataDir: string;
  report: SimReport;
  /** The rollout as last read (null without one). */
  rollout: RolloutSnapshot | null;
}

async function api(url: string, token: string, method: string, path: string, body?: unknown, allow: number[] = []): Promise<unknown> {
  const res = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (!res.ok && !allow.includes(res.status)) throw new SimError(`demo setup: ${method} ${path} answered HTTP ${res.status}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

/** The release the demo fleet upgrades to: app, packages for amd64 and arm64, channel, group, reboot groups. */
async function seed(url: string, token: string, files: PayloadServer, opts: DemoOptions): Promise<void> {
  await api(url, token, 'POST', '/api/v1/apps', { id: APP, name: 'Flatcar Container Linux' }, [409]);
  for (const p of files.payloads) {
    await api(
      url,
      token,
      'POST',
      `/api/v1/apps/${APP}/packages`,
      { version: p.version, url: p.url, name: p.name, size: p.size, sha256: p.sha256, sha1: p.sha1, arch: p.arch },
      [409],
    );
  }
  // Channels are created explicitly (promoting a missing one is a 404); 409 = left by an earlier run.
  await api(url, token, 'POST', `/api/v1/apps/${APP}/channels`, { name: 'stable' }, [409]);
  await api(url, token, 'PUT', `/api/v1/apps/${APP}/channels/stable`, { version: DEMO_FROM });
  await api(url, token, 'POST', `/api/v1/apps/${APP}/groups`, { id: 'stable', name: 'Stable', track: 'stable', channel: 'stable' }, [409]);
  await api(url, token, 'PUT', `/api/v1/apps/${APP}/channels/stable`, { version: DEMO_TO, ...(opts.rollout ? { rollout: DEMO_PLAN } : {}) });
  for (const g of opts.groups) {
    await api(url, token, 'PUT', `/api/v1/reboot-groups/${g}`, { max: opts.slots, leaseSeconds: 900, leasePolicy: 'hold' });
  }
}

function whereToWatch(url: string, token: string, dataDir: string, opts: DemoOptions, dashboard: boolean): string {
  const g = opts.groups[0] ?? 'default';
  const promoted = opts.rollout ? `in steps: ${planWords()}` : 'to every node at once';
  const rolloutPage = url + pagePath(PAGE_ROUTES.rollout, { app: APP, channel: 'stable' });
  return [
    '',
    `Platte demo: ${url}  (embedded store in ${dataDir})`,
    `  Flatcar ${DEMO_FROM} → ${DEMO_TO} promoted on "stable" ${promoted}`,
    `  ${opts.nodes} nodes in reboot groups ${opts.groups.join(', ')} (${opts.slots} slots each)`,
    `  Simulated time runs up to ${opts.speed}× real time, and Platte runs on it: an hour's soak takes ${formatRealSeconds(3600 / opts.speed)}`,
    '',
    ...(dashboard ? [`Open ${rolloutPage} and sign in with the token below to watch the rollout.`, ''] : []),
    'Watch it from another terminal in this checkout:',
    `  export PLATTE_URL=${url} PLATTE_TOKEN=${token}`,
    ...(dashboard ? [`  dashboard:          ${url}/`] : []),
    ...(opts.rollout ? ['  the rollout:        npx platte rollout status stable'] : []),
    '  fleet by version:   npx platte summary',
    `  reboot slots:       npx platte locks status --group ${g}`,
    '  nodes:              npx platte instances',
    '  release activity:   npx platte activity',
    '',
  ].join('\n');
}

/** 36 → "36 s", 0.36 → "0.4 s", 7200 → "2 min". */
function formatRealSeconds(s: number): string {
  if (s >= 120) return `${Math.round(s / 60)} min`;
  return `${s >= 10 ? Math.round(s) : Number(s.toFixed(1))} s`;
}

/** The demo's fleet: every node on DEMO_FROM and the stable track, rebooting through FleetLock. */
function demoFleet(opts: DemoOptions, url: string): SimOptions {
  return {
    server: url,
    nodes: opts.nodes,
    speed: opts.speed,
    appId: FLATCAR_APP_ID_BRACED,
    versions: [{ value: DEMO_FROM, weight: 1 }],
    tracks: [{ value: 'stable', weight: 1 }],
    groups: opts.groups.map((value) => ({ value, weight: 1 })),
    boards: [
      { value: 'amd64-usr', weight: 80 },
      { value: 'arm64-usr', weight: 20 },
    ],
    oems: [
      { value: 'qemu', weight: 40 },
      { value: 'aws', weight: 35 },
      { value: 'azure', weight: 25 },
    ],
    strategies: [{ value: 'fleetlock', weight: 1 }],
    faults: opts.faults,
    seed: opts.seed,
    durationSeconds: 3 * 86400,
    // Nodes the rollout holds back answer "no update" and count as settled on the old version:
    // they must keep checking, and the rollout's rules end the run (demo-rollout.ts).
    keepPolling: opts.rollout,
    concurrency: 64,
    timeoutMs: 30_000,
    bootSpreadSeconds: 0,
    fresh: false,
    profile: {},
  };
}

/** Resolves at Ctrl-C, or when `stop` fires. */
function untilCtrlC(stop?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      stop?.removeEventListener('abort', done);
      resolve();
    };
    process.once('SIGINT', done);
    if (stop?.aborted) done();
    else stop?.addEventListener('abort', done, { once: true });
  });
}

/** The rollout rules on the shared clock, run against this process's Platte. */
function rolloutOf(server: RunningServer, url: string, token: string, clock: SimClock): DemoRollout {
  // Each simulated minute: the rollout rules, and the dashboard's series point of that minute (the
  // snapshot job runs every real minute, which would leave the demo's charts a few points long).
  const evaluate = async () => {
    await server.platte.rollouts.evaluate();
    await server.platte.live.series.snapshotNow();
  };
  return demoRollout({ url, token, appId: APP, channel: 'stable', version: DEMO_TO, clock, evaluate });
}

export async function runDemo(opts: DemoOptions): Promise<DemoResult> {
  const out = opts.out ?? process.stdout;
  const token = randomBytes(24).toString('hex');
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'platte-demo-')));
  const config = loadConfig({ dataDir, adminToken: token, port: opts.port, host: opts.host, logLevel: 'error' }, {});
  const files = await startPayloadServer(
    [DEMO_FROM, DEMO_TO].flatMap((version) => [
      { version, arch: 'amd64' },
      { version, arch: 'arm64' },
    ]),
  );
  // Platte and the fleet share one simulated clock, held at its start until the fleet runs (so the
  // rollout starts when the fleet does, however long the setup takes).
  const clock = new SimClock(opts.speed);
  clock.limit(clock.now());
  let server: RunningServer;
  try {
    server = await startServer(config, createLogger('error'), { now: () => clock.now(), clockRate: () => clock.speed });
  } catch (err) {
    // A StartupError (port in use, data directory) says what to change; demo-command reports it.
    await files.close();
    throw err;
  }
  const url = server.url;
  try {
    await seed(url, token, files, opts);
    const dashboard = (await fetch(`${url}/`).catch(() => null))?.ok === true;
    out.write(whereToWatch(url, token, dataDir, opts, dashboard) + '\n');
    // Ctrl-C during the run stops the fleet (and still prints its summary); the next one stops Platte.
    const interrupt = new AbortController();
    const onSigint = () => interrupt.abort();
    process.once('SIGINT', onSigint);
    const rollout = opts.rollout ? rolloutOf(server, url, token, clock) : null;
    const report = await runSim(demoFleet(opts, url), {
      out,
      err: process.stderr,
      progress: opts.progress,
      signal: interrupt.signal,
      clock,
      ...(rollout ? { beside: rollout.beside } : {}),
    }).finally(() => process.off('SIGINT', onSigint));
    // The fleet held the clock where it stopped: from there Platte's time runs at real speed (the
    // header tells the page), so sessions and leases no longer race by.
    clock.setSpeed(1);
    clock.limit(Infinity);
    const last = rollout?.latest();
    if (last) out.write(`${rolloutOutcome(last)}\n`);
    if (!opts.exitWhenDone) {
      out.write(`\nPlatte keeps running at ${url} so you can look around. Ctrl-C stops it.\n`);
      await untilCtrlC(opts.stopServing);
    }
    return { url, token, dataDir, report, rollout: last ?? null };
  } finally {
    await server.close();
    await files.close();
  }
}
