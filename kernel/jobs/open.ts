// The runner that fits the backend: BullMQ on Redis (any number of processes share it), in-process on
// the embedded store (one process owns the SQLite file).
import type { Logger } from '../log.ts';
import type { Backend } from '../storage/backend.ts';
import { createBullmqRunner } from './bullmq-runner.ts';
import { createLocalRunner } from './local-runner.ts';
import type { JobRunner } from './runner.ts';

export function openJobRunner(backend: Backend, log: Logger): JobRunner {
  return backend.kind === 'redis' ? createBullmqRunner({ redis: backend.redis, prefix: backend.prefix, log }) : createLocalRunner({ log });
}
