// What the counters say about the nodes following a channel (per architecture, per version), for
// the promotion checks and the dry run. O(buckets), never a walk over instances.
import { channelArchCounts, channelVersionCounts, OTHER_VERSION } from '../domain/counters.ts';
import { compareVersions } from '../domain/version.ts';
import type { AppConfig } from '../domain/types.ts';

export interface ArchGap {
  arch: string;
  nodes: number;
}

/** Architectures that nodes of the channel run and `version` has no package for, with their node counts. */
export function missingArches(config: AppConfig, counters: Readonly<Record<string, number>>, channel: string, version: string): ArchGap[] {
  const gaps: ArchGap[] = [];
  for (const [arch, nodes] of channelArchCounts(counters, channel)) {
    // Versions compare as Flatcar's do (3510.2 == 3510.2.0), so the package list is read, not keyed.
    if (nodes > 0 && !config.packages.some((p) => p.arch === arch && compareVersions(p.version, version) === 0)) {
      gaps.push({ arch, nodes });
    }
  }
  return gaps.sort((a, b) => b.nodes - a.nodes || (a.arch < b.arch ? -1 : 1));
}

/** Nodes of the channel that run a version below `version` (they would be offered it), by version. */
export function nodesBelow(counters: Readonly<Record<string, number>>, channel: string, version: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const [v, n] of channelVersionCounts(counters, channel)) {
    if (n > 0 && v !== OTHER_VERSION && compareVersions(v, version) < 0) out.set(v, n);
  }
  return out;
}
