// An instance's stored history: one JSON object per line (short keys, see codec.ts), oldest first.
// Appending parses only the newest line (to fold repeats into it) and drops lines from the front
// past HISTORY_CAP, so a check-in never decodes the whole history.
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

function countLines(text: string): number {
  if (text === '') return 0;
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Returns the stored history with `entries` (oldest first) appended. */
export function appendHistory(stored: string, entries: readonly HistoryEntry[]): string {
  if (entries.length === 0) return stored;
  const cut = stored.lastIndexOf('\n');
  // `older` holds the complete lines before the newest one, each ending in '\n'.
  let older = stored.slice(0, cut + 1);
  let newest: StoredEntry | null = stored === '' ? null : (JSON.parse(stored.slice(cut + 1)) as StoredEntry);
  let lines = countLines(stored);
  for (const e of entries) {
    const next = toStoredEntry(e);
    if (newest && sameEvent(newest, next)) {
      newest.x += next.x;
      newest.a = next.a;
      continue;
    }
    if (newest) older += `${JSON.stringify(newest)}\n`;
    newest = next;
    lines++;
  }
  let text = older + JSON.stringify(newest);
  for (; lines > HISTORY_CAP; lines--) text = text.slice(text.indexOf('\n') + 1);
  return text;
}
