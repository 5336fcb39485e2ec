// What the slot store keeps in Redis, read back as domain records: holder records, a group's
// config hash, and the rows the lease sweep answers. The Lua side writes them (lua/includes/holder.lua,
// lua/includes/expireDue.lua); history lines are read by ../slot-event.ts.
import type { Expiry } from '../../domain/decide.ts';
import type { GroupConfig, Holder, LeasePolicy, RebootWindow } from '../../domain/types.ts';
import { dict } from '../../../kernel/dict.ts';

/** From expireDue: id, fencing token, since, leaseUntil, freed (1|0), when it was processed. */
export type ExpiredRow = [string, number, number, number, number, number];

/** A holders-hash record: "fencingToken:since:leaseUntil[:expiredAt]" (see lua/includes/holder.lua). */
export function parseHolder(id: string, record: string): Holder {
  const [t, s, l, x] = record.split(':').map(Number) as [number, number, number, number | undefined];
  return { id, fencingToken: t, since: s, leaseUntil: l, expiredAt: x ?? null };
}

export function parseExpired(rows: ExpiredRow[]): Expiry[] {
  return rows.map(([id, fencingToken, since, leaseUntil, freed, at]) => ({
    holder: {
      id,
      fencingToken: Number(fencingToken),
      since: Number(since),
      leaseUntil: Number(leaseUntil),
      expiredAt: Number(freed) === 1 ? null : Number(at),
    },
    freed: Number(freed) === 1,
  }));
}

/** The config hash as HGETALL answers it inside a script: field, value, field, value… */
export function configHash(flat: string[]): Record<string, string> {
  const h = dict<string>();
  for (let i = 0; i < flat.length; i += 2) h[flat[i] as string] = flat[i + 1] as string;
  return h;
}

export function parseConfig(group: string, h: Record<string, string>): GroupConfig {
  return {
    group,
    max: Number(h.max),
    paused: h.paused === '1',
    pauseReason: h.pauseReason ?? null,
    leaseSeconds: Number(h.leaseSeconds),
    leasePolicy: h.leasePolicy as LeasePolicy,
    windows: JSON.parse(h.windows ?? '[]') as RebootWindow[],
    epoch: Number(h.epoch),
    autoCreated: h.auto === '1',
    createdAt: Number(h.createdAt),
    updatedAt: Number(h.updatedAt),
  };
}

/** The last fencing token handed out in the group: the config hash's `fence` field. */
export function lastFencingToken(h: Record<string, string>): number {
  return Number(h.fence ?? 0);
}

/** The group's change counter: the config hash's `rev`; a group from before `rev` existed counts as 1. */
export function revision(h: Record<string, string>): number {
  return Math.max(1, Number(h.rev ?? 1));
}
