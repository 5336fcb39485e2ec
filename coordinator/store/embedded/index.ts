// Slot store on the embedded SQLite database. Each operation is one transaction (a savepoint inside
// a group commit, see server/store/embedded/group-commit.ts): point reads of what the decision
// needs, the pure decision from domain/decide.ts, the writes it implies. Batches run as IMMEDIATE
// transactions, so several processes sharing the file also stay within `max`.
import type Database from 'better-sqlite3';
import { decideAcquire, decideRelease, dueForExpiry, expire, type Expiry } from '../../domain/decide.ts';
import { describeChange } from '../../domain/describe.ts';
import type { GroupChange, GroupConfig, LeasePolicy, SlotEvent, WaitReason } from '../../domain/types.ts';
import { isOpen } from '../../../kernel/time/windows.ts';
import { FULL_SAMPLE, type AcquireOutcome, type CreateResult, type ExpiryEvent, type GroupSnapshot, type ReleaseBy, type ReleaseResult, type SlotStore, type SlotStoreOptions } from '../types.ts';
import { createGroupCommit } from '../../../kernel/storage/sqlite/group-commit.ts';
import { decodeSlotEvent, encodeSlotEvent } from '../slot-event.ts';
import { migrate } from './schema.ts';
import { prepareStatements, toConfig, toHolder, type GroupRow } from './statements.ts';

/** History is trimmed once every this many events of a group (keeps most writes to one page). */
const TRIM_EVERY = 64;
/** Waiting nodes are trimmed about once every this many refusals. */
const WAITING_TRIM_EVERY = 64;

