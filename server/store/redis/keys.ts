// Every Redis key the update server's store uses is named here and nowhere else, spelled by the
// kernel's KeySpace. An app's keys share the hash tag `{app:<appid>}` so they live in one Cluster
// slot and one Lua script may touch them together; tokens and the app list stand alone.
import { KeySpace } from '../../../kernel/storage/redis/keys.ts';

export interface StoreKeys {
  /** Set of app ids (global; may hold an id whose app hash is missing after a crash: filtered on read). */
  apps(): string;
  /** Hash: name, createdAt, epoch, and the stale sweep's watermark staleAt, staleId (lua/staleCandidates-2.lua). */
  app(appId: string): string;
  /** Hash: packageField(version, arch) → package JSON. */
  packages(appId: string): string;
  /** Set of versions that have at least one package (any arch). */
  versions(appId: string): string;
  /** Hash: channel name → channel JSON. */
  channels(appId: string): string;
  /** Hash: group id → group JSON (written by Lua). */
  groups(appId: string): string;
  /** Hash: track → group id (one group per track). */
  tracks(appId: string): string;
  /** Hash: version → pulled JSON (versions never offered again; written by pullPackage-4.lua). */
  pulled(appId: string): string;
  /** Set of machine ids marked as canaries (written by setCanary-3.lua). */
  canaries(appId: string): string;
  /** List of activity JSON, newest first, capped. */
  activity(appId: string): string;
  /** Hash with short field names (see codec.ts). */
  instance(appId: string, machineId: string): string;
  /** List of compact history entries, newest first, capped. */
  history(appId: string, machineId: string): string;
  /** Sorted set: machine id scored by lastCheck (listing, pruning, ZCARD count). */
  instanceIndex(appId: string): string;
  /** Hash: `<prefix>|<status>` → count. */
  counters(appId: string): string;
  /** Sorted set: machine id of each node in progress (domain/rollout/limits.ts) scored by its grant time; its group is the instance hash's field pg. */
  progress(appId: string): string;
  /** Hash: group → nodes in progress in it. */
  progressCounts(appId: string): string;
  /** Sorted set: machine id → its latest grant time in the group (the period limit), trimmed to GRANT_RETENTION_MS. */
  groupGrants(appId: string, group: string): string;
  /** Hash: token hash → token JSON. */
  tokens(): string;
  /** Pub/sub channel (not a key): the hash of each revoked token, so every process evicts it. */
  tokenRevocations(): string;
}

export function storeKeys(prefix: string): StoreKeys {
  const space = new KeySpace(prefix);
  const app = space.tagged('app');
  return {
    apps: () => space.standalone('apps'),
    app: (appId) => app(appId).key('app'),
    packages: (appId) => app(appId).key('pkgs'),
    versions: (appId) => app(appId).key('vers'),
    channels: (appId) => app(appId).key('chans'),
    groups: (appId) => app(appId).key('groups'),
    tracks: (appId) => app(appId).key('tracks'),
    pulled: (appId) => app(appId).key('pulled'),
    canaries: (appId) => app(appId).key('canaries'),
    activity: (appId) => app(appId).key('activity'),
    instance: (appId, machineId) => app(appId).key('i', machineId),
    history: (appId, machineId) => app(appId).key('h', machineId),
    instanceIndex: (appId) => app(appId).key('idx'),
    counters: (appId) => app(appId).key('cnt'),
    progress: (appId) => app(appId).key('prog'),
    progressCounts: (appId) => app(appId).key('progc'),
    groupGrants: (appId, group) => app(appId).key('grants', group),
    tokens: () => space.standalone('tokens'),
    tokenRevocations: () => space.standalone('tokens:revoked'),
  };
}
