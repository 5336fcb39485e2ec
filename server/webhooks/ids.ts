// The random names Platte gives webhooks, deliveries and signing secrets.
import { randomBytes } from 'node:crypto';

/** A webhook's id: `wh_` and 20 hex digits (80 random bits). */
export const WEBHOOK_ID = /^wh_[0-9a-f]{20}$/;

export function newWebhookId(): string {
  return `wh_${randomBytes(10).toString('hex')}`;
}

/** A delivery's id, sent as `webhook-id`: `msg_` and 128 random bits in base64url. */
export function newMessageId(): string {
  return `msg_${randomBytes(16).toString('base64url')}`;
}

/**
 * A signing secret in the Standard Webhooks form: `whsec_` and 32 random bytes in base64 (the
 * specification asks for 24 to 64 bytes; the `standardwebhooks` Webhook class reads this form).
 */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}
