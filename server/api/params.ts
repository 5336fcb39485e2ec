// Path and query parameters shared by the JSON API routes.
import type { Context } from 'koa';
import { isValidAppId, normalizeAppId, normalizeMachineId } from '../../protocol/omaha/appid.ts';
import { isReservedName } from '../../kernel/dict.ts';
import type { AppRecord } from '../domain/types.ts';
import { ApiError } from '../../kernel/http/errors.ts';
import type { ReleaseStore } from '../store/types.ts';
import { NAME_PATTERN, RESERVED_NAME_MESSAGE } from './schemas.ts';
import { VERSION_PATTERN } from '../domain/version.ts';

/**
 * koa-router hands back a path segment it cannot decode (`%F0`, `%ED%A0%80`: not UTF-8) as sent
 * instead of failing, so a route reading path parameters checks the raw path first.
 */
function requireDecodablePath(ctx: Context): void {
  try {
    decodeURIComponent(ctx.path);
  } catch {
    throw new ApiError('bad_request', 'request path is not valid percent-encoded UTF-8');
  }
}

function param(ctx: Context, name: string): string {
  requireDecodablePath(ctx);
  return String((ctx as unknown as { params: Record<string, string> }).params[name] ?? '');
}

/** `{app}` accepts the appid with or without braces, in any case. */
function appIdParam(ctx: Context): string {
  const id = normalizeAppId(param(ctx, 'app'));
  if (!isValidAppId(id)) throw new ApiError('bad_request', `not an app id: ${param(ctx, 'app')}`);
  return id;
}

export async function requireApp(ctx: Context, store: ReleaseStore): Promise<AppRecord> {
  const id = appIdParam(ctx);
  const app = await store.getApp(id);
  if (!app) throw new ApiError('not_found', `no app ${id}`);
  return app;
}

export function nameParam(ctx: Context, name: string): string {
  const v = param(ctx, name);
  if (!NAME_PATTERN.test(v)) throw new ApiError('bad_request', `${name} must match ${NAME_PATTERN}`);
  if (isReservedName(v)) throw new ApiError('validation_failed', `${name} ${RESERVED_NAME_MESSAGE}`);
  return v;
}

/** A `{version}` path parameter: a release version such as 3510.2.0. */
export function versionParam(ctx: Context): string {
  const v = param(ctx, 'version');
  if (!VERSION_PATTERN.test(v)) throw new ApiError('bad_request', 'version must be a version like 3510.2.0 (1 to 4 numbers)');
  return v;
}

export function machineIdParam(ctx: Context): string {
  return normalizeMachineId(param(ctx, 'machineid'));
}

/** An integer query parameter within [min, max], or the default. */
export function intQuery(ctx: Context, name: string, def: number, min: number, max: number): number {
  const raw = ctx.query[name];
  if (raw === undefined) return def;
  const n = Number(raw);
  if (typeof raw !== 'string' || !Number.isInteger(n) || n < min || n > max) {
    throw new ApiError('bad_request', `query parameter ${name} must be a whole number from ${min} to ${max}`);
  }
  return n;
}
