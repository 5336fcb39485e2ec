// The webhook API (admin only) as RouteSpecs under /api/v1/webhooks. The routes need only
// `{ webhooks }`, so they can be registered on their own (webhookRouter) or among the release
// API's routes once its deps carry the same field.
import Router from '@koa/router';
import type { Context } from 'koa';
import type { z } from 'zod';
import type { RequireRole } from '../../kernel/auth/auth.ts';
import { API_PREFIX, registerRoutes, route, type RouteSpec } from '../../kernel/http/route-spec.ts';
import { intQuery } from '../api/params.ts';
import { webhookCreate } from './schemas.ts';
import type { WebhookService } from './service.ts';
import { DELIVERY_LOG_CAP } from './types.ts';

export interface WebhookApiDeps {
  webhooks: WebhookService;
}

export type WebhookRoute = RouteSpec<z.ZodType, WebhookApiDeps>;

const idParam = (ctx: Context) => String((ctx as unknown as { params: Record<string, string> }).params.id ?? '');

export const WEBHOOK_ROUTES: WebhookRoute[] = [
  route({
    method: 'POST',
    path: '/webhooks',
    role: 'admin',
    tag: 'webhooks',
    summary: 'Create a webhook; its signing secret is in this answer only',
    body: webhookCreate,
    responses: { 201: '{ webhook, secret }', 409: 'as many webhooks as Platte keeps exist' },
    handler: async (_ctx, deps: WebhookApiDeps, body) => ({ status: 201, body: await deps.webhooks.create(body) }),
  }),
  route({
    method: 'GET',
    path: '/webhooks',
    role: 'admin',
    tag: 'webhooks',
    summary: 'List webhooks (never their secrets)',
    responses: { 200: '{ webhooks }' },
    handler: async (_ctx, deps: WebhookApiDeps) => ({ body: { webhooks: await deps.webhooks.list() } }),
  }),
  route({
    method: 'GET',
    path: '/webhooks/:id',
    role: 'admin',
    tag: 'webhooks',
    summary: 'One webhook',
    responses: { 200: '{ webhook }', 404: 'no such webhook' },
    handler: async (ctx, deps: WebhookApiDeps) => ({ body: { webhook: await deps.webhooks.get(idParam(ctx)) } }),
  }),
  route({
    method: 'DELETE',
    path: '/webhooks/:id',
    role: 'admin',
    tag: 'webhooks',
    summary: 'Delete a webhook and its delivery log; queued deliveries are dropped',
    responses: { 204: 'deleted', 404: 'no such webhook' },
    handler: async (ctx, deps: WebhookApiDeps) => {
      await deps.webhooks.remove(idParam(ctx));
      return { status: 204, body: null };
    },
  }),
  route({
    method: 'GET',
    path: '/webhooks/:id/deliveries',
    role: 'admin',
    tag: 'webhooks',
    summary: `The webhook's deliveries, newest first (the last ${DELIVERY_LOG_CAP} are kept)`,
    query: { limit: `at most this many (1-${DELIVERY_LOG_CAP}, default 50)` },
    responses: { 200: '{ deliveries }', 404: 'no such webhook' },
    handler: async (ctx, deps: WebhookApiDeps) => {
      const limit = intQuery(ctx, 'limit', 50, 1, DELIVERY_LOG_CAP);
      return { body: { deliveries: await deps.webhooks.deliveries(idParam(ctx), limit) } };
    },
  }),
  route({
    method: 'POST',
    path: '/webhooks/:id/test',
    role: 'admin',
    tag: 'webhooks',
    summary: 'Queue a test delivery (type webhook.test) to the webhook',
    responses: { 202: '{ delivery } (pending; follow it in the delivery log)', 404: 'no such webhook' },
    handler: async (ctx, deps: WebhookApiDeps) => ({ status: 202, body: { delivery: await deps.webhooks.test(idParam(ctx)) } }),
  }),
];

/** A router serving WEBHOOK_ROUTES under /api/v1, each behind its role. */
export function webhookRouter(deps: WebhookApiDeps, requireRole: RequireRole): Router {
  const router = new Router({ prefix: API_PREFIX });
  registerRoutes(router, WEBHOOK_ROUTES, deps, requireRole);
  return router;
}
