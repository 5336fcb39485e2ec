// Per-process cache of each app's release index. An update check reads it without touching the
// store; the store refuses a check-in written against an old epoch, and then the entry is reloaded.
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
  private readonly loading = new Map<string, Promise<ReleaseIndex | null>>();

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

  /** Drops the entry (after a write by this process, or a stale-epoch refusal) and reloads it. */
  async reload(appId: string): Promise<ReleaseIndex | null> {
    this.invalidate(appId);
    return this.load(appId);
  }

  invalidate(appId: string): void {
    this.entries.delete(appId);
    this.unknown.delete(appId);
  }

  private load(appId: string): Promise<ReleaseIndex | null> {
    const pending = this.loading.get(appId);
    if (pending) return pending;
    const p = this.store
      .loadAppConfig(appId)
      .then((cfg) => {
        if (!cfg) {
          if (this.unknown.size > 10_000) this.unknown.clear();
          this.unknown.set(appId, this.now());
          return null;
        }
        const idx = indexRelease(cfg);
        this.entries.set(appId, { at: this.now(), index: idx });
        return idx;
      })
      .finally(() => this.loading.delete(appId));
    this.loading.set(appId, p);
    return p;
  }
}
