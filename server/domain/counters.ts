// Dashboard counters. Each instance sits in one bucket per dimension; the store appends the status
// (`c/stable/3510.2.0|complete`) and moves the instance between buckets atomically, so "how many
// nodes run which version, in which state" is read without walking instances.
import { isValidVersion } from './version.ts';
import type { InstanceStatus } from './types.ts';

/** Characters the store uses as separators never appear in a bucket prefix. */
function clean(s: string, max = 64): string {
  return s.replace(/[^a-zA-Z0-9._-]/g, '_').slice(0, max);
}

/**
 * A node can send any version or track string; to keep the number of buckets bounded, versions
 * that are not release versions count as `other`, and unknown tracks are cut to 32 characters.
 */
export function counterPrefixes(p: { channel: string; group: string; track: string; version: string }): string[] {
  const version = isValidVersion(p.version) ? p.version : 'other';
  const channel = p.channel ? clean(p.channel) : '-';
  const group = p.group ? clean(p.group) : `?${clean(p.track, 32)}`;
  return [`c/${channel}/${version}`, `g/${group}/${version}`];
}

export interface Summary {
  instances: number;
  byVersion: Record<string, number>;
  byStatus: Partial<Record<InstanceStatus, number>>;
  /** channel → version → status → count ('-' = unknown track). */
  byChannel: Record<string, Record<string, Record<string, number>>>;
  /** group → version → status → count; `?<track>` = a track that matched no group. */
  byGroup: Record<string, Record<string, Record<string, number>>>;
  /** Tracks that matched no group → count: misconfigured nodes. */
  unknownTracks: Record<string, number>;
}

function add(tree: Record<string, Record<string, Record<string, number>>>, a: string, b: string, c: string, n: number) {
  const l1 = (tree[a] ??= {});
  const l2 = (l1[b] ??= {});
  l2[c] = (l2[c] ?? 0) + n;
}

/** Folds raw counter buckets into the summary the API and dashboard show. O(buckets). */
export function summarize(counters: Record<string, number>, instances: number): Summary {
  const s: Summary = { instances, byVersion: {}, byStatus: {}, byChannel: {}, byGroup: {}, unknownTracks: {} };
  for (const [bucket, n] of Object.entries(counters)) {
    const bar = bucket.lastIndexOf('|');
    const status = bucket.slice(bar + 1) as InstanceStatus;
    const [dim, name, version] = bucket.slice(0, bar).split('/') as [string, string, string];
    if (dim === 'c') {
      add(s.byChannel, name, version, status, n);
      s.byVersion[version] = (s.byVersion[version] ?? 0) + n;
      s.byStatus[status] = (s.byStatus[status] ?? 0) + n;
    } else if (dim === 'g') {
      add(s.byGroup, name, version, status, n);
      if (name.startsWith('?')) s.unknownTracks[name.slice(1)] = (s.unknownTracks[name.slice(1)] ?? 0) + n;
    }
  }
  return s;
}
