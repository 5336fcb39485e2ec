// Conversions between SQLite rows and domain records, plus the compact history encoding. Nothing
// here touches the database. The listing cursor is the kernel's, shared with the Redis store
// (kernel/storage/cursor.ts).
import type { Rollout } from '../../domain/rollout/state.ts';
import {
  CHANNEL_DEFAULTS,
  type ActivityEntry,
  type ChannelRecord,
  type ExtraFile,
  type HistoryEntry,
  type InstanceRecord,
  type InstanceStatus,
  type PackageRecord,
  type PulledRecord,
} from '../../domain/types.ts';

/** The columns an InstanceRecord is built from (not the bulky buckets/history). */
export const INSTANCE_COLUMNS = `app_id, machine_id, alias, ip, oem, oem_version, aleph_version, boot_id,
  version, track, grp, channel, arch, held, status, target_version, error_code, error_name, first_seen,
  last_check, status_since, stale`;

export interface InstanceRow {
  app_id: string;
  machine_id: string;
  alias: string;
  ip: string;
  oem: string;
  oem_version: string;
  aleph_version: string;
  boot_id: string;
  version: string;
  track: string;
  grp: string;
  channel: string;
  arch: string;
  held: string;
  status: string;
  target_version: string;
  error_code: number;
  error_name: string;
  first_seen: number;
  last_check: number;
  status_since: number;
  /** 1 while the instance is stale (schema version 7), else 0. */
  stale: number;
}

export function instanceFromRow(r: InstanceRow): InstanceRecord {
  return {
    appId: r.app_id,
    machineId: r.machine_id,
    alias: r.alias,
    ip: r.ip,
    oem: r.oem,
    oemVersion: r.oem_version,
    alephVersion: r.aleph_version,
    bootId: r.boot_id,
    version: r.version,
    track: r.track,
    group: r.grp,
    channel: r.channel,
    arch: r.arch,
    held: r.held,
    status: r.status as InstanceStatus,
    targetVersion: r.target_version,
    errorCode: r.error_code,
    errorName: r.error_name,
    firstSeen: r.first_seen,
    lastCheck: r.last_check,
    statusSince: r.status_since,
    stale: r.stale === 1,
  };
}

/** Stored history entry: short keys, optional ones omitted (JSON.stringify drops undefined). */
export interface StoredEntry {
  a: number;
  k: HistoryEntry['kind'];
  t?: number;
  r?: number;
  c?: number;
  n?: string;
  p?: string;
  v: string;
  s?: InstanceStatus;
  x: number;
}

export function toStoredEntry(e: HistoryEntry): StoredEntry {
  return {
    a: e.at,
    k: e.kind,
    t: e.eventType,
    r: e.eventResult,
    c: e.errorCode,
    n: e.errorName,
    p: e.previousVersion,
    v: e.version,
    s: e.status,
    x: e.repeat,
  };
}

/** One stored entry → the entry: same key order as HistoryEntry, optional fields only when stored. */
export function fromStoredEntry(s: StoredEntry): HistoryEntry {
  // Assigned one by one (the check-in reads one entry per call: no intermediate objects).
  const e: Partial<HistoryEntry> = { at: s.a, kind: s.k };
  if (s.t !== undefined) e.eventType = s.t;
  if (s.r !== undefined) e.eventResult = s.r;
  if (s.c !== undefined) e.errorCode = s.c;
  if (s.n !== undefined) e.errorName = s.n;
  if (s.p !== undefined) e.previousVersion = s.p;
  e.version = s.v;
  if (s.s !== undefined) e.status = s.s;
  e.repeat = s.x;
  return e as HistoryEntry;
}

/** Stored history (one StoredEntry JSON per line, oldest first) → entries, oldest first. */
export function decodeHistory(text: string): HistoryEntry[] {
  if (text === '') return [];
  return text.split('\n').map((line) => fromStoredEntry(JSON.parse(line) as StoredEntry));
}

