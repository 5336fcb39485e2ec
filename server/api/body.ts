// Reads and validates JSON request bodies: size limit, content type, strict schema (unknown fields
// are refused), one clear 400 message naming every bad field.
import type { Context } from 'koa';
import getRawBody from 'raw-body';
import type { z } from 'zod';
import { ApiError } from '../errors.ts';

export const JSON_MAX_BODY = 256 * 1024;

export function describeIssues(issues: z.core.$ZodIssue[]): string {
  return issues
    .map((i) => {
      const where = i.path.length ? i.path.join('.') : 'body';
      if (i.code === 'unrecognized_keys') return `${where}: unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.join(', ')}`;
      return `${where}: ${i.message}`;
    })
    .join('; ');
}

export function validate<S extends z.ZodType>(schema: S, value: unknown, what = 'request'): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new ApiError('validation_failed', `invalid ${what}: ${describeIssues(r.error.issues)}`, r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  return r.data;
}

export async function readJson(ctx: Context, limit = JSON_MAX_BODY): Promise<unknown> {
  const type = ctx.get('content-type');
  if (type && !/^application\/([a-z.+-]*\+)?json\b/i.test(type)) {
    throw new ApiError('unsupported_media_type', `expected application/json, got ${type}`);
  }
  let text: string;
  try {
    text = await getRawBody(ctx.req, { limit, encoding: 'utf8' });
  } catch (err) {
    if ((err as { type?: string }).type === 'entity.too.large') throw new ApiError('payload_too_large', `request body larger than ${limit} bytes`);
    throw new ApiError('bad_request', 'could not read request body');
  }
  if (!text.trim()) throw new ApiError('invalid_json', 'request body is empty; expected a JSON object');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ApiError('invalid_json', `request body is not valid JSON: ${(err as Error).message}`);
  }
}
