// The reboot coordinator: lets only `max` nodes of a group reboot at a time. Serves FleetLock
// (Zincati) on any path prefix, locksmith's etcd v2 keys under /v2/keys (Flatcar's locksmithd,
// coordinator/etcd/) and the operator API under /api/v1/reboot-groups, takes hints from
// the Omaha side (target versions, completed updates), sweeps expired leases and tells the update
// server whose lease ran out (onLeaseExpired: a failure of the rollout the node was rebooting into)
// and which node gave its own slot back (onNodeReleased: it rebooted, its update no longer paces).
import type { Middleware } from 'koa';
import type { Logger } from '../kernel/log.ts';
import type { RequireRole } from '../kernel/auth/auth.ts';
import type { Backend } from '../kernel/storage/backend.ts';
import type { JobRunner } from '../kernel/jobs/runner.ts';
import { fleetlockMiddleware } from './http/fleetlock.ts';
import { etcdMiddleware, etcdNotFound } from './etcd/middleware.ts';
import type { EtcdAuthMode, ResolveToken } from './etcd/callers.ts';
import { operatorRouter } from './http/operator-api.ts';
import { createRebootService, type RebootingNode, type RebootService } from './service.ts';
import { rebootCapacity } from './capacity.ts';
import { openSlotStore } from './store/open.ts';
import { DEFAULT_STORE_OPTIONS, type ExpiryEvent, type SlotStore } from './store/types.ts';
import type { LeasePolicy } from './domain/types.ts';

/** What the Omaha side tells the coordinator. Called only on grants and completions (rare). */
export interface RebootHooks {
  /** An update to `version` was offered to this machine: holders show it as their target. */
  onUpdateGranted(machineId: string, version: string): Promise<void>;
  /** The machine came back on `version` after an update (3/2 with previousversion): release any slot it holds. */
  onUpdateComplete(machineId: string, version: string): Promise<void>;
  /** The reboot group's max (its slots); null when it does not exist and would not be created. Cached briefly. */
  rebootSlots(group: string): Promise<number | null>;
  /** Every node holding a slot now, in any group, with the version it is going to (O(groups + holders)). */
  rebootingNodes(): Promise<RebootingNode[]>;
}

/** The settings the coordinator reads (the binary's configuration has them under these names). */
export interface CoordinatorSettings {
  /** A FleetLock group nobody configured: create it on first use (max defaultMaxHolders) or refuse. */
  unknownGroups: 'create' | 'refuse';
  /** At most this many groups created on first use at a time. */
  maxAutoGroups: number;
  defaultMaxHolders: number;
  defaultLeaseSeconds: number;
  defaultLeasePolicy: LeasePolicy;
  /** locksmith's etcd surface (coordinator/etcd/): the group of the plain semaphore key (default `default`). */
  etcdDefaultGroup?: string;
  /** `required`: every etcd request needs basic auth with a Platte token (default `optional`). */
  etcdAuth?: EtcdAuthMode;
}

export interface CoordinatorDeps {
  backend: Backend;
  config: CoordinatorSettings;
  log: Logger;
  requireRole: RequireRole;
  now: () => number;
  /** Runs the lease sweep: once per period across all processes, whoever owns the runner. */
  jobs: JobRunner;
  /** History lines kept per group (default 1000). */
  historyCap?: number;
  /** How often the lease sweep runs (default 15 s). */
  sweepIntervalMs?: number;
  /**
   * Told the holder ids (machine ids for Zincati) whose lease ran out, after each sweep or
   * pre-reboot step that expired some. A failure is logged, never the sweep's or the node's.
   */
  onLeaseExpired?: (machineIds: string[]) => Promise<void>;
  /**
   * Told the holder ids (machine ids for Zincati) that gave their own slot back: a FleetLock
   * steady-state or a locksmith unlock of the node's own id. Not an operator's force-unlock, a lease
   * that ran out or the release after an Omaha completion. Awaited before the node is answered; a
   * failure is logged, never the node's.
   */
  onNodeReleased?: (machineIds: string[]) => Promise<void>;
  /**
   * Told the group after each change of its slots or settings, from any surface (FleetLock, etcd,
   * the operator API, the Omaha hooks, the sweep): the dashboard's live streams listen. Called
   * synchronously once the store applied the change, so it must be cheap (note it, send later); a
   * throw is logged, never the caller's.
   */
  onSlotsChanged?: (group: string) => void;
  /** Token lookup for the etcd surface's basic auth (kernel/auth's resolve); without it, credentials are refused. */
  resolveToken?: ResolveToken;
}

