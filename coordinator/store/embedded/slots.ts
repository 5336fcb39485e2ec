// Taking and giving back slots, and the lease sweep: each one transaction that reads what the
// pure decision (domain/decide.ts) needs and writes what it implies. Takes and gives go through
// the group commit; the sweep runs one IMMEDIATE transaction per group with a lease due.
import { decideAcquire, decideRelease, type Expiry } from '../../domain/decide.ts';
import type { Holder } from '../../domain/types.ts';
import { isOpen } from '../../../kernel/time/windows.ts';
import { FULL_SAMPLE, type AcquireOutcome, type AcquireResult, type ExpiryEvent, type ReleaseBy, type ReleaseResult, type SlotStore } from '../types.ts';
import type { EmbeddedContext } from './context.ts';
import { addEvent, begin, createOnFirstUse, expireIn, flush, noteWaiting, type Tx } from './group-tx.ts';
import { toConfig, toHolder, type GroupRow } from './statements.ts';
import { dropOldTargets } from './targets.ts';

export function slotOps(ctx: EmbeddedContext): Pick<SlotStore, 'acquire' | 'release' | 'expireDue'> {
  const { db, q, batch } = ctx;
  const acquireTx = db.transaction((group: string, id: string, now: number) => acquireIn(ctx, group, id, now));
  const releaseTx = db.transaction((group: string, id: string, now: number, by: ReleaseBy) => releaseIn(ctx, group, id, now, by));
  const expireTx = db.transaction((group: string, now: number) => expireGroupIn(ctx, group, now));
  return {
    acquire(group, holder, now) {
      return batch(() => acquireTx(group, holder, now));
    },
    release(group, holder, now, by) {
      return batch(() => releaseTx(group, holder, now, by));
    },
    async expireDue(now) {
      const events: ExpiryEvent[] = [];
      for (const { grp } of q.dueGroups.all(now)) {
        for (const e of expireTx.immediate(grp, now)) events.push({ group: grp, ...e });
      }
      dropOldTargets(ctx, now);
      return events;
    },
  };
}

function acquireIn(ctx: EmbeddedContext, group: string, id: string, now: number): AcquireOutcome {
  const row = ctx.q.group.get(group) ?? createOnFirstUse(ctx, group, now);
  if ('kind' in row) return { result: row, expired: [] };
  const tx = begin(row);
  const expired = expireIn(ctx, tx, now);
  try {
    return { result: decideAndApply(ctx, tx, id, now), expired };
  } finally {
    flush(ctx, tx);
  }
}

/** The pre-reboot decided on the group as it is now; a refusal notes the node as waiting. */
function decideAndApply(ctx: EmbeddedContext, tx: Tx, id: string, now: number): AcquireResult {
  const { q } = ctx;
  const group = tx.row.name;
  const config = toConfig(tx.row);
  const mineRow = q.mine.get(group, id);
  const mine = mineRow ? toHolder(mineRow) : null;
  const count = mine ? 0 : (q.count.get(group) as { n: number }).n;
  const d = decideAcquire({ config, lastFencingToken: tx.lastFencingToken, count, mine }, id, now, isOpen(config.windows, now));
  switch (d.kind) {
    case 'grant':
      return grant(ctx, tx, d.holder, now);
    case 'held':
      return { kind: 'held', holder: d.holder };
    case 'paused':
      noteWaiting(ctx, group, id, now, 'paused');
      return { kind: 'paused', reason: d.reason };
    case 'outside-window':
      noteWaiting(ctx, group, id, now, 'outside-window');
      return { kind: 'outside-window', windows: config.windows };
    case 'full':
      noteWaiting(ctx, group, id, now, 'full');
      return { kind: 'full', max: d.max, count: d.count, holders: q.oldest.all(group, FULL_SAMPLE).map(toHolder) };
  }
}

function grant(ctx: EmbeddedContext, tx: Tx, h: Holder, now: number): AcquireResult {
  const group = tx.row.name;
  ctx.q.insertHolder.run(group, h.id, h.fencingToken, h.since, h.leaseUntil);
  tx.lastFencingToken = h.fencingToken;
  ctx.q.dropWaiting.run(group, h.id);
  addEvent(ctx, tx, { at: now, event: 'grant', holder: h.id, fencingToken: h.fencingToken, by: 'node' });
  return { kind: 'granted', holder: h };
}

function releaseIn(ctx: EmbeddedContext, group: string, id: string, now: number, by: ReleaseBy): ReleaseResult {
  const { q } = ctx;
  const mineRow = q.mine.get(group, id);
  if (!mineRow) return q.group.get(group) ? { kind: 'not-held' } : { kind: 'unknown-group' };
  const d = decideRelease(toHolder(mineRow));
  if (d.kind === 'not-held') return d;
  const tx = begin(q.group.get(group) as GroupRow);
  q.deleteHolder.run(group, id);
  addEvent(ctx, tx, { at: now, event: by.event, holder: id, fencingToken: d.holder.fencingToken, by: by.by, ...(by.detail ? { detail: by.detail } : {}) });
  flush(ctx, tx);
  return d;
}

function expireGroupIn(ctx: EmbeddedContext, group: string, now: number): Expiry[] {
  const row = ctx.q.group.get(group);
  if (!row) return [];
  const tx = begin(row);
  const out = expireIn(ctx, tx, now);
  flush(ctx, tx);
  return out;
}
