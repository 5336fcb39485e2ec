// A JSON API route described once: the router registers it, validates its body with the schema, and
// openapi.ts documents it from the same description. `D` is what the handler needs (the release
// update server's ServerDeps, the coordinator's service).
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { z } from 'zod';
import type { Role } from '../auth/tokens.ts';
import type { RequireRole } from '../auth/auth.ts';
import { readJson, validate } from './body.ts';

/** Every JSON API route lives under this prefix. */
export const API_PREFIX = '/api/v1';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface Handled {
  status?: number;
  body: unknown;
}

export interface RouteSpec<B extends z.ZodType = z.ZodType, D = unknown> {
  method: Method;
  /** Path under /api/v1 in koa-router form: `/apps/:app/channels/:channel`. */
  path: string;
  /** Least role allowed; null = open. */
  role: Role | null;
  summary: string;
  tag: string;
  body?: B;
  /** The body may be left out (then `{}` is validated). */
  bodyOptional?: boolean;
  /** Largest body accepted, bytes (default: body.ts JSON_MAX_BODY). */
  bodyLimit?: number;
  /** Documented query parameters: name → description. */
  query?: Record<string, string>;
  /** Documented answers: status → description. */
  responses: Record<number, string>;
  handler: (ctx: Context, deps: D, body: z.output<B>) => Promise<Handled>;
}

/** Keeps the body type of each route while building a heterogeneous list. */
export function route<B extends z.ZodType, D>(spec: RouteSpec<B, D>): RouteSpec<z.ZodType, D> {
  return spec as unknown as RouteSpec<z.ZodType, D>;
}

async function bodyOf(ctx: Context, spec: RouteSpec<z.ZodType, unknown>): Promise<unknown> {
  if (!spec.body) return undefined;
  const empty = (ctx.get('content-length') === '' || ctx.get('content-length') === '0') && !ctx.get('transfer-encoding');
  const raw = spec.bodyOptional && empty ? {} : await readJson(ctx, spec.bodyLimit);
  return validate(spec.body, raw, 'request body');
}

/** Registers each route on `router` behind its role guard. */
export function registerRoutes<D>(router: Router, specs: RouteSpec<z.ZodType, D>[], deps: D, requireRole: RequireRole): void {
  for (const spec of specs) {
    const guard = spec.role ? requireRole(spec.role) : async (_ctx: unknown, next: () => Promise<unknown>) => next();
    router.register(spec.path, [spec.method], [
      guard,
      async (ctx) => {
        const out = await spec.handler(ctx, deps, await bodyOf(ctx, spec as RouteSpec<z.ZodType, unknown>));
        ctx.status = out.status ?? 200;
        if (out.body !== null) ctx.body = out.body;
      },
    ]);
  }
}
