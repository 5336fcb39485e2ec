// The OpenAPI 3.1 description of the JSON API, generated from the same route table and zod schemas
// that route and validate requests, so the document cannot drift from the code.
import { z } from 'zod';
import type { RouteSpec } from './route-spec.ts';

const errorSchema = {
  type: 'object',
  properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } }, required: ['code', 'message'] } },
  required: ['error'],
};

export function openApiDocument(routes: RouteSpec<z.ZodType, any>[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.path.replace(/:([a-z]+)/gi, '{$1}');
    const params = [...r.path.matchAll(/:([a-z]+)/gi)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const query = Object.entries(r.query ?? {}).map(([name, description]) => ({ name, in: 'query', required: false, description, schema: { type: 'string' } }));
    const responses: Record<string, unknown> = {};
    for (const [status, description] of Object.entries(r.responses)) responses[status] = { description };
    responses['400'] ??= { description: 'bad input', content: { 'application/json': { schema: errorSchema } } };
    if (r.role) {
      responses['401'] = { description: 'missing or unknown token' };
      responses['403'] = { description: `needs the ${r.role} role or higher` };
    }
    (paths[`/api/v1${path}`] ??= {})[r.method.toLowerCase()] = {
      summary: r.summary,
      tags: [r.tag],
      ...(r.role ? { security: [{ bearer: [] }], 'x-platte-role': r.role } : {}),
      parameters: [...params, ...query],
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: z.toJSONSchema(r.body, { io: 'input', unrepresentable: 'any' }) } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Platte API', version: '1', description: 'Release management, fleet state and reboot groups. The node protocols, Omaha (/v1/update) and FleetLock (/v1/pre-reboot, /v1/steady-state), are described in docs/omaha.md and docs/fleetlock.md.' },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    paths,
  };
}