export function createEmbeddedSlotStore(db: Database.Database, opts: SlotStoreOptions): SlotStore {
  migrate(db);
  const q = prepareStatements(db);

  let refusals = 0;

  /** A group's row plus the counters this transaction moves; written back once by `flush`. */
  interface Tx {
    row: GroupRow;
    lastFencingToken: number;
    seq: number;
  }

  function begin(row: GroupRow): Tx {
    return { row, lastFencingToken: row.fence, seq: row.seq };
  }

  function addEvent(tx: Tx, ev: SlotEvent): void {
    tx.seq++;
    q.addEvent.run(tx.row.name, tx.seq, encodeSlotEvent(ev));
    if (tx.seq % TRIM_EVERY === 0) q.trimHistory.run(tx.row.name, tx.seq - opts.historyCap);
  }

  function flush(tx: Tx): void {
    if (tx.lastFencingToken !== tx.row.fence || tx.seq !== tx.row.seq) q.setCounters.run(tx.lastFencingToken, tx.seq, tx.row.name);
  }

  function noteWaiting(group: string, id: string, now: number, reason: WaitReason): void {
    q.noteWaiting.run(group, id, now, reason);
    if (++refusals % WAITING_TRIM_EVERY === 0) q.trimWaiting.run({ grp: group, keep: opts.waitingCap - 1 });
  }

  function createGroup(group: string, now: number, by: string, detail: string, auto: boolean): GroupRow {
    const d = opts.defaults;
    q.insertGroup.run(group, d.max, d.leaseSeconds, d.leasePolicy, now, now, auto ? 1 : 0, now);
    const tx = begin(q.group.get(group) as GroupRow);
    addEvent(tx, { at: now, event: 'create', by, max: d.max, detail });
    flush(tx);
    return q.group.get(group) as GroupRow;
  }

  /** Marks or frees every holder of the group whose lease ran out. */
  function expireIn(tx: Tx, now: number): Expiry[] {
    const group = tx.row.name;
    const due = q.due.all(group, now);
    if (due.length === 0) return [];
    const expired = expire(dueForExpiry(due.map(toHolder), now), tx.row.lease_policy as LeasePolicy, now);
    for (const e of expired) {
      if (e.freed) q.deleteHolder.run(group, e.holder.id);
      else q.markExpired.run(now, group, e.holder.id);
      addEvent(tx, { at: now, event: 'expire', holder: e.holder.id, fencingToken: e.holder.fencingToken, by: 'lease', freed: e.freed });
    }
    return expired;
  }

  const acquireTx = db.transaction((group: string, id: string, now: number): AcquireOutcome => {
    let row = q.group.get(group);
    if (!row) {
      if (!opts.createUnknownGroups) return { result: { kind: 'unknown-group' }, expired: [] };
      const limit = opts.maxAutoGroups;
      if ((q.autoCount.get() as { n: number }).n >= limit) return { result: { kind: 'unknown-group', limit }, expired: [] };
      row = createGroup(group, now, 'node', 'created on first use', true);
    }
    const tx = begin(row);
    const expired = expireIn(tx, now);
    const config = toConfig(row);
    const mineRow = q.mine.get(group, id);
    const mine = mineRow ? toHolder(mineRow) : null;
    const count = mine ? 0 : (q.count.get(group) as { n: number }).n;
    const d = decideAcquire({ config, lastFencingToken: tx.lastFencingToken, count, mine }, id, now, isOpen(config.windows, now));
    try {
      switch (d.kind) {
        case 'grant': {
          const h = d.holder;
          q.insertHolder.run(group, id, h.fencingToken, h.since, h.leaseUntil);
          tx.lastFencingToken = h.fencingToken;
          q.dropWaiting.run(group, id);
          addEvent(tx, { at: now, event: 'grant', holder: id, fencingToken: h.fencingToken, by: 'node' });
          return { result: { kind: 'granted', holder: h }, expired };
        }
        case 'held':
          return { result: { kind: 'held', holder: d.holder }, expired };
        case 'paused':
          noteWaiting(group, id, now, 'paused');
          return { result: { kind: 'paused', reason: d.reason }, expired };
        case 'outside-window':
          noteWaiting(group, id, now, 'outside-window');
          return { result: { kind: 'outside-window', windows: config.windows }, expired };
        case 'full':
          noteWaiting(group, id, now, 'full');
          return { result: { kind: 'full', max: d.max, count: d.count, holders: q.oldest.all(group, FULL_SAMPLE).map(toHolder) }, expired };
      }
    } finally {
      flush(tx);
    }
  });

  const releaseTx = db.transaction((group: string, id: string, now: number, by: ReleaseBy): ReleaseResult => {
    const mineRow = q.mine.get(group, id);
    if (!mineRow) return q.group.get(group) ? { kind: 'not-held' } : { kind: 'unknown-group' };
    const d = decideRelease(toHolder(mineRow));
    if (d.kind === 'not-held') return d;
    const tx = begin(q.group.get(group) as GroupRow);
    q.deleteHolder.run(group, id);
    addEvent(tx, { at: now, event: by.event, holder: id, fencingToken: d.holder.fencingToken, by: by.by, ...(by.detail ? { detail: by.detail } : {}) });
    flush(tx);
    return d;
  });

  const createTx = db.transaction((group: string, now: number): CreateResult => {
    if (q.group.get(group)) return { kind: 'exists' };
    if (!opts.createUnknownGroups) return { kind: 'unknown-group' };
    const limit = opts.maxAutoGroups;
    if ((q.autoCount.get() as { n: number }).n >= limit) return { kind: 'unknown-group', limit };
    createGroup(group, now, 'node', 'created on first use', true);
    return { kind: 'created' };
  });

  const expireTx = db.transaction((group: string, now: number): Expiry[] => {
    const row = q.group.get(group);
    if (!row) return [];
    const tx = begin(row);
    const out = expireIn(tx, now);
    flush(tx);
    return out;
  });

  const configureTx = db.transaction(
    (group: string, change: GroupChange, now: number, actor: string, mayCreate: boolean): GroupConfig | null => {
      let row = q.group.get(group);
      if (!row) {
        if (!mayCreate) return null;
        row = createGroup(group, now, actor, 'created by an operator', false);
      }
      const c = toConfig(row);
      const next = {
        name: group,
        max: change.max ?? c.max,
        paused: (change.paused ?? c.paused) ? 1 : 0,
        pause_reason: change.paused === undefined ? c.pauseReason : change.paused ? (change.pauseReason ?? null) : null,
        lease_seconds: change.leaseSeconds ?? c.leaseSeconds,
        lease_policy: change.leasePolicy ?? c.leasePolicy,
        windows: JSON.stringify(change.windows ?? c.windows),
        updated_at: now,
      };
      q.updateGroup.run(next);
      const tx = begin(row);
      const event = change.paused === true ? 'pause' : change.paused === false ? 'resume' : 'configure';
      const detail = describeChange(change);
      addEvent(tx, { at: now, event, by: actor, max: next.max, ...(detail ? { detail } : {}) });
      flush(tx);
      return toConfig(q.group.get(group) as GroupRow);
    },
  );

  /**
   * Forgets the group if it was created on first use and had no holder and no configuration since
   * `cutoff`; otherwise moves its index entry up to its last activity. True when forgotten.
   */
  const forgetTx = db.transaction((group: string, now: number, cutoff: number): boolean => {
    const row = q.group.get(group);
    if (!row || row.auto !== 1) return false;
    const last = (q.count.get(group) as { n: number }).n > 0 ? now : lastActivity(row);
    if (last > cutoff) {
      q.setActive.run(last, group);
      return false;
    }
    q.dropGroup.run(group);
    q.dropHistory.run(group);
    q.dropAllWaiting.run(group);
    return true;
  });

  /** When a group without holders last changed: its newest history line (grant, release, expiry…). */
  function lastActivity(row: GroupRow): number {
    const newest = q.lastEvent.get(row.name);
    const at = newest ? decodeSlotEvent(newest.entry).at : 0;
    return Math.max(row.created_at, row.updated_at, at);
  }

  const batch = createGroupCommit(db);

  return {
    kind: 'embedded',
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
      q.dropOldTargets.run(now - opts.targetTtlSeconds * 1000);
      return events;
    },
    async forgetIdle(now) {
      const cutoff = now - opts.autoGroupIdleMs;
      const forgotten: string[] = [];
      for (const { name } of q.autoIdle.all(cutoff)) if (forgetTx.immediate(name, now, cutoff)) forgotten.push(name);
      return forgotten;
    },
    createOnFirstUse(group, now) {
      return batch(() => createTx(group, now));
    },
    async configure(group, change, now, actor, mayCreate) {
      return configureTx.immediate(group, change, now, actor, mayCreate);
    },
    async read(group, { historyLimit, waitingSince }): Promise<GroupSnapshot | null> {
      const row = q.group.get(group);
      if (!row) return null;
      return {
        config: toConfig(row),
        holders: q.holders.all(group).map(toHolder),
        lastFencingToken: row.fence,
        history: q.history.all(group, historyLimit).map((r) => decodeSlotEvent(r.entry)),
        waiting: q.waiting.all(group, waitingSince).map((r) => ({ id: r.holder, lastSeen: r.seen_at, reason: r.reason as WaitReason })),
        // The history sequence is the change counter: every change writes exactly one line.
        revision: Math.max(1, row.seq),
      };
    },
    async listGroups() {
      return q.groups.all().map((r) => r.name);
    },
    async groupsHeldBy(machine) {
      return q.heldBy.all(machine).map((r) => r.grp);
    },
    async rememberTarget(machine, version, now) {
      q.putTarget.run(machine, version, now);
    },
    async targetsOf(machines, now) {
      const out = new Map<string, string>();
      const since = now - opts.targetTtlSeconds * 1000;
      for (const m of machines) {
        const r = q.target.get(m, since);
        if (r) out.set(m, r.version);
      }
      return out;
    },
  };
}
