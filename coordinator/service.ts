// The reboot coordinator's use cases: FleetLock pre-reboot / steady-state, the operator's view and
// actions, the Omaha hooks and the lease sweep. Decisions live in domain/, atomic steps in store/;
// this file strings them together (group-view.ts turns store records into what the API shows).
import type { Logger } from '../kernel/log.ts';
import type { GroupChange } from './domain/types.ts';
import { describeWindow } from '../kernel/time/window-parse.ts';
import { isOpen, nextOpening } from '../kernel/time/windows.ts';
import { groupView, type GroupView } from './group-view.ts';
import { historyAcross, type GroupEventView, type HistoryFilter } from './history-across.ts';
import type { AcquireResult, CreateResult, ExpiryEvent, ReleaseResult, SlotStore } from './store/types.ts';

export type { GroupView, HistoryView, HolderView } from './group-view.ts';
export type { GroupEventView, HistoryFilter } from './history-across.ts';

export type PreRebootAnswer =
  | Exclude<AcquireResult, { kind: 'outside-window' }>
  | { kind: 'outside-window'; nextOpening: number | null; waitMs: number; zone: string };

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
  /**
   * Told each group whose slots or settings changed (a grant, a release, an expiry, a change of
   * max, pause, windows or lease, a group created or forgotten), after the store applied it.
   * Synchronous and cheap (the listener coalesces); it must not throw (index.ts makes sure).
   */
  changed?: (group: string) => void;
  /**
   * Told each node that gave its own slot back (steady-state, or a locksmith unlock of its own id),
   * awaited before it is answered; it must not throw (index.ts makes sure).
   */
  released?: (id: string) => Promise<void>;
}

/** A current holder as the update server sees it (RebootHooks.rebootingNodes). */
export interface RebootingNode {
  id: string;
  group: string;
  /** When it took its slot (ms since the epoch). */
  since: number;
  /** Its lease ran out: held on (policy hold) or about to be freed by the sweep, not rebooting as planned. */
  expired: boolean;
  targetVersion: string | null;
}

/** What every use case below works with: the deps with the hooks always there. */
interface Ctx extends ServiceDeps {
  changed: (group: string) => void;
  released: (id: string) => Promise<void>;
}

const iso = (t: number) => new Date(t).toISOString();

function logExpiries(log: Logger, events: readonly ExpiryEvent[]): void {
  for (const e of events) {
    log.warn(
      { group: e.group, holder: e.holder.id, fencingToken: e.holder.fencingToken, since: iso(e.holder.since), freed: e.freed },
      e.freed ? 'reboot slot lease ran out: slot freed (policy release)' : 'reboot slot lease ran out: node still holds the slot (policy hold)',
    );
  }
}

/** What nodes ask for: FleetLock (and locksmith's etcd keys) take and give back slots. */
function nodeUseCases({ store, log, now, changed, released, createUnknownGroups }: Ctx) {
  return {
    /** FleetLock pre-reboot: take a slot. */
    async preReboot(group: string, id: string): Promise<PreRebootAnswer> {
      const t = now();
      const { result, expired } = await store.acquire(group, id, t);
      logExpiries(log, expired.map((e) => ({ group, ...e })));
      // A refusal changes no slot (only the waiting list, which the next change or reload shows).
      if (result.kind === 'granted' || expired.length > 0) changed(group);
      if (result.kind === 'granted') log.info({ group, holder: id, fencingToken: result.holder.fencingToken }, 'reboot slot granted');
      if (result.kind !== 'outside-window') return result;
      const next = nextOpening(result.windows, t);
      const zone = (next !== null ? result.windows.find((w) => isOpen([w], next))?.zone : result.windows[0]?.zone) ?? 'UTC';
      return { kind: 'outside-window', nextOpening: next, waitMs: next === null ? 0 : next - t, zone };
    },

    /** FleetLock steady-state: give the slot back (a no-op when none is held). */
    async steadyState(group: string, id: string): Promise<ReleaseResult> {
      const out = await store.release(group, id, now(), { event: 'release', by: 'node' });
      if (out.kind === 'released') {
        changed(group);
        log.info({ group, holder: id, fencingToken: out.holder.fencingToken }, 'reboot slot released');
        // The node rebooted: the update server stops counting it as in progress (reboot-slot pacing).
        await released(id);
      }
      if (out.kind === 'unknown-group' && createUnknownGroups) return { kind: 'not-held' };
      return out;
    },

    /** Creates the group as a node's first use would, without taking a slot (locksmith's create of its key). */
    async createOnFirstUse(group: string): Promise<CreateResult> {
      const out = await store.createOnFirstUse(group, now());
      if (out.kind === 'created') {
        changed(group);
        log.info({ group }, 'reboot group created on first use (etcd create)');
      }
      return out;
    },
  };
}

