// `platte sim` as a user runs it: exits non-zero with a clear message when the server cannot be
// reached or answers garbage, and writes the JSON summary when it works. Plus the runner's
// mid-run detection of a server that goes away or starts answering garbage.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { runSim, SimError, type SimOptions } from '../../client-sim/runner.ts';
import { FLATCAR_APP_ID_BRACED } from '../../protocol/omaha/appid.ts';
import { runCli, type CliResult } from '../helpers/cli.ts';
import { APP, NEW, OLD, startSimPlatte, type SimPlatte } from './fixtures/platte.ts';

/** A server answering every request with `status` and `body`; `after` lets it change its mind. */
async function fakeServer(answer: (n: number) => { status: number; body: string } | 'hang-up'): Promise<{ url: string; close(): Promise<void> }> {
  let n = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const a = answer(n++);
      if (a === 'hang-up') return void req.socket.destroy();
      res.writeHead(a.status, { 'content-type': 'text/plain' }).end(a.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function closedPort(): Promise<string> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return url;
}

const OMAHA_OK = '<?xml version="1.0" encoding="UTF-8"?><response protocol="3.0"><daystart elapsed_seconds="0"/><app appid="x" status="ok"/></response>';

describe('platte sim on the command line', () => {
  const servers: { close(): Promise<void> }[] = [];
  let platte: SimPlatte;
  let emptyPlatte: SimPlatte;
  const jsonFile = join(mkdtempSync(join(tmpdir(), 'platte-sim-')), 'summary.json');
  const results: Record<string, CliResult> = {};

  before(async () => {
    const garbage = await fakeServer(() => ({ status: 200, body: 'hello, I am a web server' }));
    const notFound = await fakeServer(() => ({ status: 404, body: 'Not Found' }));
    servers.push(garbage, notFound);
    platte = await startSimPlatte({ speed: 1, rebootGroups: { a: { max: 2 }, b: { max: 2 } } });
    emptyPlatte = await startSimPlatte({ speed: 1, empty: true });
    const run = (args: string[]) => runCli(['sim', '--no-progress', ...args], {}, 60_000);
    const [unreachable, notXml, http404, unknownApp, badNodes, badMix, ok] = await Promise.all([
      run(['--server', await closedPort(), '--nodes', '10']),
      run(['--server', garbage.url, '--nodes', '10']),
      run(['--server', notFound.url, '--nodes', '10']),
      run(['--server', emptyPlatte.url, '--nodes', '10']),
      run(['--server', platte.url, '--nodes', '0']),
      run(['--server', platte.url, '--reboot-strategy', 'fleetlock:50,sometimes:50']),
      run(['--server', platte.url, '--nodes', '60', '--speed', '30000', '--seed', '3', '--group', 'a,b', '--from-version', `${OLD}:2,${NEW}:1`, '--json', jsonFile]),
    ]);
    Object.assign(results, { unreachable, notXml, http404, unknownApp, badNodes, badMix, ok });
  });
  after(async () => {
    for (const s of servers) await s.close();
    await platte?.close();
    await emptyPlatte?.close();
  });

  it('unreachable server: exit 1, says it cannot reach it', () => {
    const r = results.unreachable!;
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot reach Platte at http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/);
  });

  it('a server that answers text instead of Omaha: exit 1, shows what it answered', () => {
    const r = results.notXml!;
    assert.equal(r.code, 1);
    assert.match(r.stderr, /does not speak Omaha: POST \/v1\/update\/ answered "hello, I am a web server"/);
  });

  it('HTTP 404 from the Omaha path: exit 1', () => {
    const r = results.http404!;
    assert.equal(r.code, 1);
    assert.match(r.stderr, /is not a working Omaha server: POST \/v1\/update\/ answered HTTP 404/);
  });

  it('a Platte that does not know the app: exit 1, says to create it', () => {
    const r = results.unknownApp!;
    assert.equal(r.code, 1);
    assert.match(r.stderr, /does not know app \{e96281a6-d1af-4bde-9a0a-97b76e56dc57\}/);
  });

  it('bad options: exit 2 naming the flag', () => {
    assert.equal(results.badNodes!.code, 2);
    assert.match(results.badNodes!.stderr, /--nodes must be at least 1/);
    assert.equal(results.badMix!.code, 2);
    assert.match(results.badMix!.stderr, /--reboot-strategy: "sometimes" is not one of reboot, off, fleetlock/);
  });

  it('a working run: exit 0, text summary, JSON summary and time series', async () => {
    const r = results.ok!;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Fleet of 60 nodes against .* \(seed 3\): every node settled/);
    assert.match(r.stdout, /Reboot peaks\s+a \d · b \d/);
    const { summary, timeSeries } = JSON.parse(readFileSync(jsonFile, 'utf8'));
    assert.equal(summary.nodes, 60);
    assert.deepEqual(summary.versions, { [NEW]: 60 });
    assert.deepEqual(summary.states, { updated: 60 });
    assert.equal(summary.updatesCompleted, 40);
    assert.deepEqual(summary.failures, {});
    assert.ok(summary.maxConcurrentReboots.a <= 2 && summary.maxConcurrentReboots.b <= 2);
    for (const key of ['omaha:check', 'omaha:event', 'fleetlock:pre-reboot', 'fleetlock:steady-state']) {
      const e = summary.requests.byEndpoint[key];
      assert.ok(e.count > 0 && e.latencyMs.p99 >= e.latencyMs.p50, key);
    }
    assert.ok(timeSeries.length >= 2);
    // The probe before the run left no instance behind.
    const server = await platte.api('GET', `/api/v1/apps/${APP}/summary`);
    assert.equal(server.instances, 60);
    assert.deepEqual(Object.keys(timeSeries[0]).sort(), ['failures', 'realSeconds', 'rebooting', 'rebootingByGroup', 'requests', 'states', 't', 'updatesCompleted', 'versions']);
  });
});

