// An AppConfig snapshot indexed for O(1) lookups on the update path. Built once per config epoch.
import type { ChannelRecord, TrackGroupRecord, PackageRecord } from './types.ts';
import type { AppConfig } from './types.ts';

export interface ReleaseIndex {
  config: AppConfig;
  groupsByTrack: Map<string, TrackGroupRecord>;
  channels: Map<string, ChannelRecord>;
  /** `${version}\n${arch}` → package. */
  packages: Map<string, PackageRecord>;
  /** Versions never offered again. */
  pulled: string[];
}

export function packageKey(version: string, arch: string): string {
  return `${version}\n${arch}`;
}

export function indexRelease(config: AppConfig): ReleaseIndex {
  return {
    config,
    groupsByTrack: new Map(config.groups.map((g) => [g.track, g])),
    channels: new Map(config.channels.map((c) => [c.name, c])),
    packages: new Map(config.packages.map((p) => [packageKey(p.version, p.arch), p])),
    pulled: config.pulled.map((p) => p.version),
  };
}
