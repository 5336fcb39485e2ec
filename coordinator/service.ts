// The reboot coordinator's use cases: FleetLock pre-reboot / steady-state, the operator's view and
// actions, the Omaha hooks and the lease sweep. Decisions live in domain/, atomic steps in store/;
// this file strings them together and turns store records into what the API shows.
import type { Logger } from '../kernel/log.ts';
import { formatSeconds } from '../kernel/duration.ts';
import type { GroupChange, Holder, SlotEvent } from './domain/types.ts';
import { describeWindow, localText, type WindowView } from '../kernel/time/window-parse.ts';
import { currentClosing, isOpen, nextOpening } from '../kernel/time/windows.ts';
import type { AcquireResult, CreateResult, ExpiryEvent, ReleaseResult, SlotStore } from './store/types.ts';

/** Nodes turned away within this span show up as "waiting". */
const WAITING_SPAN_MS = 15 * 60_000;

export type PreRebootAnswer =
  | Exclude<AcquireResult, { kind: 'outside-window' }>
  | { kind: 'outside-window'; nextOpening: number | null; waitMs: number; zone: string };

export interface HolderView {
  id: string;
  since: string;
  leaseUntil: string;
  /** Seconds until the lease runs out; 0 once it has. */
  leaseLeftSeconds: number;
  expired: boolean;
  expiredAt: string | null;
  fencingToken: number;
  /** The version the Omaha side last offered this machine, if any. */
  targetVersion: string | null;
}

export interface HistoryView extends Omit<SlotEvent, 'at'> {
  at: string;
}

export interface GroupView {
  group: string;
  max: number;
  /** Free slots (0 when holders exceed a lowered max). */
  available: number;
  paused: boolean;
  pauseReason: string | null;
  lease: { seconds: number; text: string; onExpiry: 'hold' | 'release' };
  windows: WindowView[];
  windowOpen: boolean;
  /** While a window is open: when it closes. */
  windowClosesAt: string | null;
  /** While all windows are closed: when the next one opens (ISO and in the window's zone). */
  nextWindow: { at: string; local: string } | null;
  holders: HolderView[];
  waiting: { id: string; lastSeen: string; reason: string }[];
  lastFencingToken: number;
  history: HistoryView[];
  /** Created by a node's first pre-reboot and never configured since: forgotten after a day without holder. */
  autoCreated: boolean;
  createdAt: string;
  updatedAt: string;
}

/** What the etcd surface shows of a group (coordinator/etcd/document.ts): no history, no waiting list. */
export interface SlotState {
  group: string;
  max: number;
  paused: boolean;
  windowOpen: boolean;
  holders: string[];
  /** The group's change counter (GroupSnapshot.revision): never 0. */
  revision: number;
}

export interface ServiceDeps {
  store: SlotStore;
  log: Logger;
  now: () => number;
  createUnknownGroups: boolean;
}

const iso = (t: number) => new Date(t).toISOString();

