// An AppConfig snapshot indexed for O(1) lookups on the update path. Built once per config epoch.
import type { ChannelRecord, TrackGroupRecord, PackageRecord } from './types.ts';
import type { AppConfig } from './types.ts';
import type { PolicyWindow } from './rollout/policy.ts';
import { parseWindow } from '../../kernel/time/window-parse.ts';
import type { TimeWindow } from '../../kernel/time/windows.ts';

export interface ReleaseIndex {
  config: AppConfig;
  groupsByTrack: Map<string, TrackGroupRecord>;
  groupsById: Map<string, TrackGroupRecord>;
  /** Each group's update windows, parsed once per config (groups without windows are absent). */
  windows: Map<string, TimeWindow[]>;
  channels: Map<string, ChannelRecord>;
  /** `${version}\n${arch}` → package. */
  packages: Map<string, PackageRecord>;
  /** Versions never offered again. */
  pulled: string[];
  /** Machine ids marked as canaries. */
  canaries: ReadonlySet<string>;
}

export function packageKey(version: string, arch: string): string {
  return `${version}\n${arch}`;
}

export function indexRelease(config: AppConfig): ReleaseIndex {
  return {
    config,
    groupsByTrack: new Map(config.groups.map((g) => [g.track, g])),
    groupsById: new Map(config.groups.map((g) => [g.id, g])),
    windows: new Map(config.groups.filter((g) => g.policy.windows.length > 0).map((g) => [g.id, parsedWindows(g.policy.windows)])),
    channels: new Map(config.channels.map((c) => [c.name, c])),
    packages: new Map(config.packages.map((p) => [packageKey(p.version, p.arch), p])),
    pulled: config.pulled.map((p) => p.version),
    canaries: new Set(config.canaries),
  };
}

/**
 * A group's windows as stored. They were checked when the policy was written; one that no longer
 * parses (a time zone the runtime dropped) is left out rather than stopping every update of the app.
 */
function parsedWindows(list: readonly PolicyWindow[]): TimeWindow[] {
  const out: TimeWindow[] = [];
  for (const w of list) {
    try {
      out.push(parseWindow(w));
    } catch {
      // see above
    }
  }
  return out;
}
