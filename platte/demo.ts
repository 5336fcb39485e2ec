// `platte demo`: Platte on the embedded store in this process, the Flatcar app with two versions
// (payloads served by a local file server so downloads and SHA-256 checks are real), the new
// version promoted, reboot groups with a few slots, and a simulated fleet upgrading through them.
// No Redis, no network beyond this machine.
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
  /** Stop Platte when the fleet is done instead of serving until Ctrl-C. */
  exitWhenDone: boolean;
  progress: boolean;
  out?: NodeJS.WritableStream;
}

export interface DemoResult {
  url: string;
  token: string;
  dataDir: string;
  report: SimReport;
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
  await api(url, token, 'PUT', `/api/v1/apps/${APP}/channels/stable`, { version: DEMO_TO });
  for (const g of opts.groups) {
    await api(url, token, 'PUT', `/api/v1/reboot-groups/${g}`, { max: opts.slots, leaseSeconds: 900, leasePolicy: 'hold' });
  }
}

function whereToWatch(url: string, token: string, dataDir: string, opts: DemoOptions, dashboard: boolean): string {
  const g = opts.groups[0] ?? 'default';
  return [
    '',
    `Platte demo: ${url}  (embedded store in ${dataDir})`,
    `  Flatcar ${DEMO_FROM} → ${DEMO_TO} promoted on "stable"; ${opts.nodes} nodes in reboot groups ${opts.groups.join(', ')} (${opts.slots} slots each)`,
    '',
    'Watch it from another terminal in this checkout:',
    `  export PLATTE_URL=${url} PLATTE_TOKEN=${token}`,
    ...(dashboard ? [`  dashboard:          ${url}/`] : []),
    '  fleet by version:   npx platte summary',
    `  reboot slots:       npx platte locks status --group ${g}`,
    '  nodes:              npx platte instances',
    '  release activity:   npx platte activity',
    '',
  ].join('\n');
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
    keepPolling: false,
    concurrency: 64,
    timeoutMs: 30_000,
    bootSpreadSeconds: 0,
    fresh: false,
    profile: {},
  };
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
  let server: RunningServer;
  try {
    server = await startServer(config, createLogger('error'));
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
    const report = await runSim(
      demoFleet(opts, url),
      { out, err: process.stderr, progress: opts.progress, signal: interrupt.signal },
    ).finally(() => process.off('SIGINT', onSigint));
    if (!opts.exitWhenDone) {
      out.write(`\nPlatte keeps running at ${url} so you can look around. Ctrl-C stops it.\n`);
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    }
    return { url, token, dataDir, report };
  } finally {
    await server.close();
    await files.close();
  }
}
