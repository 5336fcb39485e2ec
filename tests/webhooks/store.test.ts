// The webhook store contract on both stores: in-memory SQLite, and a private redis-server (where
// the keys stay under `<prefix>:{webhooks}` and the Lua scripts follow the project's header style).
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { closeBackend, openMemoryBackend, openRedisBackend, type Backend } from '../../kernel/storage/backend.ts';
import { hashTagOf } from '../../kernel/storage/redis/keys.ts';
import { openWebhookStore } from '../../server/webhooks/store/open.ts';
import { MIGRATIONS } from '../../server/webhooks/store/schema.ts';
import { assertLuaScriptsDocumented } from '../helpers/lua-headers.ts';
import { startRedis, type TestRedis } from '../helpers/redis-server.ts';
import { delivery, hook, runWebhookStoreContract } from './store.contract.ts';

runWebhookStoreContract('embedded', async () => {
  const backend = openMemoryBackend();
  return { store: openWebhookStore(backend), cleanup: () => closeBackend(backend) };
});

let redis: Promise<TestRedis> | null = null;
let prefixes = 0;
after(async () => {
  if (redis) await (await redis).cleanup();
});

async function openRedis(): Promise<{ backend: Extract<Backend, { kind: 'redis' }>; prefix: string }> {
  redis ??= startRedis();
  const prefix = `wh${prefixes++}`;
  const backend = await openRedisBackend((await redis).url, prefix);
  if (backend.kind !== 'redis') throw new Error('expected redis');
  return { backend, prefix };
}

runWebhookStoreContract('redis', async () => {
  const { backend } = await openRedis();
  return { store: openWebhookStore(backend), cleanup: () => closeBackend(backend) };
});

describe('webhook store: embedded specifics', () => {
  it("runs its tables as the 'webhooks' migration set, once", async () => {
    const backend = openMemoryBackend();
    if (backend.kind !== 'embedded') throw new Error('expected embedded');
    openWebhookStore(backend);
    openWebhookStore(backend);
    const rows = backend.db.prepare("SELECT version FROM schema_migrations WHERE component = 'webhooks'").pluck().all();
    assert.deepEqual(rows, MIGRATIONS.map((m) => m.version));
    await closeBackend(backend);
  });
});

describe('webhook store: Redis specifics', () => {
  it('keeps every key under <prefix>:{webhooks}, one Cluster slot', async () => {
    const { backend, prefix } = await openRedis();
    const store = openWebhookStore(backend);
    const h = hook(1);
    await store.createHook(h);
    await store.addDelivery(delivery(h.id, 1));
    const keys = await backend.redis.keys(`${prefix}:*`);
    assert.ok(keys.length >= 4, keys.join(' '));
    for (const k of keys) assert.equal(hashTagOf(k), 'webhooks', k);
    await store.deleteHook(h.id);
    assert.deepEqual((await backend.redis.keys(`${prefix}:*`)).sort(), [`${prefix}:{webhooks}:seq`], 'a deleted webhook leaves only the counter');
    await closeBackend(backend);
  });

  it('documents its Lua scripts', () => {
    const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../server/webhooks/store/lua');
    assert.equal(assertLuaScriptsDocumented(dir).length, 4);
  });
});
