// The fleet summary the API and the dashboard show, folded from the counter buckets
// (counters.ts): nodes per version, status, channel and group, the unknown tracks, and the
// held-back nodes per channel and reason. O(buckets), whatever the fleet size.
import { dict } from '../../kernel/dict.ts';
import { STALE } from './counters.ts';
import { addHeldBucket, type HeldBack } from './held-counters.ts';
import type { InstanceStatus } from './types.ts';

/** name → version → status → count. Records keyed by data are built without a prototype (dict). */
type Tree = Record<string, Record<string, Record<string, number>>>;

export interface Summary {
  instances: number;
  byVersion: Record<string, number>;
  /** Stale instances count under `stale` (STALE), not their status. */
  byStatus: Partial<Record<InstanceStatus | typeof STALE, number>>;
  /** channel → version → status → count ('-' = unknown track). */
  byChannel: Tree;
  /** group → version → status → count; `?<track>` = a track that matched no group. */
  byGroup: Tree;
  /** Tracks that matched no group → count: misconfigured nodes. */
  unknownTracks: Record<string, number>;
  /** channel → why idle nodes that are behind get no update → count (held-counters.ts). */
  heldBack: HeldBack;
}

function add(tree: Tree, a: string, b: string, c: string, n: number) {
  const l1 = (tree[a] ??= dict());
  const l2 = (l1[b] ??= dict());
  l2[c] = (l2[c] ?? 0) + n;
}

function addTo(record: Record<string, number>, key: string, n: number) {
  record[key] = (record[key] ?? 0) + n;
}

/** Folds raw counter buckets into the summary the API and dashboard show. O(buckets). */
export function summarize(counters: Record<string, number>, instances: number): Summary {
  const s: Summary = { instances, byVersion: dict(), byStatus: dict(), byChannel: dict(), byGroup: dict(), unknownTracks: dict(), heldBack: dict() };
  for (const [bucket, n] of Object.entries(counters)) {
    const bar = bucket.lastIndexOf('|');
    if (bar < 0) continue;
    const status = bucket.slice(bar + 1) as InstanceStatus | typeof STALE;
    const [dim, name, version] = bucket.slice(0, bar).split('/') as [string, string, string];
    if (dim === 'c') {
      add(s.byChannel, name, version, status, n);
      addTo(s.byVersion, version, n);
      addTo(s.byStatus, status, n);
    } else if (dim === 'g') {
      add(s.byGroup, name, version, status, n);
      if (name.startsWith('?')) addTo(s.unknownTracks, name.slice(1), n);
    } else {
      addHeldBucket(s.heldBack, bucket, n);
    }
    // The other dimensions (`a/` arches, `t/` rollout targets, `h/` held back) count a node a
    // second time, and `f/` counts events: only the held-back reasons are kept, apart.
  }
  return s;
}
