// API tokens on Redis: one hash, token hash → JSON. bootstrapToken is one Lua script so two
// processes starting together cannot both add a first token.
import type { TokenStore } from '../types.ts';
import { decodeToken, encodeToken } from './codec.ts';
import type { RedisContext } from './context.ts';
import { runScript } from './scripts.ts';

export function createTokenStore({ redis, keys }: RedisContext): TokenStore {
  return {
    async findToken(hash) {
      const json = await redis.hget(keys.tokens(), hash);
      return json === null ? null : decodeToken(hash, json);
    },

    async addToken(token) {
      await redis.hset(keys.tokens(), token.hash, encodeToken(token));
    },

    async bootstrapToken(token) {
      const reply = await runScript<number>(redis, 'bootstrapToken', [keys.tokens()], [token.hash, encodeToken(token)]);
      return reply === 1;
    },

    async listTokens() {
      const h = await redis.hgetall(keys.tokens());
      return Object.entries(h)
        .map(([hash, json]) => decodeToken(hash, json))
        .sort((a, b) => a.createdAt - b.createdAt || (a.hash < b.hash ? -1 : 1));
    },

    async deleteToken(hash) {
      return (await redis.hdel(keys.tokens(), hash)) === 1;
    },
  };
}
