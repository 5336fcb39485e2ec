// Slot store on the embedded SQLite database. Each operation is one IMMEDIATE transaction that
// loads the group, runs the pure decision from domain/decide.ts and writes the outcome, so several
// processes sharing the file also stay within `max`.
import type Database from 'better-sqlite3';
import { applyExpiry, decideAcquire, decideRelease, type Expiry } from '../../domain/decide.ts';
import type { GroupChange, GroupConfig, GroupState, Holder, LeasePolicy, SlotEvent, WaitReason } from '../../domain/types.ts';
import { describeChange } from '../../domain/describe.ts';
import { isOpen } from '../../domain/windows.ts';
import { FULL_SAMPLE, type AcquireOutcome, type ExpiryEvent, type GroupSnapshot, type ReleaseBy, type ReleaseResult, type SlotStore, type SlotStoreOptions } from '../types.ts';
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

/** Trim history / waiting rows of a group after this many inserts (keeps inserts cheap). */
const TRIM_EVERY = 64;

function toConfig(r: GroupRow): GroupConfig {
  return {
    group: r.name,
    max: r.max,
    paused: r.paused === 1,
    pauseReason: r.pause_reason,
    leaseSeconds: r.lease_seconds,
    leasePolicy: r.lease_policy as LeasePolicy,
    windows: JSON.parse(r.windows),
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
    setFence: db.prepare('UPDATE slot_groups SET fence = ? WHERE name = ?'),
    holders: db.prepare<[string], HolderRow>('SELECT holder, token, since, lease_until, expired_at FROM slot_holders WHERE grp = ?'),
    insertHolder: db.prepare('INSERT INTO slot_holders (grp, holder, token, since, lease_until) VALUES (?, ?, ?, ?, ?)'),
    deleteHolder: db.prepare('DELETE FROM slot_holders WHERE grp = ? AND holder = ?'),
    markExpired: db.prepare('UPDATE slot_holders SET expired_at = ? WHERE grp = ? AND holder = ?'),
    dueGroups: db.prepare<[number], { grp: string }>(
      'SELECT DISTINCT grp FROM slot_holders WHERE expired_at IS NULL AND lease_until <= ?',
    ),
    heldBy: db.prepare<[string], { grp: string }>('SELECT grp FROM slot_holders WHERE holder = ? ORDER BY grp'),
    addEvent: db.prepare('INSERT INTO slot_history (grp, entry) VALUES (?, ?)'),
    history: db.prepare<[string, number], { entry: string }>('SELECT entry FROM slot_history WHERE grp = ? ORDER BY id DESC LIMIT ?'),
    trimHistory: db.prepare(
      `DELETE FROM slot_history WHERE grp = @grp AND id < (
         SELECT id FROM slot_history WHERE grp = @grp ORDER BY id DESC LIMIT 1 OFFSET @keep)`,
    ),
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

  const inserts = new Map<string, number>();
  function bump(kind: string, group: string): boolean {
    const key = `${kind}:${group}`;
    const n = (inserts.get(key) ?? 0) + 1;
    inserts.set(key, n % TRIM_EVERY);
    return n >= TRIM_EVERY;
  }

  function addEvent(group: string, ev: SlotEvent): void {
    q.addEvent.run(group, JSON.stringify(ev));
    if (bump('h', group)) q.trimHistory.run({ grp: group, keep: opts.historyCap - 1 });
  }

  function noteWaiting(group: string, id: string, now: number, reason: WaitReason): void {
    q.noteWaiting.run(group, id, now, reason);
    if (bump('w', group)) q.trimWaiting.run({ grp: group, keep: opts.waitingCap - 1 });
  }

  function load(group: string): GroupState | null {
    const row = q.group.get(group);
    if (!row) return null;
    return { config: toConfig(row), holders: q.holders.all(group).map(toHolder), fence: row.fence };
  }

  function create(group: string, now: number): GroupState {
    const d = opts.defaults;
    q.insertGroup.run(group, d.max, d.leaseSeconds, d.leasePolicy, now, now);
    addEvent(group, { at: now, event: 'create', by: 'node', max: d.max, detail: 'created on first use' });
    return load(group) as GroupState;
  }

  /** Applies lease expiry to a loaded group and writes it; returns the new state. */
  function expire(state: GroupState, now: number): { state: GroupState; expired: Expiry[] } {
    const out = applyExpiry(state, now);
    const group = state.config.group;
    for (const e of out.expired) {
      if (e.freed) q.deleteHolder.run(group, e.holder.id);
      else q.markExpired.run(now, group, e.holder.id);
      addEvent(group, { at: now, event: 'expire', holder: e.holder.id, token: e.holder.token, by: 'lease', freed: e.freed });
    }
    return out;
  }

  const acquireTx = db.transaction((group: string, id: string, now: number): AcquireOutcome => {
    let loaded = load(group);
    if (!loaded) {
      if (!opts.createUnknownGroups) return { result: { kind: 'unknown-group' }, expired: [] };
      loaded = create(group, now);
    }
    const { state, expired } = expire(loaded, now);
    const d = decideAcquire(state, id, now, isOpen(state.config.windows, now));
    switch (d.kind) {
      case 'grant': {
        const h = d.holder;
        q.insertHolder.run(group, id, h.token, h.since, h.leaseUntil);
        q.setFence.run(h.token, group);
        q.dropWaiting.run(group, id);
        addEvent(group, { at: now, event: 'grant', holder: id, token: h.token, by: 'node' });
        return { result: { kind: 'granted', holder: h }, expired };
      }
      case 'held':
        return { result: { kind: 'held', holder: d.holder }, expired };
      case 'paused':
        noteWaiting(group, id, now, 'paused');
        return { result: { kind: 'paused', reason: d.reason }, expired };
      case 'outside-window':
        noteWaiting(group, id, now, 'outside-window');
        return { result: { kind: 'outside-window', windows: state.config.windows }, expired };
      case 'full':
        noteWaiting(group, id, now, 'full');
        return { result: { kind: 'full', max: d.max, count: d.holders.length, holders: d.holders.slice(0, FULL_SAMPLE) }, expired };
    }
  });

  const releaseTx = db.transaction((group: string, id: string, now: number, by: ReleaseBy): ReleaseResult => {
    const state = load(group);
    if (!state) return { kind: 'unknown-group' };
    const d = decideRelease(state, id);
    if (d.kind === 'not-held') return d;
    q.deleteHolder.run(group, id);
    addEvent(group, { at: now, event: by.event, holder: id, token: d.holder.token, by: by.by, ...(by.detail ? { detail: by.detail } : {}) });
    return { kind: 'released', holder: d.holder };
  });

  const expireTx = db.transaction((group: string, now: number): Expiry[] => {
    const state = load(group);
    return state ? expire(state, now).expired : [];
  });

  const configureTx = db.transaction(
    (group: string, change: GroupChange, now: number, actor: string, mayCreate: boolean, detail: string): GroupConfig | null => {
      let row = q.group.get(group);
      if (!row) {
        if (!mayCreate) return null;
        const d = opts.defaults;
        q.insertGroup.run(group, d.max, d.leaseSeconds, d.leasePolicy, now, now);
        addEvent(group, { at: now, event: 'create', by: actor, max: d.max, detail: 'created by an operator' });
        row = q.group.get(group) as GroupRow;
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
      const event = change.paused === true ? 'pause' : change.paused === false ? 'resume' : 'configure';
      addEvent(group, { at: now, event, by: actor, max: next.max, ...(detail ? { detail } : {}) });
      return toConfig(q.group.get(group) as GroupRow);
    },
  );

  return {
    kind: 'embedded',
    async acquire(group, holder, now) {
      return acquireTx.immediate(group, holder, now);
    },
    async release(group, holder, now, by) {
      return releaseTx.immediate(group, holder, now, by);
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
      return configureTx.immediate(group, change, now, actor, mayCreate, describeChange(change));
    },
    async read(group, { historyLimit, waitingSince }): Promise<GroupSnapshot | null> {
      const state = load(group);
      if (!state) return null;
      return {
        ...state,
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