describe('a server that goes wrong during a run', () => {
  const sink = new Writable({ write: (_c, _e, cb) => cb() });
  const options = (server: string): SimOptions => ({
    server,
    nodes: 80,
    speed: 100_000,
    appId: FLATCAR_APP_ID_BRACED,
    versions: [{ value: OLD, weight: 1 }],
    tracks: [{ value: 'stable', weight: 1 }],
    groups: [{ value: 'default', weight: 1 }],
    boards: [{ value: 'amd64-usr', weight: 1 }],
    oems: [{ value: 'qemu', weight: 1 }],
    strategies: [{ value: 'reboot', weight: 1 }],
    faults: [],
    seed: 1,
    durationSeconds: 7 * 86400,
    keepPolling: false,
    concurrency: 16,
    timeoutMs: 5000,
    bootSpreadSeconds: 0,
    fresh: false,
    profile: {},
  });

  it('stops with a clear error once it gets no answer at all', async () => {
    const s = await fakeServer((n) => (n === 0 ? { status: 200, body: OMAHA_OK } : 'hang-up'));
    try {
      await assert.rejects(runSim(options(s.url), { out: sink, err: process.stderr, progress: false }), (err: Error) => {
        assert.ok(err instanceof SimError);
        assert.match(err.message, /lost Platte at .*: 200 requests in a row got no answer/);
        return true;
      });
    } finally {
      await s.close();
    }
  });

  it('stops with a clear error when answers turn into garbage', async () => {
    const s = await fakeServer((n) => (n === 0 ? { status: 200, body: OMAHA_OK } : { status: 200, body: '<html><body>maintenance</body></html>' }));
    try {
      await assert.rejects(runSim(options(s.url), { out: sink, err: process.stderr, progress: false }), (err: Error) => {
        assert.ok(err instanceof SimError);
        assert.match(err.message, /does not answer like Platte: POST \/v1\/update\/ answered HTTP 200 \(text\/plain: "<html><body>maintenance/);
        return true;
      });
    } finally {
      await s.close();
    }
  });
});