/** What operators look at and do: the API, the CLI and the dashboard. */
function operatorUseCases(ctx: Ctx) {
  const { store, log, now, changed } = ctx;
  const view = (group: string, historyLimit: number) => groupView(store, now, group, historyLimit);
  return {
    view,

    /** Slot history across all groups: one node's lines, or the ones operators wrote (history-across.ts). */
    historyAcross: (filter: HistoryFilter, limit: number): Promise<GroupEventView[]> => historyAcross(store, now(), filter, limit),

    async list(): Promise<GroupView[]> {
      const names = await store.listGroups();
      const views = await Promise.all(names.map((g) => view(g, 0)));
      return views.filter((v): v is GroupView => v !== null);
    },

    /** Creates the group if needed (when `create`), applies the change; null if it does not exist. */
    async configure(group: string, change: GroupChange, actor: string, create: boolean): Promise<GroupView | null> {
      const cfg = await store.configure(group, change, now(), actor, create);
      if (!cfg) return null;
      changed(group);
      log.info({ group, actor, change: { ...change, windows: change.windows?.map((w) => describeWindow(w).text) } }, 'reboot group changed');
      return view(group, 20);
    },

    async forceUnlock(group: string, id: string, actor: string, reason?: string): Promise<ReleaseResult> {
      const out = await store.release(group, id, now(), { event: 'force-unlock', by: actor, ...(reason ? { detail: reason } : {}) });
      if (out.kind === 'released') {
        changed(group);
        log.warn({ group, holder: id, actor }, 'reboot slot force-unlocked');
      }
      return out;
    },
  };
}

/** The group's max, pause, window, holders and change counter now; null when it does not exist. */
async function slotState({ store, now }: Ctx, group: string): Promise<SlotState | null> {
  const t = now();
  // Waiting nodes are not shown: ask for those seen after now, which is none.
  const snap = await store.read(group, { historyLimit: 0, waitingSince: t + 1 });
  if (!snap) return null;
  const { config } = snap;
  const holders = snap.holders.map((h) => h.id);
  return { group, max: config.max, paused: config.paused, windowOpen: isOpen(config.windows, t), holders, revision: snap.revision };
}

/**
 * Every current holder of every group, with the version it is going to: one read per group (no
 * history, no waiting list) and one target lookup for all holders, so O(groups + holders).
 */
async function rebootingNodes({ store, now }: Ctx): Promise<RebootingNode[]> {
  const t = now();
  const names = await store.listGroups();
  const snaps = await Promise.all(names.map((g) => store.read(g, { historyLimit: 0, waitingSince: t + 1 })));
  const held = snaps.flatMap((s) =>
    s ? s.holders.map((h) => ({ id: h.id, group: s.config.group, since: h.since, expired: h.expiredAt !== null || h.leaseUntil <= t })) : [],
  );
  if (held.length === 0) return [];
  const targets = await store.targetsOf([...new Set(held.map((h) => h.id))], t);
  return held.map((h) => ({ ...h, targetVersion: targets.get(h.id) ?? null }));
}

/** What the Omaha side tells the coordinator. */
function omahaUseCases({ store, log, now, changed }: Ctx) {
  return {
    /** The Omaha side offered `version` to a machine: holders show it as their target. */
    async onUpdateGranted(machineId: string, version: string): Promise<void> {
      await store.rememberTarget(machineId, version, now());
    },

    /** The machine came back on `version`: release whatever slot it holds, like steady-state. */
    async onUpdateComplete(machineId: string, version: string): Promise<void> {
      const groups = await store.groupsHeldBy(machineId);
      for (const group of groups) {
        const out = await store.release(group, machineId, now(), { event: 'release', by: 'omaha', detail: `node reported version ${version}` });
        if (out.kind !== 'released') continue;
        changed(group);
        log.info({ group, holder: machineId, version }, 'reboot slot released after the update completed');
      }
    },
  };
}

/** The periodic sweep: processes every lease that ran out, forgets idle groups created on first use. */
async function sweep({ store, log, now, changed }: Ctx): Promise<ExpiryEvent[]> {
  const events = await store.expireDue(now());
  logExpiries(log, events);
  const forgotten = await store.forgetIdle(now());
  if (forgotten.length > 0) log.info({ groups: forgotten }, 'forgot reboot groups created on first use that stayed idle');
  for (const group of new Set([...events.map((e) => e.group), ...forgotten])) changed(group);
  return events;
}

export function createRebootService(deps: ServiceDeps) {
  const ctx: Ctx = { ...deps, changed: deps.changed ?? (() => {}), released: deps.released ?? (async () => {}) };
  return {
    ...nodeUseCases(ctx),
    ...operatorUseCases(ctx),
    ...omahaUseCases(ctx),
    slotState: (group: string) => slotState(ctx, group),
    rebootingNodes: () => rebootingNodes(ctx),
    sweep: () => sweep(ctx),
  };
}

export type RebootService = ReturnType<typeof createRebootService>;
