// A history entry is one compact string `<repeat>,<at>,<identity>` where identity is a JSON array
// of the fields that decide folding: [kind, version, status, eventType, eventResult, errorCode,
// errorName, previousVersion], absent fields as null, trailing nulls dropped. Two entries fold
// exactly when their identity strings are equal, so the Lua script compares strings only.
import type { HistoryEntry } from '../../domain/types.ts';
import { isStatus } from './instance-codec.ts';

const KIND_CODE = { event: 'e', grant: 'g', status: 's' } as const;
/** A Map: the code looked up is stored data (`constructor` must not find Object). */
const KIND_BY_CODE = new Map<unknown, HistoryEntry['kind']>([['e', 'event'], ['g', 'grant'], ['s', 'status']]);

export function encodeHistoryEntry(e: HistoryEntry): string {
  const id: (string | number | null)[] = [
    KIND_CODE[e.kind],
    e.version,
    e.status ?? null,
    e.eventType ?? null,
    e.eventResult ?? null,
    e.errorCode ?? null,
    e.errorName ?? null,
    e.previousVersion ?? null,
  ];
  while (id.length > 2 && id[id.length - 1] === null) id.pop();
  return `${Math.trunc(e.repeat)},${Math.trunc(e.at)},${JSON.stringify(id)}`;
}

export function decodeHistoryEntry(text: string): HistoryEntry {
  const first = text.indexOf(',');
  const second = text.indexOf(',', first + 1);
  if (first < 0 || second < 0) throw new Error(`stored history entry is malformed: ${text.slice(0, 40)}`);
  const id: unknown = JSON.parse(text.slice(second + 1));
  if (!Array.isArray(id)) throw new Error('stored history identity is not an array');
  const [kind, version, status, eventType, eventResult, errorCode, errorName, previousVersion] = id as unknown[];
  const out: HistoryEntry = {
    at: Number(text.slice(first + 1, second)),
    kind: KIND_BY_CODE.get(kind) ?? 'event',
    version: typeof version === 'string' ? version : '',
    repeat: Number(text.slice(0, first)),
  };
  if (isStatus(status)) out.status = status;
  if (typeof eventType === 'number') out.eventType = eventType;
  if (typeof eventResult === 'number') out.eventResult = eventResult;
  if (typeof errorCode === 'number') out.errorCode = errorCode;
  if (typeof errorName === 'string') out.errorName = errorName;
  if (typeof previousVersion === 'string') out.previousVersion = previousVersion;
  return out;
}
