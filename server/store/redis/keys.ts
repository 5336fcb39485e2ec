// Every Redis key the store uses is built here and nowhere else.
// An app's keys share the hash tag `{app:<appid>}` so they live in one Cluster slot and one Lua
// script may touch them together; tokens and the app list are global and stand alone.
export interface StoreKeys {
  /** Set of app ids (global; may hold an id whose app hash is missing after a crash: filtered on read). */
  apps(): string;
  /** Hash: name, createdAt, epoch. */
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
  /** Hash: token hash → token JSON. */
  tokens(): string;
  /** Pub/sub channel (not a key): the hash of each revoked token, so every process evicts it. */
  tokenRevocations(): string;
}

export function storeKeys(prefix: string): StoreKeys {
  const app = (appId: string) => `${prefix}:{app:${appId}}`;
  return {
    apps: () => `${prefix}:apps`,
    app: (appId) => `${app(appId)}:app`,
    packages: (appId) => `${app(appId)}:pkgs`,
    versions: (appId) => `${app(appId)}:vers`,
    channels: (appId) => `${app(appId)}:chans`,
    groups: (appId) => `${app(appId)}:groups`,
    tracks: (appId) => `${app(appId)}:tracks`,
    activity: (appId) => `${app(appId)}:activity`,
    instance: (appId, machineId) => `${app(appId)}:i:${machineId}`,
    history: (appId, machineId) => `${app(appId)}:h:${machineId}`,
    instanceIndex: (appId) => `${app(appId)}:idx`,
    counters: (appId) => `${app(appId)}:cnt`,
    tokens: () => `${prefix}:tokens`,
    tokenRevocations: () => `${prefix}:tokens:revoked`,
  };
}
