// FleetLock over HTTP: pre-reboot + steady-state pairs per second on one Platte process (embedded
// store in a data dir, then Redis), against the same pairs sent to a plain node:http server that
// reads the body and answers 200 with a small JSON. Same autocannon load for every target, each
// target in its own child process. Goal: ≥ 5,000 pairs/s on one process (airlock on etcd: ~15).
//
//   node --import tsx bench/fleetlock-http.ts [seconds] [connections]
//   (child mode, used by the bench itself: bench/fleetlock-http.ts --serve plain|embedded|redis <port> [redis-url])
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { testConfig } from '../platte/config.ts';
import { createPlatte } from '../platte/platte.ts';
import { freePort, startRedis } from '../tests/helpers/redis-server.ts';
import { startTarget } from './load.ts';

async function serve(kind: string, port: number, redisUrl?: string): Promise<void> {
  let handler: http.RequestListener;
  let cleanup = async () => {};
  if (kind === 'plain') {
    const ok = JSON.stringify({ group: 'default', ok: true });
    handler = (req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        JSON.parse(body);
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(ok) });
        res.end(ok);
      });
    };
  } else {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'platte-bench-'));
    const platte = await createPlatte(
      testConfig({ dataDir, defaultMaxHolders: 100_000, ...(kind === 'redis' ? { redisUrl, redisPrefix: `fl${Date.now()}` } : {}) }),
    );
    handler = platte.app.callback();
    cleanup = async () => {
      await platte.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    };
  }
  const server = http.createServer(handler);
  server.keepAliveTimeout = 60_000;
  server.listen(port, '127.0.0.1', () => process.stdout.write('ready\n'));
  process.on('SIGTERM', () => {
    server.close();
    server.closeAllConnections();
    void cleanup().finally(() => process.exit(0));
  });
}

interface PairResult {
  pairsPerSecond: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
}

/** Each connection is one node: pre-reboot then steady-state with its own id, over and over. */
async function drivePairs(url: string, seconds: number, connections: number): Promise<PairResult> {
  let next = 0;
  const bodyFor = (context: Record<string, unknown>) => {
    context.body ??= JSON.stringify({ client_params: { id: `bench-node-${next++}`, group: 'default' } });
    return context.body as string;
  };
  const headers = { 'fleet-lock-protocol': 'true', 'content-type': 'application/json' };
  const r = await autocannon({
    url,
    connections,
    duration: seconds,
    requests: [
      { method: 'POST', path: '/v1/pre-reboot', headers, setupRequest: (req, ctx) => ({ ...req, body: bodyFor(ctx as Record<string, unknown>) }) },
      { method: 'POST', path: '/v1/steady-state', headers, setupRequest: (req, ctx) => ({ ...req, body: bodyFor(ctx as Record<string, unknown>) }) },
    ],
  });
  return {
    pairsPerSecond: r.requests.total / 2 / seconds,
    p50: r.latency.p50,
    p99: r.latency.p99,
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors,
  };
}

async function measure(kind: string, seconds: number, connections: number, redisUrl?: string): Promise<PairResult> {
  const port = await freePort();
  const target = await startTarget('bench/fleetlock-http.ts', ['--serve', kind, String(port), ...(redisUrl ? [redisUrl] : [])]);
  try {
    await drivePairs(`http://127.0.0.1:${port}`, 1, connections); // warm-up (JIT, connections, scripts)
    return await drivePairs(`http://127.0.0.1:${port}`, seconds, connections);
  } finally {
    await target.stop();
  }
}

if (process.argv[2] === '--serve') {
  await serve(process.argv[3] as string, Number(process.argv[4]), process.argv[5]);
} else {
  const seconds = Number(process.argv[2] ?? 10);
  const connections = Number(process.argv[3] ?? 32);
  const redis = await startRedis();
  try {
    const plain = await measure('plain', seconds, connections);
    const embedded = await measure('embedded', seconds, connections);
    const onRedis = await measure('redis', seconds, connections, redis.url);
    const row = (name: string, r: PairResult) =>
      `${name.padEnd(32)} ${r.pairsPerSecond.toFixed(0).padStart(7)} pairs/s   p50 ${String(r.p50).padStart(3)} ms   p99 ${String(r.p99).padStart(3)} ms   (${r.requests} requests, ${r.non2xx} non-2xx, ${r.errors} errors)`;
    console.log(`FleetLock pre-reboot + steady-state pairs over HTTP, ${connections} connections (one node id each), ${seconds}s per target`);
    console.log(row('plain node:http (baseline)', plain));
    console.log(row('Platte, embedded store', embedded));
    console.log(row('Platte, Redis store', onRedis));
    console.log(`ratio embedded / baseline: ${(embedded.pairsPerSecond / plain.pairsPerSecond).toFixed(3)}`);
    console.log(`ratio redis / baseline:    ${(onRedis.pairsPerSecond / plain.pairsPerSecond).toFixed(3)}`);
    const worst = Math.min(embedded.pairsPerSecond, onRedis.pairsPerSecond);
    console.log(`goal: >= 5000 pairs/s on one process -> ${worst >= 5000 ? 'met' : 'NOT met'} (lowest ${worst.toFixed(0)}); airlock on etcd: ~15 pairs/s`);
    if (embedded.non2xx + onRedis.non2xx + embedded.errors + onRedis.errors > 0) console.log('WARNING: some requests failed');
  } finally {
    await redis.cleanup();
  }
}
