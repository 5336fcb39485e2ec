// Per-process cache of each app's release index. An update check reads it without touching the
// store; the store refuses a check-in written against an old epoch, and then a newer index is read
// (newerThan). Loads in flight are shared, but never by a caller that needs what they may predate.
// Unknown apps are remembered briefly so a node polling a wrong appid costs no store work either.
import { indexRelease, type ReleaseIndex } from '../domain/release-index.ts';
import type { ReleaseStore } from '../store/types.ts';

const NEGATIVE_TTL_MS = 2_000;
/**
 * Entries are refreshed after this long even without a refusal, which bounds how stale an answer to
 * a node without a machine id (nothing written, so no epoch check) can be across processes.
 */
const POSITIVE_TTL_MS = 10_000;

export class ReleaseCache {
  private readonly entries = new Map<string, { at: number; index: ReleaseIndex }>();
  private readonly unknown = new Map<string, number>();
  /** Loads in flight, numbered in the order they started. */
  private readonly loading = new Map<string, { seq: number; promise: Promise<ReleaseIndex | null> }>();
  /** Per app: loads numbered up to this one started before its last invalidation. */
  private readonly invalidatedAt = new Map<string, number>();
  private seq = 0;

  constructor(
    private readonly store: ReleaseStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** The app's index, or null for an unknown app. */
  async get(appId: string): Promise<ReleaseIndex | null> {
    const hit = this.entries.get(appId);
    if (hit && this.now() - hit.at < POSITIVE_TTL_MS) return hit.index;
    const miss = this.unknown.get(appId);
    if (miss !== undefined && this.now() - miss < NEGATIVE_TTL_MS) return null;
    return this.load(appId);
  }

  /**
   * After the store refused a check-in decided on `refusedEpoch`: an index of a newer epoch (null
   * when the app is gone). That is the cached entry when another check-in already brought one in,
   * else the result of a load started after this call: a load already in flight may have read the
   * config before the change that caused the refusal, so it is only used if it turns out newer.
   */
  async newerThan(appId: string, refusedEpoch: number): Promise<ReleaseIndex | null> {
    const hit = this.entries.get(appId);
    if (hit && hit.index.config.epoch > refusedEpoch) return hit.index;
    const since = this.seq;
    const pending = this.loading.get(appId);
    if (pending) {
      const idx = await pending.promise;
      if (idx && idx.config.epoch > refusedEpoch) return idx;
    }
    return this.load(appId, since);
  }

  /** Drops the entry after a write by this process: loads already in flight are neither joined nor kept. */
  invalidate(appId: string): void {
    this.entries.delete(appId);
    this.unknown.delete(appId);
    this.invalidatedAt.set(appId, this.seq);
  }

  /** Joins a load in flight that started after load number `after` (and after the last invalidation), else starts one. */
  private load(appId: string, after = 0): Promise<ReleaseIndex | null> {
    const floor = Math.max(after, this.invalidatedAt.get(appId) ?? 0);
    const pending = this.loading.get(appId);
    if (pending && pending.seq > floor) return pending.promise;
    const seq = ++this.seq;
    const promise = this.store
      .loadAppConfig(appId)
      .then((cfg) => {
        const current = seq > (this.invalidatedAt.get(appId) ?? 0);
        if (!cfg) {
          if (this.unknown.size > 10_000) this.unknown.clear();
          if (current) this.unknown.set(appId, this.now());
          return null;
        }
        const idx = indexRelease(cfg);
        // Loads may finish out of order: never replace an entry with an older epoch.
        const old = this.entries.get(appId);
        if (current && (!old || old.index.config.epoch <= cfg.epoch)) this.entries.set(appId, { at: this.now(), index: idx });
        return idx;
      })
      .finally(() => {
        if (this.loading.get(appId)?.seq === seq) this.loading.delete(appId);
      });
    this.loading.set(appId, { seq, promise });
    return promise;
  }
}
