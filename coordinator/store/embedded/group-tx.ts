// What a transaction on one group writes besides its own rows: history lines (trimmed now and
// then), the group's counters (written back once, by `flush`), waiting nodes, the group itself when
// it is created on the way, and the leases that ran out. Always called inside a transaction.
import { dueForExpiry, expire, type Expiry } from '../../domain/decide.ts';
import type { LeasePolicy, SlotEvent, WaitReason } from '../../domain/types.ts';
import { encodeSlotEvent } from '../slot-event.ts';
import type { EmbeddedContext } from './context.ts';
import { toHolder, type GroupRow } from './statements.ts';

/** History is trimmed once every this many events of a group (keeps most writes to one page). */
const TRIM_EVERY = 64;
/** Waiting nodes are trimmed about once every this many refusals. */
const WAITING_TRIM_EVERY = 64;

/** A group's row plus the counters this transaction moves; written back once by `flush`. */
export interface Tx {
  row: GroupRow;
  lastFencingToken: number;
  seq: number;
}

/** Why a missing group is not created on first use: refused outright, or `limit` such groups exist. */
export interface FirstUseRefusal {
  kind: 'unknown-group';
  limit?: number;
}

export function begin(row: GroupRow): Tx {
  return { row, lastFencingToken: row.fence, seq: row.seq };
}

export function addEvent(ctx: EmbeddedContext, tx: Tx, ev: SlotEvent): void {
  tx.seq++;
  ctx.q.addEvent.run(tx.row.name, tx.seq, encodeSlotEvent(ev));
  if (tx.seq % TRIM_EVERY === 0) ctx.q.trimHistory.run(tx.row.name, tx.seq - ctx.opts.historyCap);
}

export function flush(ctx: EmbeddedContext, tx: Tx): void {
  if (tx.lastFencingToken !== tx.row.fence || tx.seq !== tx.row.seq) ctx.q.setCounters.run(tx.lastFencingToken, tx.seq, tx.row.name);
}

export function noteWaiting(ctx: EmbeddedContext, group: string, id: string, now: number, reason: WaitReason): void {
  ctx.q.noteWaiting.run(group, id, now, reason);
  if (++ctx.refusals % WAITING_TRIM_EVERY === 0) ctx.q.trimWaiting.run({ grp: group, keep: ctx.opts.waitingCap - 1 });
}

export function createGroup(ctx: EmbeddedContext, group: string, now: number, by: string, detail: string, auto: boolean): GroupRow {
  const { q, opts } = ctx;
  const d = opts.defaults;
  q.insertGroup.run(group, d.max, d.leaseSeconds, d.leasePolicy, now, now, auto ? 1 : 0, now);
  const tx = begin(q.group.get(group) as GroupRow);
  addEvent(ctx, tx, { at: now, event: 'create', by, max: d.max, detail });
  flush(ctx, tx);
  return q.group.get(group) as GroupRow;
}

/** Creates a missing group as a node's first pre-reboot does (defaults, under the cap), or says why not. */
export function createOnFirstUse(ctx: EmbeddedContext, group: string, now: number): GroupRow | FirstUseRefusal {
  if (!ctx.opts.createUnknownGroups) return { kind: 'unknown-group' };
  const limit = ctx.opts.maxAutoGroups;
  if ((ctx.q.autoCount.get() as { n: number }).n >= limit) return { kind: 'unknown-group', limit };
  return createGroup(ctx, group, now, 'node', 'created on first use', true);
}

/** Marks or frees every holder of the group whose lease ran out. */
export function expireIn(ctx: EmbeddedContext, tx: Tx, now: number): Expiry[] {
  const { q } = ctx;
  const group = tx.row.name;
  const due = q.due.all(group, now);
  if (due.length === 0) return [];
  const expired = expire(dueForExpiry(due.map(toHolder), now), tx.row.lease_policy as LeasePolicy, now);
  for (const e of expired) {
    if (e.freed) q.deleteHolder.run(group, e.holder.id);
    else q.markExpired.run(now, group, e.holder.id);
    addEvent(ctx, tx, { at: now, event: 'expire', holder: e.holder.id, fencingToken: e.holder.fencingToken, by: 'lease', freed: e.freed });
  }
  return expired;
}
