// Builds a whole Platte instance from a Config: backend, store, coordinator, Koa app.
// Used by `platte serve`, the tests (supertest against the real app) and the benchmarks.
import type Koa from 'koa';
import { createCoordinator, type Coordinator } from '../coordinator/index.ts';
import { createAuth, type Auth } from '../kernel/auth/auth.ts';
import { openJobRunner } from '../kernel/jobs/open.ts';
import type { JobRunner } from '../kernel/jobs/runner.ts';
import { buildApp, serverDeps } from './http-app.ts';
import { openWebhooks } from './webhooks-wiring.ts';
import { openLive, type LiveParts } from './live-wiring.ts';
import { fanOutSink } from '../server/live/index.ts';
import { defineRolloutJobs, type RolloutJobs } from '../server/rollout/jobs.ts';
import { recordLeaseExpiries } from '../server/rollout/lease-failures.ts';
import { endRebootProgress } from '../server/rollout/reboot-progress.ts';
import { defineStaleJob } from '../server/instances/stale.ts';
import type { Config } from './config.ts';
import { silentLogger, type Logger } from '../kernel/log.ts';
import { closeBackend, openEmbeddedBackend, openMemoryBackend, openRedisBackend, type Backend } from '../kernel/storage/backend.ts';
import { createEmbeddedStore } from '../server/store/embedded/index.ts';
import { createRedisStore } from '../server/store/redis/index.ts';
import type { Store } from '../server/store/types.ts';
import { storeFailure } from './startup.ts';

export interface Platte {
  app: Koa;
  store: Store;
  coordinator: Coordinator;
  /** Background work: BullMQ on Redis, in-process on the embedded store. */
  jobs: JobRunner;
  /** The rollouts' background work, run now (the jobs run it every few seconds): for tests and tools. */
  rollouts: Pick<RolloutJobs, 'evaluate' | 'sweepTimeouts'>;
  /** The dashboard's time series and live event streams. */
  live: LiveParts;
  backend: Backend;
  config: Config;
  log: Logger;
  /** Stops background work and closes the store. */
  close(): Promise<void>;
}

export interface PlatteOptions {
  log?: Logger;
  /** Clock in ms since the epoch; tests pass a fake one. */
  now?: () => number;
  /** How fast `now` runs against real time (the demo's simulated clock); 1 when left out. */
  clockRate?: () => number;
}

/** The backend and the store on it; a store that cannot be opened is a StartupError saying why. */
async function openStore(config: Config, log: Logger): Promise<{ backend: Backend; store: Store }> {
  // What the Redis client reported before it connected: its connect() only says "Connection is closed".
  let connectError: Error | undefined;
  let backend: Backend | undefined;
  try {
    if (config.redisUrl) {
      const redisLog = log.child({ component: 'redis' });
      backend = await openRedisBackend(config.redisUrl, config.redisPrefix, (err) => {
        if (backend) redisLog.warn({ err: err.message }, 'redis connection error; retrying');
        else connectError ??= err;
      });
    } else {
      backend = config.dataDir === ':memory:' ? openMemoryBackend() : openEmbeddedBackend(config.dataDir);
    }
    const store = backend.kind === 'redis' ? await createRedisStore(backend) : createEmbeddedStore(backend);
    return { backend, store };
  } catch (err) {
    if (backend) await closeBackend(backend).catch(() => {});
    throw storeFailure(err, config, connectError);
  }
}

interface CoordinatorWiring {
  config: Config;
  backend: Backend;
  jobs: JobRunner;
  store: Store;
  auth: Auth;
  live: LiveParts;
  log: Logger;
  now: () => number;
}

/** The reboot coordinator, told what the rollouts and the live streams need to hear. */
function openCoordinator({ config, backend, jobs, store, auth, live, log, now }: CoordinatorWiring): Coordinator {
  // A lease that ran out on a node rebooting into a rollout's version is a failure of that rollout.
  const onLeaseExpired = async (ids: string[]): Promise<void> => {
    await recordLeaseExpiries({ store, log: log.child({ component: 'rollouts' }) }, ids);
  };
  // A node that gave its own slot back rebooted: it stops holding a place of reboot-slot pacing.
  const onNodeReleased = async (ids: string[]): Promise<void> => {
    await endRebootProgress({ store, log: log.child({ component: 'rollouts' }), now }, ids);
  };
  // A reboot group's slots changed (any surface, any process): the live streams send `reboot`.
  // Looked up at each call, so a test harness may point the feed's hook elsewhere.
  const onSlotsChanged = (group: string): void => live.live.feed.slotsChanged(group);
  return createCoordinator({
    backend,
    config,
    log: log.child({ component: 'coordinator' }),
    requireRole: auth.requireRole,
    resolveToken: auth.resolve,
    now,
    jobs,
    onLeaseExpired,
    onNodeReleased,
    onSlotsChanged,
  });
}

/** Runs `start`; when it fails, what was opened is closed and the error thrown. */
async function startOrClose(parts: { live: LiveParts; jobs: JobRunner; store: Store; backend: Backend }, start: () => Promise<void>): Promise<void> {
  try {
    await start();
  } catch (err) {
    await parts.live.close().catch(() => {});
    await parts.jobs.close().catch(() => {});
    await parts.store.close().catch(() => {});
    await closeBackend(parts.backend).catch(() => {});
    throw err;
  }
}

/** `config.dataDir === ':memory:'` gives an in-memory embedded store (tests). */
export async function createPlatte(config: Config, opts: PlatteOptions = {}): Promise<Platte> {
  const log = opts.log ?? silentLogger();
  const now = opts.now ?? Date.now;
  const { backend, store: opened } = await openStore(config, log);
  const jobs = openJobRunner(backend, log.child({ component: 'jobs' }));
  const live = openLive({ backend, jobs, store: opened, log, now });
  // Check-ins (and grant time-outs, prunes) tell the dashboard's live streams that counters moved.
  const store = live.watch(opened);
  const auth = createAuth(store, config.adminToken, { now });
  const coordinator = openCoordinator({ config, backend, jobs, store, auth, live, log, now });
  const webhooks = openWebhooks({ backend, jobs, log, now });
  const appDeps = { config, store, auth, coordinator, log, now, clockRate: opts.clockRate, backend, webhooks, live, events: fanOutSink(webhooks.sink, live.live.sink) };
  const server = serverDeps(appDeps);
  const rollouts = defineRolloutJobs(jobs, { ...server, log: log.child({ component: 'rollouts' }) });
  const stale = defineStaleJob(jobs, { store, log: log.child({ component: 'instances' }), now }, config.staleAfter);
  const app = buildApp(appDeps, server);
  await startOrClose({ live, jobs, store, backend }, async () => {
    await coordinator.start();
    await rollouts.start();
    await stale.start();
    await live.start();
    await jobs.start();
  });
  let closed = false;
  return {
    app,
    store,
    coordinator,
    jobs,
    rollouts,
    live,
    backend,
    config,
    log,
    async close() {
      if (closed) return;
      closed = true;
      // Event streams end first: an open stream would hold the HTTP server's close.
      await live.close();
      // Running jobs finish before the store they use goes away.
      await jobs.close();
      await store.close();
      await closeBackend(backend);
    },
  };
}
