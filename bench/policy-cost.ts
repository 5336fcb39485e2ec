// What a running rollout and a full group policy set cost the update-check path. Two Platte
// processes on the same store kind take the same update-check load (autocannon, as
// bench/update-check.ts): one with the channel promoted plainly and no policy, one where the same
// version is being rolled out (a running step at 100 %, so both answer the same) and the group has
// every policy that decides per check (rate limit, in-progress limit, update timeout, update
// windows in a time zone), none of them binding. Rounds alternate between the two (ABBA), so a
// machine busy with something else slows both alike; the rates are the medians. Goal: cost ≤ 15 %.
//
//   npm run bench:policy -- [seconds-per-round] [rounds] [embedded|redis]
// Internally the same file serves as the target: policy-cost.ts --serve <plain|policies> <port> <store>.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { testConfig } from '../platte/config.ts';
import { createPlatte } from '../platte/platte.ts';
import { APP, BENCH_TOKEN, benchApi, seedFlatcar, updateEngineRequest } from './fixtures/flatcar.ts';
import { freePort, startRedis } from '../tests/helpers/redis-server.ts';
import { drive, startTarget, type LoadResult } from './load.ts';

const MACHINES = 10_000;
const CONNECTIONS = 32;
const [CURRENT, BEHIND] = ['3602.2.0', '3510.2.0'];

/** The group policy of the "policies" target: every per-check rule on, none binding. */
const FULL_POLICY = {
  maxUpdatesPerPeriod: { count: 1_000_000, period: '1h' },
  maxInProgress: 1_000_000,
  updateTimeout: '1d',
  windows: [
    { days: 'Mon-Fri', start: '00:00', length: '24h', zone: 'Europe/Berlin' },
    { days: 'Sat-Sun', start: '00:00', length: '24h', zone: 'Europe/Berlin' },
  ],
};

/** update_engine's check: 90 % of the machines on the channel's version, 10 % one behind (granted). */
function request(i: number): string {
  const n = i % MACHINES;
  return updateEngineRequest(n, n % 10 === 0 ? BEHIND : CURRENT);
}

// ---- the target process

async function serve(variant: 'plain' | 'policies', port: number, store: string): Promise<void> {
  const dataDir = store === 'embedded' ? fs.mkdtempSync(path.join(os.tmpdir(), `platte-bench-policy-${variant}-`)) : '';
  const config = store === 'embedded' ? { dataDir } : { redisUrl: store, redisPrefix: `bench-${variant}` };
  const platte = await createPlatte(testConfig({ adminToken: BENCH_TOKEN, ...config }));
  const server = http.createServer(platte.app.callback());
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  const api = benchApi(`http://127.0.0.1:${port}`);
  await seedFlatcar(api, [BEHIND, CURRENT]);
  if (variant === 'plain') {
    await api('PUT', `/api/v1/apps/${APP}/channels/stable`, { version: CURRENT });
  } else {
    await api('PUT', `/api/v1/apps/${APP}/channels/stable`, { version: BEHIND });
    await api('PUT', `/api/v1/apps/${APP}/groups/stable`, { policy: FULL_POLICY });
    // The first step opens the second (100 %, soaking for 30 days) at the first pass of the rules.
    const rollout = { steps: [{ percent: 50, soak: 0 }, { percent: 100, soak: '30d' }], haltOn: { failurePercent: 50 } };
    await api('PUT', `/api/v1/apps/${APP}/channels/stable`, { version: CURRENT, rollout });
    await platte.rollouts.evaluate();
  }
  process.stdout.write('ready\n');
  process.on('SIGTERM', () => {
    server.close();
    void platte.close().then(() => {
      if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
      process.exit(0);
    });
  });
}

// ---- the driver

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Both targets must answer alike (a node one behind is offered the update), or the rates compare different work. */
async function checkSameAnswers(urls: string[]): Promise<void> {
  for (const i of [0, 1]) {
    const answers = await Promise.all(urls.map(async (u) => (await fetch(`${u}/v1/update/`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: request(i) })).text()));
    const statuses = answers.map((a) => /<updatecheck[^>]*status="([a-z]+)"/.exec(a)?.[1]);
    const want = i % 10 === 0 ? 'ok' : 'noupdate';
    if (statuses.some((st) => st !== want)) throw new Error(`machine ${i}: expected updatecheck ${want} from both targets, got ${statuses.join(', ')}`);
  }
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 5);
  const rounds = Number(process.argv[3] ?? 4);
  const storeKind = process.argv[4] ?? 'embedded';
  if (storeKind !== 'embedded' && storeKind !== 'redis') throw new Error(`store must be embedded or redis, not ${storeKind}`);
  const redis = storeKind === 'redis' ? await startRedis() : null;
  const store = redis?.url ?? 'embedded';
  const targets: { name: string; url: string; stop(): Promise<void> }[] = [];
  try {
    for (const variant of ['plain', 'policies'] as const) {
      const port = await freePort();
      const t = await startTarget('bench/policy-cost.ts', ['--serve', variant, String(port), store]);
      targets.push({ name: variant, url: `http://127.0.0.1:${port}`, stop: () => t.stop() });
    }
    await checkSameAnswers(targets.map((t) => t.url));
    const run = (url: string, s: number): Promise<LoadResult> => drive({ url, path: '/v1/update/', seconds: s, connections: CONNECTIONS, body: request });
    // Warm-up: every machine checks in once on both (the rounds then measure known instances).
    for (const t of targets) await run(t.url, seconds);
    const rates = new Map<string, number[]>(targets.map((t) => [t.name, []]));
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? targets : [...targets].reverse();
      for (const t of order) {
        const res = await run(t.url, seconds);
        if (res.errors > 0 || res.non2xx > 0) throw new Error(`${t.name}: ${res.errors} errors, ${res.non2xx} non-2xx answers`);
        rates.get(t.name)!.push(res.rps);
      }
    }
    const plain = median(rates.get('plain')!);
    const policies = median(rates.get('policies')!);
    const cost = (1 - policies / plain) * 100;
    const fmt = (xs: number[]) => xs.map((x) => x.toFixed(0)).join('/');
    console.log(
      `policy-cost store=${storeKind} plain=${plain.toFixed(0)} req/s rollout+policies=${policies.toFixed(0)} req/s ` +
        `ratio=${(policies / plain).toFixed(3)} cost=${cost.toFixed(1)}% goal<=15% ${cost <= 15 ? 'ok' : 'OVER'} ` +
        `(${rounds} rounds of ${seconds}s, ${CONNECTIONS} connections, ${MACHINES} machines; plain ${fmt(rates.get('plain')!)}, policies ${fmt(rates.get('policies')!)})`,
    );
  } finally {
    for (const t of targets) await t.stop();
    await redis?.cleanup();
  }
}

if (process.argv[2] === '--serve') {
  await serve(process.argv[3] as 'plain' | 'policies', Number(process.argv[4]), process.argv[5] ?? 'embedded');
} else {
  await main();
}
