// Update-check throughput and p99 latency of the full Omaha path (parse, decide, one Redis round
// trip, build) on one Platte process with the Redis store, against a plain node:http server that
// returns a fixed Omaha answer. Both are driven by the same autocannon load in the same run.
// Also prints Redis memory per tracked instance. Goal: ratio ≥ 0.35, ≤ 1 KiB per instance.
//
//   npm run bench -- update-check        (or: node --import tsx bench/update-check.ts [seconds])
import { Redis } from 'ioredis';
import { startRedis } from '../tests/helpers/redis-server.ts';
import { drive, startTarget } from './load.ts';
import { freePort } from '../tests/helpers/redis-server.ts';
import { storeKeys } from '../server/store/redis/keys.ts';
import { APP, updateEngineRequest } from './fixtures/flatcar.ts';

const SECONDS = Number(process.argv[2] ?? 20);
const CONNECTIONS = 64;
const MACHINES = 100_000;

/** A realistic update_engine check: 90 % of nodes are on the channel version, 10 % one behind. */
function request(i: number): string {
  const n = i % MACHINES;
  return updateEngineRequest(n, n % 10 === 0 ? '3510.2.0' : '3602.2.0');
}

const redis = await startRedis();
const client = new Redis(redis.url);
try {
  const basePort = await freePort();
  const fixed = await startTarget('bench/fixtures/fixed-omaha-server.ts', [String(basePort)]);
  const baseline = await drive({ url: `http://127.0.0.1:${basePort}`, path: '/v1/update/', seconds: SECONDS, connections: CONNECTIONS, body: request });
  await fixed.stop();

  const memBefore = Number(/used_memory:(\d+)/.exec(await client.info('memory'))![1]);
  const port = await freePort();
  const platte = await startTarget('bench/fixtures/platte-redis-server.ts', [redis.url, String(port)]);
  // Make sure every one of the 100,000 machines is tracked before measuring memory.
  const full = await drive({ url: `http://127.0.0.1:${port}`, path: '/v1/update/', seconds: SECONDS, connections: CONNECTIONS, body: request });
  await platte.stop();
  const memAfter = Number(/used_memory:(\d+)/.exec(await client.info('memory'))![1]);
  const tracked = await client.zcard(storeKeys('bench').instanceIndex(APP));

  const row = (name: string, r: typeof full) =>
    `${name.padEnd(28)} ${r.rps.toFixed(0).padStart(8)} req/s   p50 ${String(r.p50).padStart(4)} ms   p99 ${String(r.p99).padStart(4)} ms   (${r.requests} requests, ${r.errors} errors, ${r.non2xx} non-2xx)`;
  console.log(`update check, ${CONNECTIONS} connections, ${SECONDS}s each, ${MACHINES} distinct machine ids`);
  console.log(row('fixed node:http answer', baseline));
  console.log(row('Platte (Redis store)', full));
  console.log(`ratio Platte / baseline: ${(full.rps / baseline.rps).toFixed(3)} (goal >= 0.35)`);
  console.log(`Redis memory per tracked instance: ${((memAfter - memBefore) / Math.max(1, tracked)).toFixed(0)} bytes over ${tracked} instances (goal <= 1024)`);
} finally {
  client.disconnect();
  await redis.cleanup();
}
