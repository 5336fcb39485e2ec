// The slot-store contract on the Redis adapter, against a private redis-server.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { createRedisSlotStore } from '../../coordinator/store/redis/index.ts';
import { startRedis } from '../helpers/redis-server.ts';
import { runSlotStoreContract, storeOptions, T0 } from './slot-store.contract.ts';
import { assertLuaScriptsDocumented } from '../helpers/lua-headers.ts';

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
    assert.deepStrictEqual(assertLuaScriptsDocumented(dir).sort(), [
      'slotAdmit-2.lua', 'slotApply-6.lua', 'slotConfigure-2.lua', 'slotCreate-2.lua', 'slotExpire-4.lua', 'slotForget-6.lua', 'slotUnlist-2.lua',
    ]);
  });

  it('lone surrogates all reach Redis as U+FFFD: why FleetLock and the operator API refuse them', async () => {
    const { url } = await server;
    const redis = new Redis(url);
    try {
      const store = createRedisSlotStore(redis, 'surrogates', storeOptions());
      assert.equal((await store.acquire('g', 'node\ud800', T0)).result.kind, 'granted');
      assert.equal((await store.acquire('g', 'node\udbff', T0)).result.kind, 'held', 'another node, told it holds the slot');
      assert.equal((await store.release('g', 'node\udc00', T0, { event: 'release', by: 'node' })).kind, 'released', 'and a third releases it');
    } finally {
      await redis.quit();
    }
  });

  it("a group's keys share its hash tag; everything carries the prefix; braces in a name are escaped", async () => {
    const { url } = await server;
    const redis = new Redis(url);
    try {
      const store = createRedisSlotStore(redis, 'layout', storeOptions());
      await store.configure('web.eu-1', { max: 1 }, T0, 'op', true);
      await store.acquire('web.eu-1', 'a', T0);
      await store.acquire('web.eu-1', 'b', T0);
      await store.rememberTarget('a', '4081.2.0', T0);
      await store.rememberTarget('{b}', '4081.2.0', T0);
      const names = (await redis.keys('layout:*')).sort();
      assert.deepStrictEqual(names, [
        'layout:{coord}:groups',
        'layout:{grp:web.eu-1}:config',
        'layout:{grp:web.eu-1}:history',
        'layout:{grp:web.eu-1}:holders',
        'layout:{grp:web.eu-1}:leases',
        'layout:{grp:web.eu-1}:waiting',
        'layout:{grp:web.eu-1}:waiting-why',
        'layout:{mach:%7Bb%7D}:target',
        'layout:{mach:a}:target',
      ]);
      assert.equal(await redis.hget('layout:{grp:web.eu-1}:holders', 'a'), `1:${T0}:${T0 + 3600_000}`, 'compact holder record');
      assert.ok((await redis.ttl('layout:{mach:a}:target')) > 29 * 86400, 'target versions expire');
    } finally {
      await redis.quit();
    }
  });
});
