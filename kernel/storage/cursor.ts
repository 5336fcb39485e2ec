// The listInstances cursor: the (lastCheck, machineId) of the last item handed out, as base64url
// JSON, the same for the embedded and the Redis store. Opaque to callers; anything that does not
// decode to that shape is a BadCursorError.
import { z } from 'zod';

/**
 * A listing cursor this server did not hand out: the caller's mistake, whichever store decoded it.
 * The error contract (kernel/http/errors.ts) answers it 400 with this message.
 */
export class BadCursorError extends Error {
  override readonly name = 'BadCursorError';
  constructor() {
    super('bad cursor: not a cursor this server handed out (pass the `next` of the previous page)');
  }
}

export interface InstanceCursor {
  lastCheck: number;
  machineId: string;
}

/** What a cursor decodes to: [lastCheck (ms, a safe integer: zod's int()), machineId]. */
const CURSOR = z.tuple([z.number().int(), z.string().min(1)]);

export function encodeCursor(c: InstanceCursor): string {
  return Buffer.from(JSON.stringify([c.lastCheck, c.machineId]), 'utf8').toString('base64url');
}

/**
 * The one decoder of listing cursors, for both stores. Only what encodeCursor gives is accepted:
 * the text must be the canonical base64url of its bytes (Node decodes junk leniently), and those
 * bytes the JSON of a cursor. A cursor of another form (an older release's) is a bad cursor.
 */
export function decodeCursor(cursor: string): InstanceCursor {
  let v: unknown;
  try {
    const text = Buffer.from(cursor, 'base64url').toString('utf8');
    if (Buffer.from(text, 'utf8').toString('base64url') !== cursor) throw new Error('not canonical base64url');
    v = JSON.parse(text);
  } catch {
    throw new BadCursorError();
  }
  const parsed = CURSOR.safeParse(v);
  if (!parsed.success) throw new BadCursorError();
  const [lastCheck, machineId] = parsed.data;
  return { lastCheck, machineId };
}
