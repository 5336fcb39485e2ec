// Slot store on the embedded SQLite database. Each operation is one transaction (a savepoint inside
// a group commit, see server/store/embedded/group-commit.ts): point reads of what the decision
// needs, the pure decision from domain/decide.ts, the writes it implies. Batches run as IMMEDIATE
// transactions, so several processes sharing the file also stay within `max`.
import type Database from 'better-sqlite3';
import { decideAcquire, decideRelease, dueForExpiry, expire, type Expiry } from '../../domain/decide.ts';
import { describeChange } from '../../domain/describe.ts';
import type { GroupChange, GroupConfig, Holder, LeasePolicy, SlotEvent, WaitReason } from '../../domain/types.ts';
import { isOpen } from '../../domain/windows.ts';
import { FULL_SAMPLE, type AcquireOutcome, type ExpiryEvent, type GroupSnapshot, type ReleaseBy, type ReleaseResult, type SlotStore, type SlotStoreOptions } from '../types.ts';
import { createGroupCommit } from '../../../server/store/embedded/group-commit.ts';
import { migrate } from './schema.ts';

interface GroupRow {
  name: string;
  max: number;
  paused: number;
  pause_reason: string | null;
  lease_seconds: number;
  lease_policy: string;
  windows: string;
  epoch: number;
  fence: number;
  seq: number;
  created_at: number;
  updated_at: number;
}

interface HolderRow {
  holder: string;
  token: number;
  since: number;
  lease_until: number;
  expired_at: number | null;
}

/** History is trimmed once every this many events of a group (keeps most writes to one page). */
const TRIM_EVERY = 64;
/** Waiting nodes are trimmed about once every this many refusals. */
const WAITING_TRIM_EVERY = 64;

const HOLDER_COLUMNS = 'holder, token, since, lease_until, expired_at';

