// A node's history as the check-in step edits it: identical consecutive entries fold into one with
// a repeat count (the 3/2 event every routine check carries would otherwise push errors out), the
// newest stored entry absorbs the first new one when they match, and the oldest entries go past the
// cap. Pure: both stores carry the edit out (the embedded one through editStoredHistory, the Redis
// script by the same rules in lua/includes/history.lua).
import type { HistoryEntry } from './types.ts';

/** How the stored history changes: the newest entry rewritten, entries appended, the oldest dropped. */
export interface HistoryEdit {
  /** The stored newest entry after entries folded into it; null when none did. */
  foldedNewest: HistoryEntry | null;
  /** Appended after it, oldest first; no two consecutive ones fold. */
  appended: HistoryEntry[];
  /** How many of the oldest entries to drop afterwards (the cap). */
  dropOldest: number;
}

/** Two entries fold when everything but `at` and `repeat` is equal (absent == absent). */
export function sameEntry(a: HistoryEntry, b: HistoryEntry): boolean {
  return (
    a.kind === b.kind &&
    a.version === b.version &&
    a.status === b.status &&
    a.eventType === b.eventType &&
    a.eventResult === b.eventResult &&
    a.errorCode === b.errorCode &&
    a.errorName === b.errorName &&
    a.previousVersion === b.previousVersion
  );
}

/** `into` with `e` folded in: the repeats add up and `at` moves to the newer entry. */
const fold = (into: HistoryEntry, e: HistoryEntry): HistoryEntry => ({ ...into, at: e.at, repeat: into.repeat + e.repeat });

/** Identical consecutive entries folded into one; depends on nothing stored. */
export function foldEntries(entries: readonly HistoryEntry[]): HistoryEntry[] {
  const out: HistoryEntry[] = [];
  for (const e of entries) {
    const last = out.at(-1);
    if (last && sameEntry(last, e)) out[out.length - 1] = fold(last, e);
    else out.push(e);
  }
  return out;
}

/** The history edit appending `entries` to a history of `length` entries ending in `newest`. */
export function editHistory(newest: HistoryEntry | null, length: number, entries: readonly HistoryEntry[], cap: number): HistoryEdit {
  const appended = foldEntries(entries);
  let foldedNewest: HistoryEntry | null = null;
  if (newest && appended.length > 0 && sameEntry(newest, appended[0]!)) foldedNewest = fold(newest, appended.shift()!);
  return { foldedNewest, appended, dropOldest: Math.max(0, length + appended.length - cap) };
}
