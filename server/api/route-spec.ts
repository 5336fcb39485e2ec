// A JSON API route described once: the router registers it, validates its body with the schema, and
// openapi.ts documents it from the same description.
import type { Context } from 'koa';
import type { z } from 'zod';
import type { RouteDeps } from '../app.ts';
import type { Role } from '../domain/types.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface Handled {
  status?: number;
  body: unknown;
}

export interface RouteSpec<B extends z.ZodType = z.ZodType> {
  method: Method;
  /** Path under /api/v1 in koa-router form: `/apps/:app/channels/:channel`. */
  path: string;
  /** Least role allowed; null = open. */
  role: Role | null;
  summary: string;
  tag: string;
  body?: B;
  /** Documented query parameters: name → description. */
  query?: Record<string, string>;
  /** Documented answers: status → description. */
  responses: Record<number, string>;
  handler: (ctx: Context, deps: RouteDeps, body: z.output<B>) => Promise<Handled>;
}

/** Keeps the body type of each route while building a heterogeneous list. */
export function route<B extends z.ZodType>(spec: RouteSpec<B>): RouteSpec {
  return spec as unknown as RouteSpec;
}
