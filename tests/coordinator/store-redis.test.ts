// The slot-store contract on the Redis adapter, against a private redis-server.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { createRedisSlotStore } from '../../coordinator/store/redis/index.ts';
import { startRedis } from '../helpers/redis-server.ts';
import { runSlotStoreContract, storeOptions, T0 } from './slot-store.contract.ts';

const server = startRedis();
after(async () => (await server).cleanup());

let n = 0;
runSlotStoreContract('redis', async (opts) => {
  const { url } = await server;
  const prefix = `c${n++}`;
  const clients: Redis[] = [];
  const connect = () => {
    const redis = new Redis(url, { enableAutoPipelining: true, maxRetriesPerRequest: 2 });
    clients.push(redis);
    return createRedisSlotStore(redis, prefix, opts);
  };
  return {
    store: connect(),
    another: async () => connect(),
    cleanup: async () => {
      for (const c of clients) await c.quit();
    },
  };
});

describe('redis slot store: layout', () => {
  it('Lua scripts are named <name>-<numKeys>.lua and document every KEYS and ARGV they use', () => {
    const dir = fileURLToPath(new URL('../../coordinator/store/redis/lua', import.meta.url));
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.lua'));
    assert.deepStrictEqual(files.sort(), ['slotApply-6.lua', 'slotConfigure-2.lua', 'slotExpire-4.lua']);
    for (const file of files) {
      const m = /^[a-zA-Z]+-(\d+)\.lua$/.exec(file);
      assert.ok(m, `${file}: name`);
      const text = fs.readFileSync(path.join(dir, file), 'utf8');
      const header = /^--\[\[([\s\S]*?)\]\]/.exec(text)?.[1] ?? '';
      const body = text.slice(text.indexOf(']]') + 2);
      const usedKeys = [...body.matchAll(/KEYS\[(\d+)\]/g)].map((x) => Number(x[1]));
      assert.ok(Math.max(0, ...usedKeys) <= Number(m[1]), `${file}: uses only its declared keys`);
      for (let i = 1; i <= Number(m[1]); i++) assert.match(header, new RegExp(`KEYS\\[${i}\\]`), `${file}: documents KEYS[${i}]`);
      for (const n of new Set([...body.matchAll(/ARGV\[(\d+)\]/g)].map((x) => x[1]))) {
        assert.match(header, new RegExp(`ARGV\\[${n}\\]`), `${file}: documents ARGV[${n}]`);
      }
      assert.match(header, /Output:/, `${file}: documents its output`);
    }
  });

  it("a group's keys share its hash tag; everything carries the prefix", async () => {
    const { url } = await server;
    const redis = new Redis(url);
    try {
      const store = createRedisSlotStore(redis, 'layout', storeOptions());
      await store.configure('web.eu-1', { max: 1 }, T0, 'op', true);
      await store.acquire('web.eu-1', 'a', T0);
      await store.acquire('web.eu-1', 'b', T0);
      await store.rememberTarget('a', '4081.2.0', T0);
      const names = (await redis.keys('layout:*')).sort();
      assert.deepStrictEqual(names, [
        'layout:{coord}:groups',
        'layout:{grp:web.eu-1}:config',
        'layout:{grp:web.eu-1}:history',
        'layout:{grp:web.eu-1}:holders',
        'layout:{grp:web.eu-1}:leases',
        'layout:{grp:web.eu-1}:waiting',
        'layout:{grp:web.eu-1}:waiting-why',
        'layout:{mach:a}:target',
      ]);
      assert.equal(await redis.hget('layout:{grp:web.eu-1}:holders', 'a'), `1:${T0}:${T0 + 3600_000}`, 'compact holder record');
      assert.ok((await redis.ttl('layout:{mach:a}:target')) > 29 * 86400, 'target versions expire');
    } finally {
      await redis.quit();
    }
  });
});
