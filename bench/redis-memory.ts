// Memory per tracked instance in the Redis store: writes 10,000 instances through applyCheckIn
// (one history entry, two counter prefixes each, realistic Flatcar attributes) into a fresh
// private redis-server and prints (used_memory after - before) / 10,000.
// Run: node --import tsx bench/redis-memory.ts [count] [historyEntries]
// (historyEntries > 1 writes that many distinct entries per instance, to see a longer history.)
import { randomBytes, randomUUID } from 'node:crypto';
import { closeBackend, openRedisBackend, type Backend } from '../kernel/storage/backend.ts';
import { createRedisStore } from '../server/store/redis/index.ts';
import { storeKeys } from '../server/store/redis/keys.ts';
import { startRedis } from '../tests/helpers/redis-server.ts';
import { FLATCAR_APP_ID } from '../protocol/omaha/appid.ts';

const APP = FLATCAR_APP_ID;
const PREFIX = 'platte';
const COUNT = Number(process.argv[2] ?? 10_000);
const HISTORY = Math.max(1, Number(process.argv[3] ?? 1));
const GOAL = 1024;

async function usedMemory(backend: Extract<Backend, { kind: 'redis' }>): Promise<number> {
  const info = await backend.redis.info('memory');
  const m = /^used_memory:(\d+)/m.exec(info);
  if (!m) throw new Error('INFO memory has no used_memory');
  return Number(m[1]);
}

const server = await startRedis();
const backend = (await openRedisBackend(server.url, PREFIX)) as Extract<Backend, { kind: 'redis' }>;
try {
  const store = await createRedisStore(backend);
  const now = Date.now();
  await store.createApp({ id: APP, name: 'Flatcar', createdAt: now }, {
    at: now, appId: APP, kind: 'app-created', actor: 'bench', message: 'created', data: {},
  });
  const epoch = (await store.loadAppConfig(APP))!.epoch;
  // Warm-up: one instance so per-app structures (index, counters) exist before measuring.
  const checkIn = (machineId: string, at: number) =>
    store.applyCheckIn(
      APP,
      epoch,
      {
        machineId,
        attrs: {
          alias: '',
          ip: `10.${(at >> 16) & 255}.${(at >> 8) & 255}.${at & 255}`,
          oem: 'ami',
          oemVersion: '',
          alephVersion: '3374.2.5',
          bootId: randomUUID(),
          version: '3510.2.0',
          track: 'stable',
          group: 'stable',
          channel: 'stable',
          arch: 'amd64',
          held: '',
        },
        status: { to: 'up-to-date', unlessIn: [] },
        history: Array.from({ length: HISTORY }, (_, h) => ({
          at: at + h,
          kind: 'event' as const,
          eventType: 3,
          eventResult: h % 2 ? 1 : 2,
          version: '3510.2.0',
          status: 'up-to-date' as const,
          repeat: 1,
        })),
        counterPrefixes: ['c/stable/3510.2.0', 'g/stable/3510.2.0'],
      },
      at,
    );
  await checkIn('0'.repeat(32), now);
  await backend.redis.call('MEMORY', 'PURGE');
  const before = await usedMemory(backend);

  const ids = Array.from({ length: COUNT }, () => randomBytes(16).toString('hex'));
  for (let i = 0; i < ids.length; i += 500) {
    await Promise.all(ids.slice(i, i + 500).map((id, j) => checkIn(id, now + i + j)));
  }
  await backend.redis.call('MEMORY', 'PURGE');
  const after = await usedMemory(backend);
  const perInstance = (after - before) / COUNT;

  const keys = storeKeys(PREFIX);
  const usage = async (key: string) => Number(await backend.redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));
  const sample = ids[0]!;
  const hash = await usage(keys.instance(APP, sample));
  const history = await usage(keys.history(APP, sample));
  const index = (await usage(keys.instanceIndex(APP))) / (await store.countInstances(APP));
  console.log(`instances written:        ${COUNT} (${HISTORY} history entr${HISTORY === 1 ? 'y' : 'ies'} each)`);
  console.log(`used_memory before/after: ${before} / ${after}`);
  console.log(`MEMORY USAGE one instance: hash ${hash} B, history ${history} B, index share ${index.toFixed(0)} B`);
  console.log(`bytes per instance:       ${perInstance.toFixed(0)} (goal <= ${GOAL}: ${perInstance <= GOAL ? 'met' : 'NOT met'})`);
} finally {
  await closeBackend(backend);
  await server.cleanup();
}
