// The series keys on Redis. They sit in the app's hash tag `{app:<appid>}` beside the update
// server's keys of the app, so a snapshot's script touches one Cluster slot; the scopes an app has
// are listed in one hash, so trimming never needs KEYS or SCAN.
import { KeySpace, type HashTag } from '../../../kernel/storage/redis/keys.ts';
import type { Resolution } from '../types.ts';

export class SeriesKeys {
  private readonly app: (appId: string) => HashTag;

  constructor(prefix: string) {
    this.app = new KeySpace(prefix).tagged('app');
  }

  /** Hash: scope → the last minute it had nodes (ms). */
  scopes(appId: string): string {
    return this.app(appId).key('series-scopes');
  }

  /** Sorted set: one member `<taken>:<counts>` per step, scored by the step's start. */
  points(appId: string, resolution: Resolution, scope: string): string {
    return this.app(appId).key(resolution === 'minute' ? 'series-m' : 'series-h', scope);
  }
}
