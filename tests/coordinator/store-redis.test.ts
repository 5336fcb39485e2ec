// The slot-store contract on the Redis adapter, against a private redis-server.
import { after } from 'node:test';
import { Redis } from 'ioredis';
import { createRedisSlotStore } from '../../coordinator/store/redis/index.ts';
import { startRedis } from '../helpers/redis-server.ts';
import { runSlotStoreContract } from './slot-store.contract.ts';

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
