// Reading an etcd v2 request the way Go's net/http reads it for etcd: the query string, and the
// form of a body sent as application/x-www-form-urlencoded (locksmith sends `value=<document>`
// there). A parameter may come from either; the body's wins, as in Go's FormValue.
import type { Context } from 'koa';
import getRawBody from 'raw-body';
import { decodeUtf8 } from '../../kernel/unicode.ts';
import { EtcdError } from './errors.ts';
import { queryUnescape } from './keys.ts';

/** A document of a group near its largest (thousands of holders, escaped) still fits. */
export const MAX_BODY = 256 * 1024;

export type Params = Map<string, string[]>;

/** `a=1&b=2` as Go's url.ParseQuery reads it; null on a bad escape or a `;` separator (Go refuses both). */
export function parseUrlEncoded(text: string): Params | null {
  const out: Params = new Map();
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    if (pair.includes(';')) return null;
    const eq = pair.indexOf('=');
    const name = queryUnescape(eq < 0 ? pair : pair.slice(0, eq));
    const value = queryUnescape(eq < 0 ? '' : pair.slice(eq + 1));
    if (name === null || value === null) return null;
    const list = out.get(name);
    if (list) list.push(value);
    else out.set(name, [value]);
  }
  return out;
}

export interface EtcdRequest {
  /** A parameter's first value: the body's form, then the query. */
  param(name: string): string | undefined;
}

function isForm(ctx: Context): boolean {
  return (ctx.get('content-type').split(';')[0] ?? '').trim().toLowerCase() === 'application/x-www-form-urlencoded';
}

async function readBody(ctx: Context): Promise<Buffer> {
  try {
    return await getRawBody(ctx.req, { limit: MAX_BODY });
  } catch (err) {
    if ((err as { type?: string }).type === 'entity.too.large') throw new EtcdError(210, `body larger than ${MAX_BODY} bytes`, 0, 413);
    throw new EtcdError(210, 'could not read the request body');
  }
}

/** The query, and for a PUT the form body (read up to MAX_BODY even when it is not a form). */
export async function readRequest(ctx: Context): Promise<EtcdRequest> {
  const query = parseUrlEncoded(ctx.querystring);
  if (!query) throw new EtcdError(209, 'the query string has a bad escape or a ";" separator');
  let form: Params = new Map();
  if (ctx.method === 'PUT') {
    const body = await readBody(ctx);
    if (isForm(ctx)) {
      const text = decodeUtf8(body);
      const parsed = text === null ? null : parseUrlEncoded(text);
      if (!parsed) throw new EtcdError(210, 'the form body is not valid UTF-8 or has a bad escape');
      form = parsed;
    }
  }
  return { param: (name) => form.get(name)?.[0] ?? query.get(name)?.[0] };
}
