// The semaphore document locksmith keeps in etcd, as a view of a reboot group:
// `{"semaphore": <free>, "max": <max>, "holders": [<ids>]}` (keys in this order, holders sorted as
// Go sorts strings), and the etcd node around it. A paused group or one outside its reboot window
// shows `semaphore: 0`, so locksmith waits by itself without writing. Also reads a document a
// client writes, refusing anything that is not a semaphore.
import { holderIdProblem } from '../../protocol/fleetlock/names.ts';
import type { SlotState } from '../service.ts';
import { EtcdError } from './errors.ts';

export interface Semaphore {
  semaphore: number;
  max: number;
  holders: string[];
}

/** The largest max (and |semaphore|) a written document may carry, as the operator API allows. */
export const MAX_SLOTS = 1_000_000;
/** Holders a written document may list: more than any group can hold. */
const MAX_HOLDERS = 100_000;
/** Every semaphore key was created at the group's first change (its counter starts at 1). */
export const CREATED_INDEX = 1;

/** Go's string order: by UTF-8 bytes (JavaScript's < compares UTF-16 units, which differs above U+FFFF). */
export function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** What locksmith sees of a group: free slots (0 while paused or outside its windows), max, holders. */
export function semaphoreOf(s: SlotState): Semaphore {
  const holders = [...s.holders].sort(byteOrder);
  const free = s.paused || !s.windowOpen ? 0 : Math.max(0, s.max - holders.length);
  return { semaphore: free, max: s.max, holders };
}

/** The document as locksmith writes it (Go's json.Marshal of its struct: this key order). */
export function encodeSemaphore(s: Semaphore): string {
  return JSON.stringify({ semaphore: s.semaphore, max: s.max, holders: s.holders });
}

export interface EtcdNode {
  key: string;
  value: string;
  modifiedIndex: number;
  createdIndex: number;
}

export function nodeOf(key: string, s: SlotState): EtcdNode {
  return { key, value: encodeSemaphore(semaphoreOf(s)), modifiedIndex: s.revision, createdIndex: CREATED_INDEX };
}

const invalid = (why: string) => new EtcdError(209, `value: ${why}; expected {"semaphore": n, "max": n, "holders": [ids]}`);

function wholeNumber(v: unknown, name: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || Math.abs(v) > MAX_SLOTS) throw invalid(`${name} must be a whole number of at most ${MAX_SLOTS}`);
  return v;
}

function holderList(v: unknown): string[] {
  if (v === null) return [];
  if (!Array.isArray(v) || v.length > MAX_HOLDERS) throw invalid('holders must be null or a list of machine ids');
  const seen = new Set<string>();
  for (const id of v) {
    if (typeof id !== 'string') throw invalid('holders must be strings');
    const problem = holderIdProblem(id);
    if (problem) throw invalid(`a holder id ${problem}`);
    if (seen.has(id)) throw invalid(`holder ${JSON.stringify(id)} is listed twice`);
    seen.add(id);
  }
  return [...seen];
}

/** A written document: exactly the three fields, whole numbers, distinct valid ids (400 errorCode 209 otherwise). */
export function parseSemaphore(text: string): Semaphore {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw invalid('not JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw invalid('not a JSON object');
  const fields = Object.keys(json);
  const extra = fields.filter((f) => f !== 'semaphore' && f !== 'max' && f !== 'holders');
  if (extra.length > 0) throw invalid(`unknown field ${JSON.stringify(extra[0])}`);
  for (const f of ['semaphore', 'max', 'holders']) if (!fields.includes(f)) throw invalid(`${f} is missing`);
  const doc = json as Record<'semaphore' | 'max' | 'holders', unknown>;
  return { semaphore: wholeNumber(doc.semaphore, 'semaphore'), max: wholeNumber(doc.max, 'max'), holders: holderList(doc.holders) };
}
