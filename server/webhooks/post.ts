// One HTTP attempt of a delivery: the body as stored, signed as Standard Webhooks specifies
// (webhook-id, webhook-timestamp, webhook-signature, by the `standardwebhooks` package), with a
// deadline. It never throws: what happened is the answer, for the delivery log.
import { Webhook } from 'standardwebhooks';
import type { Delivery, StoredWebhook } from './types.ts';

/** The fetch a delivery uses (global fetch unless a test passes its own). */
export type Fetch = typeof fetch;

interface AttemptOutcome {
  /** Answered 2xx. */
  ok: boolean;
  statusCode: number | null;
  /** Why it is not ok: the status, or what stopped it (refused, timed out…). */
  error: string | null;
}

/** The three signature headers for `payload` sent at `at`. */
function signatureHeaders(secret: string, msgId: string, at: number, payload: string): Record<string, string> {
  const signed = new Date(at);
  return {
    'webhook-id': msgId,
    'webhook-timestamp': String(Math.floor(signed.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(msgId, signed, payload),
  };
}

/** The most of a failed answer's body kept in the log's error, so a target's reason shows. */
const ERROR_BODY_CHARS = 200;

async function answerText(res: Response): Promise<string> {
  const text = await res.text().catch(() => '');
  return text.length > ERROR_BODY_CHARS ? `${text.slice(0, ERROR_BODY_CHARS)}…` : text;
}

/** What stopped a request, in words: fetch wraps the network error in a TypeError's cause. */
function reason(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  const cause = e?.cause;
  if (cause?.code) return `${cause.code}${cause.message ? `: ${cause.message}` : ''}`;
  return e?.message ?? String(err);
}

export async function postDelivery(hook: StoredWebhook, delivery: Delivery, at: number, opts: { fetch: Fetch; timeoutMs: number }): Promise<AttemptOutcome> {
  const headers = { 'content-type': 'application/json', 'user-agent': 'Platte-Webhooks', ...signatureHeaders(hook.secret, delivery.id, at, delivery.payload) };
  try {
    const res = await opts.fetch(hook.url, { method: 'POST', headers, body: delivery.payload, redirect: 'manual', signal: AbortSignal.timeout(opts.timeoutMs) });
    if (res.status >= 200 && res.status < 300) {
      await res.body?.cancel().catch(() => {});
      return { ok: true, statusCode: res.status, error: null };
    }
    const text = await answerText(res);
    return { ok: false, statusCode: res.status, error: `answered ${res.status}${text ? `: ${text}` : ''}` };
  } catch (err) {
    return { ok: false, statusCode: null, error: reason(err, opts.timeoutMs) };
  }
}
