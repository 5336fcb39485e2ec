// The dashboard's data at 10,000, 100,000 and 1,000,000 nodes on the Redis store: server time of
// the overview's reads (summary, channels, the rollout, reboot groups) and the rollout page's
// (the rollout, a day of the channel's series by version: dimension=channel&name=stable&by=version). All of them read counters, the index
// count or series points, so they should cost the same at any fleet size. A sample of 100 nodes
// checks in through the real Omaha path (with download and install events) during a running
// rollout; the fleet is then grown to each size by scaling the sample's counters and padding the
// index (fixtures/fast-fleet.ts), and one more real check-in shows in the summary's counts. Prints
// the median of the requests per size and endpoint, the ratio 1M / 10k, and whether each is under
// 100 ms at a million.
//
//   npm run bench:dashboard -- [requests per endpoint]
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { testConfig } from '../platte/config.ts';
import { createPlatte, type Platte } from '../platte/platte.ts';
import { APP, BENCH_TOKEN, benchApi, seedFlatcar, updateEngineRequest } from './fixtures/flatcar.ts';
import { fastFleet, machineId, type FastFleet } from './fixtures/fast-fleet.ts';
import { storeKeys } from '../server/store/redis/keys.ts';
import { startRedis } from '../tests/helpers/redis-server.ts';

const REQUESTS = Number(process.argv[2] ?? 50);
const FLEETS = [10_000, 100_000, 1_000_000];
const SAMPLE = 100;
const GOAL_MS = 100;
const [OLD, NEW] = ['3510.2.0', '3602.2.0'];
const PREFIX = 'bench-dash';

const ENDPOINTS: [string, string][] = [
  ['summary', `/api/v1/apps/${APP}/summary`],
  ['channels', `/api/v1/apps/${APP}/channels`],
  ['rollout', `/api/v1/apps/${APP}/channels/stable/rollout`],
  ['reboot-groups', '/api/v1/reboot-groups'],
  ['series', `/api/v1/apps/${APP}/series?dimension=channel&name=stable&by=version&range=1d`],
];

/** update_engine's event report from machine `n` (no update check), e.g. 13/1 download started. */
function eventRequest(n: number, version: string, type: number, result: number): string {
  return updateEngineRequest(n, version)
    .replace('<ping active="1"></ping><updatecheck></updatecheck>', '')
    .replace(/<event [^>]*><\/event>/, `<event eventtype="${type}" eventresult="${result}"></event>`);
}

async function omaha(base: string, body: string): Promise<string> {
  const res = await fetch(`${base}/v1/update/`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });
  if (!res.ok) throw new Error(`Omaha: HTTP ${res.status} ${await res.text()}`);
  return res.text();
}