export const encodeBuckets = (buckets: Iterable<string>): string => [...buckets].join(',');
export const decodeBuckets = (text: string): string[] => (text === '' ? [] : text.split(','));

export interface PackageRow {
  app_id: string;
  version: string;
  arch: string;
  url: string;
  name: string;
  size: number;
  sha256: string;
  sha1: string | null;
  extra_files: string;
  created_at: number;
}

export function packageFromRow(r: PackageRow): PackageRecord {
  return {
    appId: r.app_id,
    version: r.version,
    arch: r.arch,
    url: r.url,
    name: r.name,
    size: r.size,
    sha256: r.sha256,
    ...(r.sha1 !== null && { sha1: r.sha1 }),
    extraFiles: (JSON.parse(r.extra_files) as ExtraFile[]).map((f) => ({
      name: f.name,
      size: f.size,
      sha256Hex: f.sha256Hex,
      ...(f.sha1 !== undefined && { sha1: f.sha1 }),
    })),
    createdAt: r.created_at,
  };
}

export function packageToRow(p: PackageRecord): PackageRow {
  return {
    app_id: p.appId,
    version: p.version,
    arch: p.arch,
    url: p.url,
    name: p.name,
    size: p.size,
    sha256: p.sha256,
    sha1: p.sha1 ?? null,
    extra_files: JSON.stringify(p.extraFiles),
    created_at: p.createdAt,
  };
}

export interface ChannelRow {
  app_id: string;
  name: string;
  version: string | null;
  updated_at: number;
  updated_by: string;
  /** JSON array of versions. */
  floors: string;
  allow_downgrade: number;
  /** JSON Rollout, NULL when the channel has none. */
  rollout: string | null;
}

export function channelFromRow(r: ChannelRow): ChannelRecord {
  return {
    appId: r.app_id,
    name: r.name,
    version: r.version,
    updatedAt: r.updated_at,
    updatedBy: r.updated_by,
    // The columns' defaults (rows from before migration 2) read as CHANNEL_DEFAULTS; fresh arrays so
    // no caller can change the shared default.
    floors: r.floors ? (JSON.parse(r.floors) as string[]) : [...CHANNEL_DEFAULTS.floors],
    allowDowngrade: r.allow_downgrade === 1,
    rollout: r.rollout === null ? CHANNEL_DEFAULTS.rollout : (JSON.parse(r.rollout) as Rollout),
  };
}

export function channelToRow(c: ChannelRecord): ChannelRow {
  return {
    app_id: c.appId,
    name: c.name,
    version: c.version,
    updated_at: c.updatedAt,
    updated_by: c.updatedBy,
    floors: JSON.stringify(c.floors),
    allow_downgrade: c.allowDowngrade ? 1 : 0,
    rollout: c.rollout === null ? null : JSON.stringify(c.rollout),
  };
}

export interface PulledRow {
  app_id: string;
  version: string;
  reason: string;
  actor: string;
  at: number;
}

export const pulledFromRow = (r: PulledRow): PulledRecord => ({ appId: r.app_id, version: r.version, reason: r.reason, by: r.actor, at: r.at });

export const pulledToRow = (p: PulledRecord): PulledRow => ({ app_id: p.appId, version: p.version, reason: p.reason, actor: p.by, at: p.at });

export interface ActivityRow {
  app_id: string;
  at: number;
  kind: string;
  actor: string;
  message: string;
  data: string;
}

export function activityFromRow(r: ActivityRow): ActivityEntry {
  return {
    at: r.at,
    appId: r.app_id,
    kind: r.kind as ActivityEntry['kind'],
    actor: r.actor,
    message: r.message,
    data: JSON.parse(r.data) as ActivityEntry['data'],
  };
}

/** A usable SQL LIMIT: SQLite treats a negative LIMIT as "no limit", so never pass one through. */
export function toLimit(n: number, min = 0): number {
  return Number.isFinite(n) ? Math.max(min, Math.floor(n)) : min;
}
