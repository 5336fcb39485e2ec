// API tokens on Redis: one hash, token hash → JSON. bootstrapToken is one Lua script so two
// processes starting together cannot both add a first token. A revocation is published on a
// channel in the same MULTI as the delete; every process hears it on its own subscriber connection
// (a subscribed connection runs no other command), opened with the first listener.
import type { Redis } from 'ioredis';
import type { TokenStore } from '../types.ts';
import { decodeToken, encodeToken } from './codec.ts';
import type { RedisContext } from './context.ts';
import { execAll } from '../../../kernel/storage/redis/multi.ts';
import { ReplyCode, unexpectedReply } from '../../../kernel/storage/redis/reply-codes.ts';
import { runScript } from '../../../kernel/storage/redis/scripts.ts';
import { revocationListeners } from '../revocation-listeners.ts';

/** The subscriber connection that hears every process's revocations, opened by start() (idempotent). */
function revocationSubscriber({ redis, keys }: RedisContext, notify: (hash: string | null) => void): { start(): void; stop(): void } {
  let subscriber: Redis | null = null;
  return {
    start() {
      if (subscriber) return;
      const channel = keys.tokenRevocations();
      // Resubscribed by hand on every (re)connect, so listeners hear when the subscription is back.
      const sub = redis.duplicate({ lazyConnect: true, autoResubscribe: false, enableAutoPipelining: false });
      subscriber = sub;
      sub.on('error', () => {}); // the main connection reports Redis being away; this one retries by itself
      sub.on('message', (ch: string, hash: string) => {
        if (ch === channel) notify(hash);
      });
      sub.on('ready', () => {
        // A revocation published while this connection was down was missed: listeners forget everything.
        sub.subscribe(channel).then(
          () => notify(null),
          () => {}, // the connection broke again; the next 'ready' retries
        );
      });
      sub.connect().catch(() => {});
    },
    stop() {
      subscriber?.disconnect();
      subscriber = null;
    },
  };
}

export function createTokenStore(ctx: RedisContext): TokenStore & { stopRevocations(): void } {
  const { redis, keys } = ctx;
  const listeners = revocationListeners();
  const subscriber = revocationSubscriber(ctx, listeners.notify);

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
      if (reply !== ReplyCode.ok && reply !== ReplyCode.exists) throw unexpectedReply('bootstrapToken', reply);
      return reply === ReplyCode.ok;
    },

    async listTokens() {
      const h = await redis.hgetall(keys.tokens());
      return Object.entries(h)
        .map(([hash, json]) => decodeToken(hash, json))
        .sort((a, b) => a.createdAt - b.createdAt || (a.hash < b.hash ? -1 : 1));
    },

    async deleteToken(hash) {
      // One transaction: a revocation Redis acknowledged was also announced to every subscriber.
      const [removed] = await execAll(redis.multi().hdel(keys.tokens(), hash).publish(keys.tokenRevocations(), hash));
      // This process does not wait for its own announcement to come back.
      if (removed === 1) listeners.notify(hash);
      return removed === 1;
    },

    onTokenRevoked(listener) {
      const remove = listeners.add(listener);
      subscriber.start();
      return remove;
    },

    stopRevocations() {
      listeners.clear();
      subscriber.stop();
    },
  };
}