export function createRebootService(deps: ServiceDeps) {
  const { store, log, now } = deps;

  function logExpiries(events: readonly ExpiryEvent[]): void {
    for (const e of events) {
      log.warn(
        { group: e.group, holder: e.holder.id, fencingToken: e.holder.fencingToken, since: iso(e.holder.since), freed: e.freed },
        e.freed ? 'reboot slot lease ran out: slot freed (policy release)' : 'reboot slot lease ran out: node still holds the slot (policy hold)',
      );
    }
  }

  function holderView(h: Holder, t: number, targets: Map<string, string>): HolderView {
    return {
      id: h.id,
      since: iso(h.since),
      leaseUntil: iso(h.leaseUntil),
      leaseLeftSeconds: Math.max(0, Math.round((h.leaseUntil - t) / 1000)),
      expired: h.expiredAt !== null || h.leaseUntil <= t,
      expiredAt: h.expiredAt !== null ? iso(h.expiredAt) : null,
      fencingToken: h.fencingToken,
      targetVersion: targets.get(h.id) ?? null,
    };
  }

  function historyView(e: SlotEvent): HistoryView {
    const { at, fencingToken, ...rest } = e;
    // fencingToken last, as the API has always listed it.
    return { at: iso(at), ...rest, ...(fencingToken !== undefined ? { fencingToken } : {}) };
  }

  async function view(group: string, historyLimit: number): Promise<GroupView | null> {
    const t = now();
    const snap = await store.read(group, { historyLimit, waitingSince: t - WAITING_SPAN_MS });
    if (!snap) return null;
    const { config } = snap;
    const targets = await store.targetsOf(snap.holders.map((h) => h.id), t);
    const open = isOpen(config.windows, t);
    const next = open ? null : nextOpening(config.windows, t);
    const closes = open ? currentClosing(config.windows, t) : null;
    const nextZone = next === null ? 'UTC' : (config.windows.find((w) => isOpen([w], next))?.zone ?? 'UTC');
    const held = new Set(snap.holders.map((h) => h.id));
    return {
      group: config.group,
      max: config.max,
      available: Math.max(0, config.max - snap.holders.length),
      paused: config.paused,
      pauseReason: config.pauseReason,
      lease: { seconds: config.leaseSeconds, text: formatSeconds(config.leaseSeconds), onExpiry: config.leasePolicy },
      windows: config.windows.map(describeWindow),
      windowOpen: open,
      windowClosesAt: closes === null ? null : iso(closes),
      nextWindow: next === null ? null : { at: iso(next), local: localText(next, nextZone) },
      holders: snap.holders.map((h) => holderView(h, t, targets)),
      waiting: snap.waiting.filter((w) => !held.has(w.id)).map((w) => ({ id: w.id, lastSeen: iso(w.lastSeen), reason: w.reason })),
      lastFencingToken: snap.lastFencingToken,
      history: snap.history.map(historyView),
      autoCreated: config.autoCreated,
      createdAt: iso(config.createdAt),
      updatedAt: iso(config.updatedAt),
    };
  }

  return {
    /** FleetLock pre-reboot: take a slot. */
    async preReboot(group: string, id: string): Promise<PreRebootAnswer> {
      const t = now();
      const { result, expired } = await store.acquire(group, id, t);
      logExpiries(expired.map((e) => ({ group, ...e })));
      if (result.kind === 'granted') log.info({ group, holder: id, fencingToken: result.holder.fencingToken }, 'reboot slot granted');
      if (result.kind !== 'outside-window') return result;
      const next = nextOpening(result.windows, t);
      const zone = (next !== null ? result.windows.find((w) => isOpen([w], next))?.zone : result.windows[0]?.zone) ?? 'UTC';
      return { kind: 'outside-window', nextOpening: next, waitMs: next === null ? 0 : next - t, zone };
    },

    /** FleetLock steady-state: give the slot back (a no-op when none is held). */
    async steadyState(group: string, id: string): Promise<ReleaseResult> {
      const out = await store.release(group, id, now(), { event: 'release', by: 'node' });
      if (out.kind === 'released') log.info({ group, holder: id, fencingToken: out.holder.fencingToken }, 'reboot slot released');
      if (out.kind === 'unknown-group' && deps.createUnknownGroups) return { kind: 'not-held' };
      return out;
    },

    view,

    /** The group's max, pause, window, holders and change counter now; null when it does not exist. */
    async slotState(group: string): Promise<SlotState | null> {
      const t = now();
      // Waiting nodes are not shown: ask for those seen after now, which is none.
      const snap = await store.read(group, { historyLimit: 0, waitingSince: t + 1 });
      if (!snap) return null;
      const { config } = snap;
      const holders = snap.holders.map((h) => h.id);
      return { group, max: config.max, paused: config.paused, windowOpen: isOpen(config.windows, t), holders, revision: snap.revision };
    },

    /** Creates the group as a node's first use would, without taking a slot (locksmith's create of its key). */
    async createOnFirstUse(group: string): Promise<CreateResult> {
      const out = await store.createOnFirstUse(group, now());
      if (out.kind === 'created') log.info({ group }, 'reboot group created on first use (etcd create)');
      return out;
    },

    async list(): Promise<GroupView[]> {
      const names = await store.listGroups();
      const views = await Promise.all(names.map((g) => view(g, 0)));
      return views.filter((v): v is GroupView => v !== null);
    },

    /** Creates the group if needed (when `create`), applies the change; null if it does not exist. */
    async configure(group: string, change: GroupChange, actor: string, create: boolean): Promise<GroupView | null> {
      const cfg = await store.configure(group, change, now(), actor, create);
      if (!cfg) return null;
      log.info({ group, actor, change: { ...change, windows: change.windows?.map((w) => describeWindow(w).text) } }, 'reboot group changed');
      return view(group, 20);
    },

    async forceUnlock(group: string, id: string, actor: string, reason?: string): Promise<ReleaseResult> {
      const out = await store.release(group, id, now(), { event: 'force-unlock', by: actor, ...(reason ? { detail: reason } : {}) });
      if (out.kind === 'released') log.warn({ group, holder: id, actor }, 'reboot slot force-unlocked');
      return out;
    },

    /** The Omaha side offered `version` to a machine: holders show it as their target. */
    async onUpdateGranted(machineId: string, version: string): Promise<void> {
      await store.rememberTarget(machineId, version, now());
    },

    /** The machine came back on `version`: release whatever slot it holds, like steady-state. */
    async onUpdateComplete(machineId: string, version: string): Promise<void> {
      const groups = await store.groupsHeldBy(machineId);
      for (const group of groups) {
        const out = await store.release(group, machineId, now(), { event: 'release', by: 'omaha', detail: `node reported version ${version}` });
        if (out.kind === 'released') log.info({ group, holder: machineId, version }, 'reboot slot released after the update completed');
      }
    },

    /** The periodic sweep: processes every lease that ran out, forgets idle groups created on first use. */
    async sweep(): Promise<ExpiryEvent[]> {
      const events = await store.expireDue(now());
      logExpiries(events);
      const forgotten = await store.forgetIdle(now());
      if (forgotten.length > 0) log.info({ groups: forgotten }, 'forgot reboot groups created on first use that stayed idle');
      return events;
    },
  };
}

export type RebootService = ReturnType<typeof createRebootService>;
