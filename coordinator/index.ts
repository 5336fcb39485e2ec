// The reboot coordinator: lets only `max` nodes of a group reboot at a time. Serves FleetLock
// (Zincati) on any path prefix and the operator API under /api/v1/reboot-groups, takes hints from
// the Omaha side (target versions, completed updates) and sweeps expired leases.
import type { Middleware } from 'koa';
import type { Logger } from '../kernel/log.ts';
import type { RequireRole } from '../kernel/auth/auth.ts';
import type { Backend } from '../kernel/storage/backend.ts';
import type { JobRunner } from '../kernel/jobs/runner.ts';
import { fleetlockMiddleware } from './http/fleetlock.ts';
import { operatorRouter } from './http/operator-api.ts';
import { createRebootService, type RebootService } from './service.ts';
import { rebootCapacity } from './capacity.ts';
import { openSlotStore } from './store/open.ts';
import { DEFAULT_STORE_OPTIONS, type SlotStore } from './store/types.ts';
import type { LeasePolicy } from './domain/types.ts';

/** What the Omaha side tells the coordinator. Called only on grants and completions (rare). */
export interface RebootHooks {
  /** An update to `version` was offered to this machine: holders show it as their target. */
  onUpdateGranted(machineId: string, version: string): Promise<void>;
  /** The machine came back on `version` after an update (3/2 with previousversion): release any slot it holds. */
  onUpdateComplete(machineId: string, version: string): Promise<void>;
  /** The reboot group's max (its slots); null when it does not exist and would not be created. Cached briefly. */
  rebootSlots(group: string): Promise<number | null>;
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
}

export interface Coordinator {
  /** FleetLock endpoints (any path prefix) and the operator API under /api/v1/reboot-groups. */
  middleware: Middleware;
  hooks: RebootHooks;
  /**
   * Schedules the background work (lease expiry, forgetting idle groups created on first use) on
   * the job runner; the runner's owner starts and closes it.
   */
  start(): Promise<void>;
  /** The use cases behind the HTTP surfaces (tests, benchmarks). */
  service: RebootService;
  store: SlotStore;
}

const DEFAULT_SWEEP_MS = 15_000;
/** The periodic job that expires leases and forgets idle groups. */
export const SWEEP_JOB = 'coordinator.lease-sweep';

export function createCoordinator(deps: CoordinatorDeps): Coordinator {
  const { config, log } = deps;
  const store = openSlotStore(deps.backend, {
    ...DEFAULT_STORE_OPTIONS,
    ...(deps.historyCap ? { historyCap: deps.historyCap } : {}),
    createUnknownGroups: config.unknownGroups === 'create',
    maxAutoGroups: config.maxAutoGroups,
    defaults: { max: config.defaultMaxHolders, leaseSeconds: config.defaultLeaseSeconds, leasePolicy: config.defaultLeasePolicy },
  });
  const service = createRebootService({ store, log, now: deps.now, createUnknownGroups: config.unknownGroups === 'create' });
  const router = operatorRouter(service, deps.requireRole);
  const fleetlock = fleetlockMiddleware(service, log);
  const routes = router.routes() as unknown as Middleware;
  const allowed = router.allowedMethods() as unknown as Middleware;
  const middleware: Middleware = (ctx, next) => fleetlock(ctx, () => routes(ctx, () => allowed(ctx, next)));

  // A failed sweep is logged by the runner; the next period tries again.
  deps.jobs.define(SWEEP_JOB, async () => {
    await service.sweep();
  });

  return {
    middleware,
    hooks: {
      onUpdateGranted: service.onUpdateGranted,
      onUpdateComplete: service.onUpdateComplete,
      rebootSlots: rebootCapacity({ store, now: deps.now, defaultMax: config.unknownGroups === 'create' ? config.defaultMaxHolders : null }),
    },
    service,
    store,
    start: () => deps.jobs.every(SWEEP_JOB, deps.sweepIntervalMs ?? DEFAULT_SWEEP_MS),
  };
}
