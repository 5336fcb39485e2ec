// A group's history line as both slot stores keep it: one JSON object per event (a SQLite row,
// an entry of a Redis list; slotApply-6.lua writes grants and releases itself, in the same form).
// The fencing token is stored as `token`, the name lines have had from the start: this file is the
// one place that maps it to the code's `fencingToken`.
import { definedFields } from '../../kernel/storage/fields.ts';
import type { GroupChange, SlotEvent } from '../domain/types.ts';

interface StoredSlotEvent {
  at: number;
  event: SlotEvent['event'];
  holder?: string;
  token?: number;
  by?: string;
  detail?: string;
  max?: number;
  freed?: boolean;
}

export function encodeSlotEvent(e: SlotEvent): string {
  const stored: StoredSlotEvent = {
    at: e.at,
    event: e.event,
    holder: e.holder,
    token: e.fencingToken,
    by: e.by,
    detail: e.detail,
    max: e.max,
    freed: e.freed,
  };
  return JSON.stringify(stored); // drops the fields left undefined
}

export function decodeSlotEvent(text: string): SlotEvent {
  const s = JSON.parse(text) as StoredSlotEvent;
  const { at, event, holder, token, by, detail, max, freed } = s;
  return definedFields({ at, event, holder, fencingToken: token, by, detail, max, freed });
}

/** The history line a configuration change writes: pausing and resuming are named as such. */
export function configureEvent(change: GroupChange): 'pause' | 'resume' | 'configure' {
  return change.paused === true ? 'pause' : change.paused === false ? 'resume' : 'configure';
}
