// The webhook store on Redis (keys in redis-keys.ts). Writes that must hold together across
// processes (the cap on webhooks, a delivery joining a capped log, deleting a webhook with its log,
// an attempt's read-modify-write) are one Lua script each; reads are plain commands.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { guardRedisStore } from '../../../kernel/storage/redis/guard.ts';
import { ReplyCode, unexpectedReply } from '../../../kernel/storage/redis/reply-codes.ts';
import { defineScripts, runScript } from '../../../kernel/storage/redis/scripts.ts';
import { DELIVERY_LOG_CAP, WEBHOOK_CAP, type Delivery, type StoredWebhook, type WebhookStore } from '../types.ts';
import { WebhookKeys } from './redis-keys.ts';

const LUA_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'lua');

const byAge = (a: StoredWebhook, b: StoredWebhook) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** What both halves of the store work with: the connection and the key names. */
interface WebhookContext {
  redis: Redis;
  keys: WebhookKeys;
}

/** The delivery after the change, null when it is gone or (onlyPending) no longer pending. */
async function updateDelivery(
  { redis, keys }: WebhookContext,
  id: string,
  fields: Partial<Delivery>,
  countAttempt: boolean,
  onlyPending: boolean,
): Promise<Delivery | null> {
  const reply = await runScript<string | number>(redis, 'webhookUpdateDelivery', [keys.deliveries()], [id, JSON.stringify(fields), countAttempt ? 1 : 0, onlyPending ? 1 : 0]);
  if (typeof reply === 'string') return JSON.parse(reply) as Delivery;
  if (reply === ReplyCode.missing || reply === ReplyCode.none) return null;
  throw unexpectedReply('webhookUpdateDelivery', reply);
}

/** The webhooks themselves: capped on create, deleted together with their delivery log. */
function hookCalls({ redis, keys }: WebhookContext): Pick<WebhookStore, 'createHook' | 'getHook' | 'listHooks' | 'deleteHook'> {
  const hooksKey = keys.hooks();
  const deliveriesKey = keys.deliveries();
  return {
    async createHook(hook) {
      const reply = await runScript<number>(redis, 'webhookCreate', [hooksKey], [hook.id, JSON.stringify(hook), WEBHOOK_CAP]);
      if (reply === ReplyCode.ok) return 'ok';
      if (reply === ReplyCode.capReached) return 'full';
      throw unexpectedReply('webhookCreate', reply);
    },
    async getHook(id) {
      const raw = await redis.hget(hooksKey, id);
      return raw ? (JSON.parse(raw) as StoredWebhook) : null;
    },
    async listHooks() {
      const all = await redis.hvals(hooksKey);
      return all.map((raw) => JSON.parse(raw) as StoredWebhook).sort(byAge);
    },
    async deleteHook(id) {
      const reply = await runScript<number>(redis, 'webhookDelete', [hooksKey, deliveriesKey, keys.log(id)], [id]);
      if (reply === ReplyCode.ok) return true;
      if (reply === ReplyCode.missing) return false;
      throw unexpectedReply('webhookDelete', reply);
    },
  };
}

/** Deliveries: each joins its webhook's capped log; attempts are read-modify-writes in one script. */
function deliveryCalls(ctx: WebhookContext): Pick<WebhookStore, 'addDelivery' | 'getDelivery' | 'recordAttempt' | 'markFailed' | 'listDeliveries'> {
  const { redis, keys } = ctx;
  const hooksKey = keys.hooks();
  const deliveriesKey = keys.deliveries();
  return {
    async addDelivery(d) {
      const scriptKeys = [hooksKey, deliveriesKey, keys.log(d.hookId), keys.seq()];
      const reply = await runScript<number>(redis, 'webhookAddDelivery', scriptKeys, [d.hookId, d.id, JSON.stringify(d), DELIVERY_LOG_CAP]);
      if (reply === ReplyCode.ok) return true;
      if (reply === ReplyCode.missing) return false;
      throw unexpectedReply('webhookAddDelivery', reply);
    },
    async getDelivery(id) {
      const raw = await redis.hget(deliveriesKey, id);
      return raw ? (JSON.parse(raw) as Delivery) : null;
    },
    async recordAttempt(id, a) {
      const fields: Partial<Delivery> = { status: a.status, lastStatusCode: a.statusCode, lastError: a.error, lastAttemptAt: a.at };
      if (a.status === 'delivered') fields.deliveredAt = a.at;
      return updateDelivery(ctx, id, fields, true, false);
    },
    async markFailed(id, error) {
      return (await updateDelivery(ctx, id, { status: 'failed', lastError: error }, false, true)) !== null;
    },
    async listDeliveries(hookId, limit) {
      const ids = await redis.zrevrange(keys.log(hookId), 0, limit - 1);
      if (ids.length === 0) return [];
      // An id trimmed or deleted between the two reads has no record any more: left out.
      const raws = await redis.hmget(deliveriesKey, ...ids);
      return raws.flatMap((raw) => (raw ? [JSON.parse(raw) as Delivery] : []));
    },
  };
}

export function createRedisWebhookStore(redis: Redis, prefix: string): WebhookStore {
  defineScripts(redis, LUA_DIR);
  const ctx: WebhookContext = { redis, keys: new WebhookKeys(prefix) };
  // Every call answers StoreUnavailableError when Redis does not answer (kernel/storage/redis/guard.ts).
  return guardRedisStore(redis, {
    ...hookCalls(ctx),
    ...deliveryCalls(ctx),
  });
}
