// Turns records into what Redis stores and back. Redis hands every value back as a string, so
// decoding converts explicitly to the exact TypeScript types and drops fields the type lacks.
import { ROLES, type TokenRecord } from '../../../kernel/auth/tokens.ts';
import type { Rollout } from '../../domain/rollout/state.ts';
import { DEFAULT_POLICY, type GroupPolicy } from '../../domain/rollout/policy.ts';
import { storedPolicy } from '../../domain/rollout/policy-record.ts';
import {
  CHANNEL_DEFAULTS,
  type ActivityEntry,
  type AppRecord,
  type ChannelRecord,
  type ExtraFile,
  type PackageRecord,
  type PulledRecord,
  type TrackGroupRecord,
} from '../../domain/types.ts';

/** A number stored as a Redis string (or JSON number); `fallback` when absent or not a number. */
export function num(value: unknown, fallback = 0): number {
  if (typeof value === 'number') return Number.isFinite(value) ? value : fallback;
  if (typeof value !== 'string' || value === '') return fallback;
  const n = Number(value);
  return Number.isFinite(n) ? n : fallback;
}

export function str(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : fallback;
}

function parseJson(text: string, what: string): Record<string, unknown> {
  const v: unknown = JSON.parse(text);
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`stored ${what} is not a JSON object`);
  return v as Record<string, unknown>;
}

// ---- apps: a hash {name, createdAt, epoch}

export function decodeApp(id: string, h: Record<string, string>): AppRecord | null {
  if (h.name === undefined) return null;
  return { id, name: h.name, createdAt: num(h.createdAt) };
}

// ---- packages: JSON in the app's packages hash, one field per (version, arch)

/** The packages-hash field of (version, arch); JSON so no separator can be ambiguous. */
export function packageField(version: string, arch: string): string {
  return JSON.stringify([version, arch]);
}

function pickExtraFile(f: ExtraFile): ExtraFile {
  const out: ExtraFile = { name: str(f.name), size: num(f.size), sha256Hex: str(f.sha256Hex) };
  if (typeof f.sha1 === 'string') out.sha1 = f.sha1;
  return out;
}

export function encodePackage(p: PackageRecord): string {
  const rec: Omit<PackageRecord, 'appId'> = {
    version: p.version,
    arch: p.arch,
    url: p.url,
    name: p.name,
    size: p.size,
    sha256: p.sha256,
    extraFiles: p.extraFiles.map(pickExtraFile),
    createdAt: p.createdAt,
  };
  if (typeof p.sha1 === 'string') rec.sha1 = p.sha1;
  return JSON.stringify(rec);
}

export function decodePackage(appId: string, text: string): PackageRecord {
  const o = parseJson(text, 'package');
  const rec: PackageRecord = {
    appId,
    version: str(o.version),
    arch: str(o.arch),
    url: str(o.url),
    name: str(o.name),
    size: num(o.size),
    sha256: str(o.sha256),
    extraFiles: Array.isArray(o.extraFiles) ? (o.extraFiles as ExtraFile[]).map(pickExtraFile) : [],
    createdAt: num(o.createdAt),
  };
  if (typeof o.sha1 === 'string') rec.sha1 = o.sha1;
  return rec;
}

// ---- channels: JSON in the app's channels hash. The rollout is the domain's plain object, kept
// as it is (rollout/state.ts owns its shape).

export function encodeChannel(c: ChannelRecord): string {
  return JSON.stringify({
    name: c.name,
    version: c.version,
    updatedAt: c.updatedAt,
    updatedBy: c.updatedBy,
    floors: c.floors,
    allowDowngrade: c.allowDowngrade,
    rollout: c.rollout,
  });
}

/** Channels written before floors, downgrades and rollouts lack those fields: CHANNEL_DEFAULTS then. */
export function decodeChannel(appId: string, text: string): ChannelRecord {
  const o = parseJson(text, 'channel');
  const rollout = o.rollout;
  return {
    appId,
    name: str(o.name),
    version: typeof o.version === 'string' ? o.version : null,
    updatedAt: num(o.updatedAt),
    updatedBy: str(o.updatedBy),
    floors: Array.isArray(o.floors) ? o.floors.filter((v): v is string => typeof v === 'string') : [...CHANNEL_DEFAULTS.floors],
    allowDowngrade: typeof o.allowDowngrade === 'boolean' ? o.allowDowngrade : CHANNEL_DEFAULTS.allowDowngrade,
    rollout: typeof rollout === 'object' && rollout !== null && !Array.isArray(rollout) ? (rollout as Rollout) : CHANNEL_DEFAULTS.rollout,
  };
}

// ---- pulled versions: JSON in the app's pulled hash, keyed by version

export function encodePulled(p: PulledRecord): string {
  return JSON.stringify({ version: p.version, reason: p.reason, by: p.by, at: p.at });
}

export function decodePulled(appId: string, text: string): PulledRecord {
  const o = parseJson(text, 'pulled version');
  return { appId, version: str(o.version), reason: str(o.reason), by: str(o.by), at: num(o.at) };
}

// ---- groups: JSON written by putTrackGroup-4.lua (cjson), every value a string so numbers stay exact

export function decodeGroup(appId: string, id: string, text: string): TrackGroupRecord {
  const o = parseJson(text, 'group');
  return {
    appId,
    id,
    name: str(o.name),
    track: str(o.track),
    channel: str(o.channel),
    policy: decodePolicy(o.policy),
    createdAt: num(o.createdAt),
    updatedAt: num(o.updatedAt),
  };
}

// ---- activity: JSON in a capped list

export function encodeActivity(a: ActivityEntry): string {
  return JSON.stringify({ at: a.at, appId: a.appId, kind: a.kind, actor: a.actor, message: a.message, data: a.data });
}

export function decodeActivity(text: string): ActivityEntry {
  const o = parseJson(text, 'activity');
  const data = typeof o.data === 'object' && o.data !== null && !Array.isArray(o.data) ? o.data : {};
  return {
    at: num(o.at),
    appId: str(o.appId),
    kind: str(o.kind) as ActivityEntry['kind'],
    actor: str(o.actor),
    message: str(o.message),
    data: data as ActivityEntry['data'],
  };
}

// ---- tokens: JSON in the tokens hash, keyed by the token hash


export function encodeToken(t: TokenRecord): string {
  return JSON.stringify({ name: t.name, role: t.role, createdAt: t.createdAt });
}

export function decodeToken(hash: string, text: string): TokenRecord {
  const o = parseJson(text, 'token');
  const role = ROLES.find((r) => r === o.role) ?? 'read-only';
  return { hash, name: str(o.name), role, createdAt: num(o.createdAt) };
}

/** A group's policy as stored (JSON text); a group written before policies existed has the default. */
export function decodePolicy(text: unknown): GroupPolicy {
  return typeof text === 'string' && text !== '' ? storedPolicy(JSON.parse(text)) : DEFAULT_POLICY;
}
