// What GET /apps/{app}/series asks and how its answer is read from stored points: pure functions.
//   dimension=version | status       the app's nodes per version / per status
//   dimension=channel | group        nodes per channel / per group; with name=<channel or group>,
//                                    that one's nodes per `by` (version, the default, or status)
//   dimension=rollout                with name=<channel> and version=<v> (both required): the
//                                    rollout's counts as the halt rule reads them (rollout-counts.ts)
//   range=1h | 1d | 2d               minute points (at most 2,880)
//   range=7d | 30d | 60d             hour points (at most 1,440)
import { dict } from '../../kernel/dict.ts';
import { ApiError } from '../../kernel/http/errors.ts';
import { TARGET_DIMENSION } from '../domain/counters.ts';
import { isValidVersion } from '../domain/version.ts';
import { APP_SCOPE } from './points.ts';
import { rolloutCountsOf } from './rollout-counts.ts';
import { HOUR_MS, type Resolution } from './types.ts';

export const SERIES_DIMENSIONS = ['channel', 'group', 'version', 'status', 'rollout'] as const;
export type SeriesDimension = (typeof SERIES_DIMENSIONS)[number];
export const SERIES_BY = ['version', 'status'] as const;
export type SeriesBy = (typeof SERIES_BY)[number];

/** Each range's span and the resolution it is read at: up to two days in minutes, longer in hours. */
export const SERIES_RANGES: ReadonlyMap<string, { span: number; resolution: Resolution }> = new Map([
  ['1h', { span: HOUR_MS, resolution: 'minute' }],
  ['1d', { span: 24 * HOUR_MS, resolution: 'minute' }],
  ['2d', { span: 48 * HOUR_MS, resolution: 'minute' }],
  ['7d', { span: 7 * 24 * HOUR_MS, resolution: 'hour' }],
  ['30d', { span: 30 * 24 * HOUR_MS, resolution: 'hour' }],
  ['60d', { span: 60 * 24 * HOUR_MS, resolution: 'hour' }],
]);
export const DEFAULT_RANGE = '1d';

/** A channel or group as the counters name it; `?<track>` for a track that matched no group. */
const SCOPE_NAME = /^\??[a-zA-Z0-9._~-]{1,64}$/;

export interface SeriesQuery {
  dimension: SeriesDimension;
  /** The channel (dimension channel or rollout) or group (dimension group) to break down; none: all of them. */
  name?: string;
  /** Dimension rollout only: the version rolled out. */
  version?: string;
  by: SeriesBy;
  range: string;
}

type Query = Readonly<Record<string, string | string[] | undefined>>;

function one(query: Query, name: string): string | undefined {
  const raw = query[name];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || raw === '') throw new ApiError('bad_request', `query parameter ${name} must be given once, not empty`);
  return raw;
}

function oneOf<T extends string>(query: Query, name: string, allowed: readonly T[]): T | undefined {
  const v = one(query, name);
  if (v !== undefined && !(allowed as readonly string[]).includes(v)) {
    throw new ApiError('bad_request', `query parameter ${name} must be one of ${allowed.join(', ')}`);
  }
  return v as T | undefined;
}

/** The name parameter: the dimensions it goes with, and its form. */
function nameOf(query: Query, dimension: SeriesDimension): string | undefined {
  const name = one(query, 'name');
  if (name === undefined) {
    if (dimension === 'rollout') throw new ApiError('bad_request', 'query parameter name is required with dimension rollout: the channel');
    return undefined;
  }
  if (dimension !== 'channel' && dimension !== 'group' && dimension !== 'rollout') {
    throw new ApiError('bad_request', 'query parameter name goes with dimension channel, group or rollout only');
  }
  if (!SCOPE_NAME.test(name)) throw new ApiError('bad_request', `query parameter name must match ${SCOPE_NAME}`);
  return name;
}

/** The version parameter: required with dimension rollout, refused with any other. */
function versionOf(query: Query, dimension: SeriesDimension): string | undefined {
  const version = one(query, 'version');
  if (dimension !== 'rollout') {
    if (version !== undefined) throw new ApiError('bad_request', 'query parameter version goes with dimension rollout only');
    return undefined;
  }
  if (version === undefined) throw new ApiError('bad_request', 'query parameter version is required with dimension rollout: the version rolled out');
  if (!isValidVersion(version)) throw new ApiError('bad_request', 'query parameter version must be a version (for example 3510.2.0)');
  return version;
}

/** The query's parameters, or a 400 naming the parameter that is wrong. */
export function parseSeriesQuery(query: Query): SeriesQuery {
  const dimension = oneOf(query, 'dimension', SERIES_DIMENSIONS);
  if (!dimension) throw new ApiError('bad_request', `query parameter dimension is required: one of ${SERIES_DIMENSIONS.join(', ')}`);
  const name = nameOf(query, dimension);
  const version = versionOf(query, dimension);
  const by = oneOf(query, 'by', SERIES_BY);
  if (by !== undefined && dimension === 'rollout') throw new ApiError('bad_request', 'query parameter by does not go with dimension rollout');
  if (by !== undefined && name === undefined) throw new ApiError('bad_request', 'query parameter by goes with name (a channel or group to break down)');
  const range = oneOf(query, 'range', [...SERIES_RANGES.keys()]) ?? DEFAULT_RANGE;
  return { dimension, ...(name !== undefined ? { name } : {}), ...(version !== undefined ? { version } : {}), by: by ?? 'version', range };
}

/** The stored scope the query reads (points.ts). */
export function scopeOf(q: SeriesQuery): string {
  if (q.name === undefined) return APP_SCOPE;
  const dim = q.dimension === 'rollout' ? TARGET_DIMENSION : q.dimension === 'channel' ? 'c' : 'g';
  return `${dim}/${q.name}`;
}

/** The name a stored key counts under for the query, or null when the key is not the query's. */
function keyFor(q: SeriesQuery, key: string): string | null {
  const bar = key.indexOf('|');
  if (q.name !== undefined || q.dimension === 'version' || q.dimension === 'status') {
    // `<version>|<status>` keys: split by the one asked for.
    if (bar < 0) return null;
    const part = q.name !== undefined ? q.by : q.dimension;
    return part === 'version' ? key.slice(0, bar) : key.slice(bar + 1);
  }
  const head = q.dimension === 'channel' ? 'c/' : 'g/';
  return key.startsWith(head) ? key.slice(head.length) : null;
}

/** One point's counts for the query. O(keys of the point). */
export function countsFor(q: SeriesQuery, point: ReadonlyMap<string, number>): Record<string, number> {
  if (q.dimension === 'rollout') return rolloutCountsOf(point, q.version ?? '');
  const out = dict<number>();
  for (const [key, n] of point) {
    const name = keyFor(q, key);
    if (name !== null) out[name] = (out[name] ?? 0) + n;
  }
  return out;
}
