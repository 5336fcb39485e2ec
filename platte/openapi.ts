// The OpenAPI description of the whole JSON API: the release API's and the coordinator's routes.
import { OPERATOR_ROUTES } from '../coordinator/http/operator-api.ts';
import { openApiDocument } from '../kernel/http/openapi.ts';
import { RELEASE_ROUTES } from '../server/api/router.ts';
import { WEBHOOK_ROUTES } from '../server/webhooks/routes.ts';
import { LIVE_DOCUMENTED_ROUTES } from './live-wiring.ts';
import { SESSION_ROUTES } from '../server/session/index.ts';

export const DOCUMENTED_ROUTES = [...RELEASE_ROUTES, ...WEBHOOK_ROUTES, ...LIVE_DOCUMENTED_ROUTES, ...SESSION_ROUTES, ...OPERATOR_ROUTES];

export function apiDocument(): Record<string, unknown> {
  return openApiDocument(DOCUMENTED_ROUTES);
}
