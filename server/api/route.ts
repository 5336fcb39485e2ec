// The release API's routes are RouteSpecs over ServerDeps.
import type { z } from 'zod';
import { route as kernelRoute, type RouteSpec } from '../../kernel/http/route-spec.ts';
import type { ServerDeps } from '../deps.ts';

export type ServerRoute = RouteSpec<z.ZodType, ServerDeps>;

/** Keeps the body type of each route while building the route table. */
export function route<B extends z.ZodType>(spec: RouteSpec<B, ServerDeps>): ServerRoute {
  return kernelRoute<B, ServerDeps>(spec);
}
