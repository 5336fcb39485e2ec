// The webhook keys on Redis. They all share the hash tag `{webhooks}`, so every script touches one
// Cluster slot; there are few (a hash of webhooks, a hash of deliveries, one capped log per
// webhook and a counter), and nothing is ever found by KEYS or SCAN.
import { KeySpace, type HashTag } from '../../../kernel/storage/redis/keys.ts';

export class WebhookKeys {
  private readonly tag: HashTag;

  constructor(prefix: string) {
    this.tag = new KeySpace(prefix).fixedTag('webhooks');
  }

  /** Hash: webhook id → StoredWebhook JSON. */
  hooks(): string {
    return this.tag.key('hooks');
  }

  /** Hash: delivery id → Delivery JSON (only the deliveries some webhook's log still holds). */
  deliveries(): string {
    return this.tag.key('deliveries');
  }

  /** Sorted set: the webhook's delivery ids scored by `seq`, so the highest score is the newest. */
  log(hookId: string): string {
    return this.tag.key('log', hookId);
  }

  /** String: the counter that scores log entries (one for every webhook). */
  seq(): string {
    return this.tag.key('seq');
  }
}
