// A group's life apart from its slots: created on first use without taking a slot (locksmith),
// configured by an operator (creating it when asked), forgotten after sitting idle when nobody
// configured it. Each is one transaction.
import { describeChange } from '../../domain/describe.ts';
import type { GroupChange, GroupConfig } from '../../domain/types.ts';
import type { CreateResult, SlotStore } from '../types.ts';
import { configureEvent, decodeSlotEvent } from '../slot-event.ts';
import type { EmbeddedContext } from './context.ts';
import { addEvent, begin, createGroup, createOnFirstUse, flush } from './group-tx.ts';
import { toConfig, type GroupRow } from './statements.ts';

export function groupOps(ctx: EmbeddedContext): Pick<SlotStore, 'createOnFirstUse' | 'configure' | 'forgetIdle'> {
  const { db, q, opts, batch } = ctx;
  const createTx = db.transaction((group: string, now: number) => createIn(ctx, group, now));
  const configureTx = db.transaction((group: string, change: GroupChange, now: number, actor: string, mayCreate: boolean) =>
    configureIn(ctx, group, change, now, actor, mayCreate),
  );
  const forgetTx = db.transaction((group: string, now: number, cutoff: number) => forgetIn(ctx, group, now, cutoff));
  return {
    createOnFirstUse(group, now) {
      return batch(() => createTx(group, now));
    },
    async configure(group, change, now, actor, mayCreate) {
      return configureTx.immediate(group, change, now, actor, mayCreate);
    },
    async forgetIdle(now) {
      const cutoff = now - opts.autoGroupIdleMs;
      const forgotten: string[] = [];
      for (const { name } of q.autoIdle.all(cutoff)) if (forgetTx.immediate(name, now, cutoff)) forgotten.push(name);
      return forgotten;
    },
  };
}

function createIn(ctx: EmbeddedContext, group: string, now: number): CreateResult {
  if (ctx.q.group.get(group)) return { kind: 'exists' };
  const created = createOnFirstUse(ctx, group, now);
  return 'kind' in created ? created : { kind: 'created' };
}

function configureIn(ctx: EmbeddedContext, group: string, change: GroupChange, now: number, actor: string, mayCreate: boolean): GroupConfig | null {
  const { q } = ctx;
  let row = q.group.get(group);
  if (!row) {
    if (!mayCreate) return null;
    row = createGroup(ctx, group, now, actor, 'created by an operator', false);
  }
  const next = changedRow(toConfig(row), change, now);
  q.updateGroup.run(next);
  const tx = begin(row);
  const detail = describeChange(change);
  addEvent(ctx, tx, { at: now, event: configureEvent(change), by: actor, max: next.max, ...(detail ? { detail } : {}) });
  flush(ctx, tx);
  return toConfig(q.group.get(group) as GroupRow);
}

/** The parameters of statements.ts `updateGroup`: the group's configuration with `change` applied. */
function changedRow(c: GroupConfig, change: GroupChange, now: number) {
  return {
    name: c.group,
    max: change.max ?? c.max,
    paused: (change.paused ?? c.paused) ? 1 : 0,
    pause_reason: change.paused === undefined ? c.pauseReason : change.paused ? (change.pauseReason ?? null) : null,
    lease_seconds: change.leaseSeconds ?? c.leaseSeconds,
    lease_policy: change.leasePolicy ?? c.leasePolicy,
    windows: JSON.stringify(change.windows ?? c.windows),
    updated_at: now,
  };
}

/**
 * Forgets the group if it was created on first use and had no holder and no configuration since
 * `cutoff`; otherwise moves its index entry up to its last activity. True when forgotten.
 */
function forgetIn(ctx: EmbeddedContext, group: string, now: number, cutoff: number): boolean {
  const { q } = ctx;
  const row = q.group.get(group);
  if (!row || row.auto !== 1) return false;
  const last = (q.count.get(group) as { n: number }).n > 0 ? now : lastActivity(ctx, row);
  if (last > cutoff) {
    q.setActive.run(last, group);
    return false;
  }
  q.dropGroup.run(group);
  q.dropHistory.run(group);
  q.dropAllWaiting.run(group);
  return true;
}

/** When a group without holders last changed: its newest history line (grant, release, expiry…). */
function lastActivity(ctx: EmbeddedContext, row: GroupRow): number {
  const newest = ctx.q.lastEvent.get(row.name);
  const at = newest ? decodeSlotEvent(newest.entry).at : 0;
  return Math.max(row.created_at, row.updated_at, at);
}
