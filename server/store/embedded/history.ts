// An instance's stored history: one JSON object per line (short keys, see codec.ts), oldest first.
// The check-in step reads only the newest line and the line count (all the folding rule needs,
// domain/apply-check-in.ts) and carries out the decided edit on the text, so a check-in never
// decodes the whole history.
import type { HistoryEdit } from '../../domain/history-fold.ts';
import type { HistoryEntry } from '../../domain/types.ts';
import { fromStoredEntry, toStoredEntry, type StoredEntry } from './codec.ts';

/** The newest entry of a stored history and how many entries it holds. */
export function historyTail(stored: string): { newestEntry: HistoryEntry | null; historyLength: number } {
  if (stored === '') return { newestEntry: null, historyLength: 0 };
  let n = 1;
  for (let i = stored.indexOf('\n'); i !== -1; i = stored.indexOf('\n', i + 1)) n++;
  const newest = JSON.parse(stored.slice(stored.lastIndexOf('\n') + 1)) as StoredEntry;
  return { newestEntry: fromStoredEntry(newest), historyLength: n };
}

const line = (e: HistoryEntry) => JSON.stringify(toStoredEntry(e));

/** The stored history with the edit carried out. */
export function editStoredHistory(stored: string, edit: HistoryEdit): string {
  let text = stored;
  if (edit.foldedNewest) text = text.slice(0, text.lastIndexOf('\n') + 1) + line(edit.foldedNewest);
  if (edit.appended.length > 0) {
    const added = edit.appended.map(line).join('\n');
    text = text === '' ? added : `${text}\n${added}`;
  }
  for (let i = 0; i < edit.dropOldest; i++) text = text.slice(text.indexOf('\n') + 1);
  return text;
}
