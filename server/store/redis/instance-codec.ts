// The instance hash: one short field name per attribute so the hash stays a compact listpack.
// Fields holding their default ('' or 0) are not stored at all; decoding fills the defaults in.
// applyCheckIn-8.lua, pruneInstance-6.lua and timeOutGrant-5.lua write/read the status, time,
// target, error, counter, progress and stale fields by these same names (s, ss, fs, lc, tv, ec, en, cp,
// uv, pg, sf; markStale-3.lua sets sf, present only while the node is stale); pg (the group the node is in progress in) is bookkeeping, not part of the record.
import { INSTANCE_STATUSES } from '../../domain/statuses.ts';
import type { InstanceRecord, InstanceStatus } from '../../domain/types.ts';
import type { InstanceAttrs } from '../types.ts';
import { num, str } from './codec.ts';

/** Attribute → field name; sent with each check-in so the Lua script needs no copy of this table. */
export const ATTR_FIELDS: Readonly<Record<keyof InstanceAttrs, string>> = {
  alias: 'a',
  ip: 'i',
  oem: 'o',
  oemVersion: 'ov',
  alephVersion: 'av',
  bootId: 'b',
  version: 'v',
  track: 't',
  group: 'g',
  channel: 'c',
  arch: 'r',
  held: 'hd',
};

const ATTR_ENTRIES = Object.entries(ATTR_FIELDS) as [keyof InstanceAttrs, string][];

/** The attrs as field/value pairs, flat, in a fixed order. */
export function attrPairs(attrs: InstanceAttrs): string[] {
  const out: string[] = [];
  for (const [attr, field] of ATTR_ENTRIES) out.push(field, str(attrs[attr]));
  return out;
}

export function isStatus(value: unknown): value is InstanceStatus {
  return typeof value === 'string' && (INSTANCE_STATUSES as readonly string[]).includes(value);
}

export function decodeInstance(appId: string, machineId: string, h: Record<string, string>): InstanceRecord | null {
  if (h.s === undefined) return null;
  return {
    appId,
    machineId,
    alias: str(h.a),
    ip: str(h.i),
    oem: str(h.o),
    oemVersion: str(h.ov),
    alephVersion: str(h.av),
    bootId: str(h.b),
    version: str(h.v),
    track: str(h.t),
    group: str(h.g),
    channel: str(h.c),
    arch: str(h.r),
    held: str(h.hd),
    status: isStatus(h.s) ? h.s : 'idle',
    targetVersion: str(h.tv),
    errorCode: num(h.ec),
    errorName: str(h.en),
    firstSeen: num(h.fs),
    lastCheck: num(h.lc),
    statusSince: num(h.ss),
    stale: h.sf !== undefined,
  };
}
