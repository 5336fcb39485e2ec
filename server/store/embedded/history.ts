// Appending to an instance's stored history: fold repeats into the newest entry, keep the newest
// HISTORY_CAP. Works on the stored JSON form so a check-in never builds full records.
import type { HistoryEntry } from '../../domain/types.ts';
import { HISTORY_CAP } from '../types.ts';
import { toStoredEntry, type StoredEntry } from './codec.ts';

/** Two entries fold when everything but `at` and `repeat` is equal (absent == absent). */
function sameEvent(a: StoredEntry, b: StoredEntry): boolean {
  return (
    a.k === b.k &&
    a.t === b.t &&
    a.r === b.r &&
    a.c === b.c &&
    a.n === b.n &&
    a.p === b.p &&
    a.v === b.v &&
    a.s === b.s
  );
}

/** Returns the stored history (JSON, oldest first) with `entries` (oldest first) appended. */
export function appendHistory(stored: string, entries: readonly HistoryEntry[]): string {
  if (entries.length === 0) return stored;
  const list = JSON.parse(stored) as StoredEntry[];
  for (const e of entries) {
    const next = toStoredEntry(e);
    const newest = list.at(-1);
    if (newest && sameEvent(newest, next)) {
      newest.x += next.x;
      newest.a = next.a;
    } else {
      list.push(next);
    }
  }
  if (list.length > HISTORY_CAP) list.splice(0, list.length - HISTORY_CAP);
  return JSON.stringify(list);
}
