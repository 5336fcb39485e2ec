// The listInstances cursor: the (lastCheck, machineId) of the last item handed out, as base64url
// JSON. Opaque to callers; anything that does not decode to that shape is a 'bad cursor'.
export interface InstanceCursor {
  lastCheck: number;
  machineId: string;
}

export function encodeCursor(c: InstanceCursor): string {
  return Buffer.from(JSON.stringify([c.lastCheck, c.machineId])).toString('base64url');
}

export function decodeCursor(cursor: string): InstanceCursor {
  let v: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error('not base64url');
    v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new Error('bad cursor: not a cursor this server handed out');
  }
  if (
    !Array.isArray(v) ||
    v.length !== 2 ||
    typeof v[0] !== 'number' ||
    !Number.isFinite(v[0]) ||
    typeof v[1] !== 'string' ||
    v[1] === ''
  ) {
    throw new Error('bad cursor: unexpected shape');
  }
  return { lastCheck: v[0], machineId: v[1] };
}
