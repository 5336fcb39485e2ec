// Picks the series store for the backend Platte runs on.
import type { Backend } from '../../../kernel/storage/backend.ts';
import type { SeriesStore } from '../types.ts';
import { createEmbeddedSeriesStore } from './embedded.ts';
import { createRedisSeriesStore } from './redis.ts';

export function openSeriesStore(backend: Backend): SeriesStore {
  return backend.kind === 'embedded' ? createEmbeddedSeriesStore(backend.db) : createRedisSeriesStore(backend.redis, backend.prefix);
}