function toConfig(r: GroupRow): GroupConfig {
  return {
    group: r.name,
    max: r.max,
    paused: r.paused === 1,
    pauseReason: r.pause_reason,
    leaseSeconds: r.lease_seconds,
    leasePolicy: r.lease_policy as LeasePolicy,
    windows: r.windows === '[]' ? [] : JSON.parse(r.windows),
    epoch: r.epoch,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function toHolder(r: HolderRow): Holder {
  return { id: r.holder, token: r.token, since: r.since, leaseUntil: r.lease_until, expiredAt: r.expired_at };
}

export function createEmbeddedSlotStore(db: Database.Database, opts: SlotStoreOptions): SlotStore {
  migrate(db);
  const q = {
    group: db.prepare<[string], GroupRow>('SELECT * FROM slot_groups WHERE name = ?'),
    groups: db.prepare<[], { name: string }>('SELECT name FROM slot_groups ORDER BY name'),
    insertGroup: db.prepare(
      'INSERT INTO slot_groups (name, max, lease_seconds, lease_policy, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    updateGroup: db.prepare(
      `UPDATE slot_groups SET max = @max, paused = @paused, pause_reason = @pause_reason, lease_seconds = @lease_seconds,
       lease_policy = @lease_policy, windows = @windows, epoch = epoch + 1, updated_at = @updated_at WHERE name = @name`,
    ),
    /** Counters of a group: the fencing token and the history sequence, in one page write. */
    setCounters: db.prepare('UPDATE slot_groups SET fence = ?, seq = ? WHERE name = ?'),
    mine: db.prepare<[string, string], HolderRow>(`SELECT ${HOLDER_COLUMNS} FROM slot_holders WHERE grp = ? AND holder = ?`),
    count: db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM slot_holders WHERE grp = ?'),
    holders: db.prepare<[string], HolderRow>(`SELECT ${HOLDER_COLUMNS} FROM slot_holders WHERE grp = ? ORDER BY since, holder`),
    oldest: db.prepare<[string, number], HolderRow>(`SELECT ${HOLDER_COLUMNS} FROM slot_holders WHERE grp = ? ORDER BY since, holder LIMIT ?`),
    due: db.prepare<[string, number], HolderRow>(
      `SELECT ${HOLDER_COLUMNS} FROM slot_holders WHERE grp = ? AND expired_at IS NULL AND lease_until <= ?`,
    ),
    dueGroups: db.prepare<[number], { grp: string }>(
      'SELECT DISTINCT grp FROM slot_holders WHERE expired_at IS NULL AND lease_until <= ?',
    ),
    insertHolder: db.prepare('INSERT INTO slot_holders (grp, holder, token, since, lease_until) VALUES (?, ?, ?, ?, ?)'),
    deleteHolder: db.prepare('DELETE FROM slot_holders WHERE grp = ? AND holder = ?'),
    markExpired: db.prepare('UPDATE slot_holders SET expired_at = ? WHERE grp = ? AND holder = ?'),
    heldBy: db.prepare<[string], { grp: string }>('SELECT grp FROM slot_holders WHERE holder = ? ORDER BY grp'),
    addEvent: db.prepare('INSERT INTO slot_history (grp, seq, entry) VALUES (?, ?, ?)'),
    history: db.prepare<[string, number], { entry: string }>('SELECT entry FROM slot_history WHERE grp = ? ORDER BY seq DESC LIMIT ?'),
    trimHistory: db.prepare('DELETE FROM slot_history WHERE grp = ? AND seq <= ?'),
    noteWaiting: db.prepare(
      `INSERT INTO slot_waiting (grp, holder, seen_at, reason) VALUES (?, ?, ?, ?)
       ON CONFLICT (grp, holder) DO UPDATE SET seen_at = excluded.seen_at, reason = excluded.reason`,
    ),
    dropWaiting: db.prepare('DELETE FROM slot_waiting WHERE grp = ? AND holder = ?'),
    waiting: db.prepare<[string, number], { holder: string; seen_at: number; reason: string }>(
      'SELECT holder, seen_at, reason FROM slot_waiting WHERE grp = ? AND seen_at >= ? ORDER BY seen_at DESC LIMIT 1000',
    ),
    trimWaiting: db.prepare(
      `DELETE FROM slot_waiting WHERE grp = @grp AND seen_at < (
         SELECT seen_at FROM slot_waiting WHERE grp = @grp ORDER BY seen_at DESC LIMIT 1 OFFSET @keep)`,
    ),
    putTarget: db.prepare(
      'INSERT INTO slot_targets (machine, version, at) VALUES (?, ?, ?) ON CONFLICT (machine) DO UPDATE SET version = excluded.version, at = excluded.at',
    ),
    target: db.prepare<[string, number], { version: string }>('SELECT version FROM slot_targets WHERE machine = ? AND at >= ?'),
    dropOldTargets: db.prepare('DELETE FROM slot_targets WHERE at < ?'),
  };

  let refusals = 0;

  /** A group's row plus the counters this transaction moves; written back once by `flush`. */
  interface Tx {
    row: GroupRow;
    fence: number;
    seq: number;
  }

  function begin(row: GroupRow): Tx {
    return { row, fence: row.fence, seq: row.seq };
  }

  function addEvent(tx: Tx, ev: SlotEvent): void {
    tx.seq++;
    q.addEvent.run(tx.row.name, tx.seq, JSON.stringify(ev));
    if (tx.seq % TRIM_EVERY === 0) q.trimHistory.run(tx.row.name, tx.seq - opts.historyCap);
  }

  function flush(tx: Tx): void {
    if (tx.fence !== tx.row.fence || tx.seq !== tx.row.seq) q.setCounters.run(tx.fence, tx.seq, tx.row.name);
  }

  function noteWaiting(group: string, id: string, now: number, reason: WaitReason): void {
    q.noteWaiting.run(group, id, now, reason);
    if (++refusals % WAITING_TRIM_EVERY === 0) q.trimWaiting.run({ grp: group, keep: opts.waitingCap - 1 });
  }

  function createGroup(group: string, now: number, by: string, detail: string): GroupRow {
    const d = opts.defaults;
    q.insertGroup.run(group, d.max, d.leaseSeconds, d.leasePolicy, now, now);
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
      addEvent(tx, { at: now, event: 'expire', holder: e.holder.id, token: e.holder.token, by: 'lease', freed: e.freed });
    }
    return expired;
  }

  const acquireTx = db.transaction((group: string, id: string, now: number): AcquireOutcome => {
    let row = q.group.get(group);
    if (!row) {
      if (!opts.createUnknownGroups) return { result: { kind: 'unknown-group' }, expired: [] };
      row = createGroup(group, now, 'node', 'created on first use');
    }
    const tx = begin(row);
    const expired = expireIn(tx, now);
    const config = toConfig(row);
    const mineRow = q.mine.get(group, id);
    const mine = mineRow ? toHolder(mineRow) : null;
    const count = mine ? 0 : (q.count.get(group) as { n: number }).n;
    const d = decideAcquire({ config, fence: tx.fence, count, mine }, id, now, isOpen(config.windows, now));
    try {
      switch (d.kind) {
        case 'grant': {
          const h = d.holder;
          q.insertHolder.run(group, id, h.token, h.since, h.leaseUntil);
          tx.fence = h.token;
          q.dropWaiting.run(group, id);
          addEvent(tx, { at: now, event: 'grant', holder: id, token: h.token, by: 'node' });
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
    addEvent(tx, { at: now, event: by.event, holder: id, token: d.holder.token, by: by.by, ...(by.detail ? { detail: by.detail } : {}) });
    flush(tx);
    return d;
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
        row = createGroup(group, now, actor, 'created by an operator');
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
    async configure(group, change, now, actor, mayCreate) {
      return configureTx.immediate(group, change, now, actor, mayCreate);
    },
    async read(group, { historyLimit, waitingSince }): Promise<GroupSnapshot | null> {
      const row = q.group.get(group);
      if (!row) return null;
      return {
        config: toConfig(row),
        holders: q.holders.all(group).map(toHolder),
        fence: row.fence,
        history: q.history.all(group, historyLimit).map((r) => JSON.parse(r.entry) as SlotEvent),
        waiting: q.waiting.all(group, waitingSince).map((r) => ({ id: r.holder, lastSeen: r.seen_at, reason: r.reason as WaitReason })),
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