async function get(base: string, path: string): Promise<unknown> {
  const res = await fetch(base + path, { headers: { authorization: `Bearer ${BENCH_TOKEN}` } });
  if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

/** The release, a rollout of NEW running at its first step (50 %, soaking 30 days), a reboot group with a holder. */
async function seedRelease(base: string, platte: Platte): Promise<void> {
  const api = benchApi(base);
  await seedFlatcar(api, [OLD, NEW]);
  await api('PUT', `/api/v1/apps/${APP}/channels/stable`, { version: OLD });
  await api('PUT', `/api/v1/apps/${APP}/channels/stable`, { version: NEW, rollout: { steps: [{ percent: 50, soak: '30d' }, { percent: 100, soak: 0 }] } });
  await platte.rollouts.evaluate();
  const lock = await fetch(`${base}/v1/pre-reboot`, {
    method: 'POST',
    headers: { 'fleet-lock-protocol': 'true', 'content-type': 'application/json' },
    body: JSON.stringify({ client_params: { id: machineId(1), group: 'default' } }),
  });
  if (!lock.ok) throw new Error(`FleetLock pre-reboot: HTTP ${lock.status} ${await lock.text()}`);
}

/** The sample's real check-ins: 30 % already on NEW, the rest on OLD; granted ones report download and install steps. */
async function checkInSample(base: string): Promise<void> {
  const steps: [number, number][] = [[13, 1], [14, 1], [3, 1]];
  let granted = 0;
  for (let n = 0; n < SAMPLE; n++) {
    const version = n % 10 < 3 ? NEW : OLD;
    const answer = await omaha(base, updateEngineRequest(n, version));
    if (version === NEW || !/status="ok"/.test(answer)) continue;
    // Every fourth granted node stays granted; the others get one, two or three steps further.
    const upTo = granted++ % 4;
    for (const [type, result] of steps.slice(0, upTo)) await omaha(base, eventRequest(n, version, type, result));
  }
  if (granted === 0) throw new Error('no sample node was granted the rollout');
}

interface SummaryBody {
  instances: number;
  byStatus: Record<string, number>;
}

/** The summary counts `nodes` instances, by the index and by the buckets alike. */
async function expectCounted(base: string, nodes: number): Promise<void> {
  const s = (await get(base, `/api/v1/apps/${APP}/summary`)) as SummaryBody;
  const byStatus = Object.values(s.byStatus).reduce((a, b) => a + b, 0);
  if (s.instances !== nodes || byStatus !== nodes) throw new Error(`summary counts ${s.instances} instances, ${byStatus} by status; expected ${nodes}`);
}

/** The seeded fleet reads as `nodes`, and one real check-in of a new node on top counts it once more. */
async function verifySeed(base: string, platte: Platte, nodes: number): Promise<void> {
  await expectCounted(base, nodes);
  const extra = 0x1000_0000 + nodes;
  await omaha(base, updateEngineRequest(extra, OLD));
  await expectCounted(base, nodes + 1);
  const series = (await get(base, ENDPOINTS.find(([name]) => name === 'series')![1])) as { points: { counts: Record<string, number> }[] };
  const last = series.points.at(-1)?.counts ?? {};
  const inLast = Object.values(last).reduce((a, b) => a + b, 0);
  if (series.points.length < 24 * 60 || inLast !== nodes) throw new Error(`series: ${series.points.length} points, the last counting ${inLast} nodes; expected a day of points counting ${nodes}`);
  // The extra node leaves the index and its keys go (the next size's seed rewrites the counters),
  // so each size starts from the scaled sample alone. Its progress entry, if granted, stays: no read here uses it.
  if (platte.backend.kind !== 'redis') throw new Error('bench needs the Redis store');
  const keys = storeKeys(PREFIX);
  const id = machineId(extra);
  await platte.backend.redis.pipeline().zrem(keys.instanceIndex(APP), id).del(keys.instance(APP, id), keys.history(APP, id)).exec();
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Median round trip (ms) of `REQUESTS` sequential GETs on a kept-alive connection, after a warm-up. */
async function time(base: string, path: string): Promise<number> {
  for (let i = 0; i < 10; i++) await get(base, path);
  const ms: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const t0 = process.hrtime.bigint();
    await get(base, path);
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return median(ms);
}

async function measure(base: string, platte: Platte, fleet: FastFleet): Promise<Map<number, Map<string, number>>> {
  const results = new Map<number, Map<string, number>>();
  for (const nodes of FLEETS) {
    const t0 = Date.now();
    await fleet.seed(nodes, Date.now());
    await fleet.seedSeries(platte.live.series.store, nodes, Date.now());
    await verifySeed(base, platte, nodes);
    const seeded = ((Date.now() - t0) / 1000).toFixed(1);
    const row = new Map<string, number>();
    for (const [name, path] of ENDPOINTS) {
      row.set(name, await time(base, path));
      console.log(`dashboard-data nodes=${nodes} endpoint=${name} median=${row.get(name)!.toFixed(2)}ms (${REQUESTS} requests; seeded in ${seeded}s)`);
    }
    results.set(nodes, row);
  }
  return results;
}

function report(results: Map<number, Map<string, number>>): void {
  const small = results.get(FLEETS[0]!)!;
  const big = results.get(FLEETS[FLEETS.length - 1]!)!;
  for (const [name] of ENDPOINTS) {
    const ratio = big.get(name)! / small.get(name)!;
    const ok = big.get(name)! < GOAL_MS;
    console.log(`dashboard-data endpoint=${name} 10k=${small.get(name)!.toFixed(2)}ms 1M=${big.get(name)!.toFixed(2)}ms ratio 1M/10k=${ratio.toFixed(2)} goal<${GOAL_MS}ms at 1M ${ok ? 'ok' : 'OVER'}`);
  }
}

async function main(): Promise<void> {
  const redis = await startRedis();
  const platte = await createPlatte(testConfig({ adminToken: BENCH_TOKEN, redisUrl: redis.url, redisPrefix: PREFIX }));
  const server = http.createServer(platte.app.callback());
  try {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    if (platte.backend.kind !== 'redis') throw new Error('bench needs the Redis store');
    await seedRelease(base, platte);
    await checkInSample(base);
    const sample = await platte.backend.redis.hgetall(storeKeys(PREFIX).counters(APP));
    const fleet = fastFleet(platte.backend.redis, PREFIX, APP, sample, SAMPLE);
    console.log(`dashboard-data sample: ${SAMPLE} real check-ins left ${Object.keys(sample).length} counter fields: ${Object.keys(sample).filter((f) => f.startsWith('c/')).join(' ')}`);
    report(await measure(base, platte, fleet));
  } finally {
    server.close();
    await platte.close();
    await redis.cleanup();
  }
}

await main();
