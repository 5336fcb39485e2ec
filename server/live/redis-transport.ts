// The change feed across Platte processes on one Redis: messages are published on one pub/sub
// channel, `<prefix>:live`, and every process hears it on a connection of its own (a subscribed
// connection runs no other command), opened when the process starts listening (its hub does, at
// start). Each message names the process that sent it, which skips its own (its listeners heard
// it first).
import crypto from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../../kernel/log.ts';
import { KeySpace } from '../../kernel/storage/redis/keys.ts';
import type { FeedListener, FeedMessage, Transport } from './feed.ts';

/** The pub/sub channel (not a key) of a deployment. */
export function liveChannel(prefix: string): string {
  return new KeySpace(prefix).standalone('live');
}

function parse(raw: string): { from: string; message: FeedMessage } | null {
  try {
    const v = JSON.parse(raw) as { from?: unknown; message?: { kind?: unknown } };
    if (typeof v.from !== 'string' || typeof v.message?.kind !== 'string') return null;
    return v as { from: string; message: FeedMessage };
  } catch {
    return null;
  }
}

export function createRedisTransport(redis: Redis, prefix: string, log: Logger): Transport {
  const channel = liveChannel(prefix);
  const self = crypto.randomUUID();
  let subscriber: Redis | null = null;

  return {
    publish(message) {
      // The store's client fails fast while Redis is away: the message is lost, which only delays
      // a refresh (the subscribers resync when their connection comes back).
      redis.publish(channel, JSON.stringify({ from: self, message })).catch(() => {});
    },
    listen(deliver: FeedListener) {
      if (subscriber) return;
      // Resubscribed by hand on every (re)connect, so listeners hear when messages may have been missed.
      const sub = redis.duplicate({ lazyConnect: true, autoResubscribe: false, enableAutoPipelining: false });
      subscriber = sub;
      sub.on('error', () => {}); // the main connection reports Redis being away; this one retries by itself
      sub.on('message', (ch: string, raw: string) => {
        if (ch !== channel) return;
        const m = parse(raw);
        if (!m) log.warn({ channel }, 'live: a message on the live channel could not be read');
        else if (m.from !== self) deliver(m.message);
      });
      sub.on('ready', () => {
        sub.subscribe(channel).then(
          () => deliver({ kind: 'resync' }),
          () => {}, // the connection broke again; the next 'ready' retries
        );
      });
      sub.connect().catch(() => {});
    },
    async close() {
      subscriber?.disconnect();
      subscriber = null;
    },
  };
}