export interface Coordinator {
  /** FleetLock endpoints (any path prefix), locksmith's etcd keys under /v2/keys and the operator API under /api/v1/reboot-groups. */
  middleware: Middleware;
  /** The whole app of the etcd listener (--etcd-listen): /v2/keys, every other path an etcd "key not found". */
  etcdListener: Middleware;
  hooks: RebootHooks;
  /**
   * Schedules the background work (lease expiry, forgetting idle groups created on first use) on
   * the job runner; the runner's owner starts and closes it.
   */
  start(): Promise<void>;
  /** The lease sweep as its job runs it (onLeaseExpired included), run now: for tests and tools. */
  sweep(): Promise<ExpiryEvent[]>;
  /** The use cases behind the HTTP surfaces (tests, benchmarks). */
  service: RebootService;
  store: SlotStore;
}

const DEFAULT_SWEEP_MS = 15_000;
/** The periodic job that expires leases and forgets idle groups. */
export const SWEEP_JOB = 'coordinator.lease-sweep';

/** Tells `hook` (if any) the distinct holders of `expired`; its failure is logged, never thrown. */
function expiryReporter(hook: CoordinatorDeps['onLeaseExpired'], log: Logger) {
  return async (expired: readonly { holder: { id: string } }[]): Promise<void> => {
    const ids = [...new Set(expired.map((e) => e.holder.id))];
    if (!hook || ids.length === 0) return;
    try {
      await hook(ids);
    } catch (err) {
      log.error({ err, holders: ids.length }, 'telling the update server about expired leases failed');
    }
  };
}

/** `hook` (if any) told of a node's own release; its failure is logged, never thrown. */
function releaseReporter(hook: CoordinatorDeps['onNodeReleased'], log: Logger): ((id: string) => Promise<void>) | undefined {
  if (!hook) return undefined;
  return async (id) => {
    try {
      await hook([id]);
    } catch (err) {
      log.error({ err, holder: id }, 'telling the update server about a released slot failed');
    }
  };
}

/** `hook` made safe to call from any use case: a failure is logged, never thrown. */
function changeNotifier(hook: CoordinatorDeps['onSlotsChanged'], log: Logger): ((group: string) => void) | undefined {
  if (!hook) return undefined;
  return (group) => {
    try {
      hook(group);
    } catch (err) {
      log.error({ err, group }, 'telling the live streams about a reboot group change failed');
    }
  };
}

/** `slots` whose pre-reboot steps also report the leases they expired (a full group expires first). */
function reportingAcquire(slots: SlotStore, report: ReturnType<typeof expiryReporter>): SlotStore {
  return {
    ...slots,
    async acquire(group, id, now) {
      const out = await slots.acquire(group, id, now);
      await report(out.expired);
      return out;
    },
  };
}

export function createCoordinator(deps: CoordinatorDeps): Coordinator {
  const { config, log } = deps;
  const report = expiryReporter(deps.onLeaseExpired, log);
  const slots = openSlotStore(deps.backend, {
    ...DEFAULT_STORE_OPTIONS,
    ...(deps.historyCap ? { historyCap: deps.historyCap } : {}),
    createUnknownGroups: config.unknownGroups === 'create',
    maxAutoGroups: config.maxAutoGroups,
    defaults: { max: config.defaultMaxHolders, leaseSeconds: config.defaultLeaseSeconds, leasePolicy: config.defaultLeasePolicy },
  });
  const store = deps.onLeaseExpired ? reportingAcquire(slots, report) : slots;
  const changed = changeNotifier(deps.onSlotsChanged, log);
  const released = releaseReporter(deps.onNodeReleased, log);
  const service = createRebootService({ store, log, now: deps.now, createUnknownGroups: config.unknownGroups === 'create', changed, released });
  const router = operatorRouter(service, deps.requireRole);
  const fleetlock = fleetlockMiddleware(service, log);
  const routes = router.routes() as unknown as Middleware;
  const allowed = router.allowedMethods() as unknown as Middleware;
  const etcd = etcdMiddleware(service, log, {
    defaultGroup: config.etcdDefaultGroup ?? 'default',
    auth: config.etcdAuth ?? 'optional',
    resolveToken: deps.resolveToken,
  });
  const notFound = etcdNotFound();
  const middleware: Middleware = (ctx, next) => etcd(ctx, () => fleetlock(ctx, () => routes(ctx, () => allowed(ctx, next))));

  const sweep = async (): Promise<ExpiryEvent[]> => {
    const events = await service.sweep();
    await report(events);
    return events;
  };
  // A failed sweep is logged by the runner; the next period tries again.
  deps.jobs.define(SWEEP_JOB, async () => {
    await sweep();
  });

  return {
    middleware,
    etcdListener: (ctx, next) => etcd(ctx, () => notFound(ctx, next)),
    hooks: {
      onUpdateGranted: service.onUpdateGranted,
      onUpdateComplete: service.onUpdateComplete,
      rebootSlots: rebootCapacity({ store, now: deps.now, defaultMax: config.unknownGroups === 'create' ? config.defaultMaxHolders : null }),
      rebootingNodes: service.rebootingNodes,
    },
    service,
    store,
    sweep,
    start: () => deps.jobs.every(SWEEP_JOB, deps.sweepIntervalMs ?? DEFAULT_SWEEP_MS),
  };
}
export type { RebootingNode } from './service.ts';
