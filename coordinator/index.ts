// STUB — replaced by the coordinator implementation (issue 4).
import type { Middleware } from 'koa';
import type { Config } from '../server/config.ts';
import type { Logger } from '../server/log.ts';
import type { RequireRole } from '../server/api/auth.ts';
import type { Backend } from '../server/store/backend.ts';

/** What the Omaha side tells the coordinator. Called only on grants and completions (rare). */
export interface RebootHooks {
  /** An update to `version` was offered to this machine: holders show it as their target. */
  onUpdateGranted(machineId: string, version: string): Promise<void>;
  /** The machine came back on `version` after an update (3/2 with previousversion): release any slot it holds. */
  onUpdateComplete(machineId: string, version: string): Promise<void>;
}

export interface CoordinatorDeps {
  backend: Backend;
  config: Config;
  log: Logger;
  requireRole: RequireRole;
  now: () => number;
}

export interface Coordinator {
  /** FleetLock endpoints (any path prefix) and the operator API under /api/v1/reboot-groups. */
  middleware: Middleware;
  hooks: RebootHooks;
  /** Starts background work (lease expiry). */
  start(): void;
  stop(): Promise<void>;
}

export function createCoordinator(_deps: CoordinatorDeps): Coordinator {
  return {
    middleware: async (_ctx, next) => next(),
    hooks: { onUpdateGranted: async () => {}, onUpdateComplete: async () => {} },
    start() {},
    async stop() {},
  };
}
