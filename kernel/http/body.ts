// Reads and validates JSON request bodies: size limit, content type, strict UTF-8 and well-formed
// strings (see unicode.ts), strict schema (unknown fields are refused), one clear 400 message naming
// every bad field.
import type { Context } from 'koa';
import getRawBody from 'raw-body';
import type { z } from 'zod';
import { ApiError } from './errors.ts';
import { decodeUtf8, findIllFormed } from '../unicode.ts';

const JSON_MAX_BODY = 256 * 1024;

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
  let bytes: Buffer;
  try {
    bytes = await getRawBody(ctx.req, { limit });
  } catch (err) {
    if ((err as { type?: string }).type === 'entity.too.large') throw new ApiError('payload_too_large', `request body larger than ${limit} bytes`);
    throw new ApiError('bad_request', 'could not read request body');
  }
  const text = decodeUtf8(bytes);
  if (text === null) throw new ApiError('invalid_json', 'request body is not valid UTF-8');
  if (!text.trim()) throw new ApiError('invalid_json', 'request body is empty; expected a JSON object');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ApiError('invalid_json', `request body is not valid JSON: ${(err as Error).message}`);
  }
  refuseIllFormed(value);
  return value;
}

/** JSON can spell a lone surrogate ("\ud800"), which no store can keep as sent: refused, with where. */
function refuseIllFormed(value: unknown): void {
  const bad = findIllFormed(value);
  if (!bad) return;
  const path = bad.path.join('.');
  const message = `${bad.inKey ? 'field name ' : ''}not well-formed Unicode (a lone UTF-16 surrogate)`;
  throw new ApiError('validation_failed', `invalid request body: ${path || 'body'}: ${message}`, [{ path, message }]);
}
