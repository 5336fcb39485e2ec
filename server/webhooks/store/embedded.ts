// The webhook store on the embedded backend's SQLite file (tables in schema.ts). better-sqlite3 is
// synchronous and one process owns the file, so each call is one statement or one transaction.
import type Database from 'better-sqlite3';
import { DELIVERY_LOG_CAP, WEBHOOK_CAP, type AttemptRecord, type Delivery, type DeliveryStatus, type DeliveryType, type StoredWebhook, type WebhookEventType, type WebhookStore } from '../types.ts';
import { migrate } from './schema.ts';

interface HookRow {
  id: string;
  url: string;
  events: string;
  description: string | null;
  secret: string;
  created_at: number;
}

interface DeliveryRow {
  id: string;
  hook_id: string;
  type: string;
  payload: string;
  status: string;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  created_at: number;
  last_attempt_at: number | null;
  delivered_at: number | null;
}

const hookOf = (r: HookRow): StoredWebhook => ({
  id: r.id,
  url: r.url,
  events: JSON.parse(r.events) as WebhookEventType[],
  description: r.description,
  createdAt: r.created_at,
  secret: r.secret,
});

const deliveryOf = (r: DeliveryRow): Delivery => ({
  id: r.id,
  hookId: r.hook_id,
  type: r.type as DeliveryType,
  payload: r.payload,
  status: r.status as DeliveryStatus,
  attempts: r.attempts,
  lastStatusCode: r.last_status_code,
  lastError: r.last_error,
  createdAt: r.created_at,
  lastAttemptAt: r.last_attempt_at,
  deliveredAt: r.delivered_at,
});

function statements(db: Database.Database) {
  return {
    countHooks: db.prepare('SELECT COUNT(*) FROM webhook_hooks').pluck(),
    insertHook: db.prepare('INSERT INTO webhook_hooks (id, url, events, description, secret, created_at) VALUES (?, ?, ?, ?, ?, ?)'),
    hook: db.prepare('SELECT * FROM webhook_hooks WHERE id = ?'),
    hooks: db.prepare('SELECT * FROM webhook_hooks ORDER BY created_at, id'),
    deleteHook: db.prepare('DELETE FROM webhook_hooks WHERE id = ?'),
    deleteLog: db.prepare('DELETE FROM webhook_deliveries WHERE hook_id = ?'),
    insertDelivery: db.prepare(
      `INSERT INTO webhook_deliveries (id, hook_id, type, payload, status, attempts, last_status_code, last_error, created_at, last_attempt_at, delivered_at)
       VALUES (@id, @hookId, @type, @payload, @status, @attempts, @lastStatusCode, @lastError, @createdAt, @lastAttemptAt, @deliveredAt)`,
    ),
    // Everything at or below the seq of the first delivery past the cap (newest first) goes.
    trimLog: db.prepare(
      `DELETE FROM webhook_deliveries WHERE hook_id = @hookId AND seq <=
         (SELECT seq FROM webhook_deliveries WHERE hook_id = @hookId ORDER BY seq DESC LIMIT 1 OFFSET @cap)`,
    ),
    delivery: db.prepare('SELECT * FROM webhook_deliveries WHERE id = ?'),
    attempt: db.prepare(
      `UPDATE webhook_deliveries SET attempts = attempts + 1, status = @status, last_status_code = @statusCode, last_error = @error,
         last_attempt_at = @at, delivered_at = CASE WHEN @status = 'delivered' THEN @at ELSE delivered_at END WHERE id = @id`,
    ),
    fail: db.prepare("UPDATE webhook_deliveries SET status = 'failed', last_error = ? WHERE id = ? AND status = 'pending'"),
    log: db.prepare('SELECT * FROM webhook_deliveries WHERE hook_id = ? ORDER BY seq DESC LIMIT ?'),
  };
}

export function createEmbeddedWebhookStore(db: Database.Database): WebhookStore {
  migrate(db);
  const s = statements(db);
  const createHook = db.transaction((h: StoredWebhook): 'ok' | 'full' => {
    if ((s.countHooks.get() as number) >= WEBHOOK_CAP) return 'full';
    s.insertHook.run(h.id, h.url, JSON.stringify(h.events), h.description, h.secret, h.createdAt);
    return 'ok';
  });
  const deleteHook = db.transaction((id: string) => {
    s.deleteLog.run(id);
    return s.deleteHook.run(id).changes > 0;
  });
  const addDelivery = db.transaction((d: Delivery) => {
    if (!s.hook.get(d.hookId)) return false;
    s.insertDelivery.run(d);
    s.trimLog.run({ hookId: d.hookId, cap: DELIVERY_LOG_CAP });
    return true;
  });
  const getDelivery = (id: string) => {
    const row = s.delivery.get(id) as DeliveryRow | undefined;
    return row ? deliveryOf(row) : null;
  };
  return {
    createHook: async (hook) => createHook.immediate(hook),
    getHook: async (id) => {
      const row = s.hook.get(id) as HookRow | undefined;
      return row ? hookOf(row) : null;
    },
    listHooks: async () => (s.hooks.all() as HookRow[]).map(hookOf),
    deleteHook: async (id) => deleteHook.immediate(id),
    addDelivery: async (delivery) => addDelivery.immediate(delivery),
    getDelivery: async (id) => getDelivery(id),
    recordAttempt: async (id, a: AttemptRecord) => (s.attempt.run({ id, ...a }).changes > 0 ? getDelivery(id) : null),
    markFailed: async (id, error) => s.fail.run(error, id).changes > 0,
    listDeliveries: async (hookId, limit) => (s.log.all(hookId, limit) as DeliveryRow[]).map(deliveryOf),
  };
}
