// Slot history across every reboot group: one node's slots (the instance page) or what operators
// did (Activity). Each group keeps its own history (newest first, capped at historyCap); this reads
// a bounded tail of each and merges them, so the cost is O(groups × HISTORY_SEARCH_DEPTH) whatever
// the history holds. Filtering and merging are pure functions a test calls directly.
import type { SlotEvent } from './domain/types.ts';
import type { SlotStore } from './store/types.ts';

/** Lines read from the newest end of each group's history; older lines are not searched. */
export const HISTORY_SEARCH_DEPTH = 200;
export const HISTORY_LIMIT_MAX = 500;
export const HISTORY_LIMIT_DEFAULT = 100;

/** The actors that are not people: a node itself, the Omaha side on completion, a lease running out. */
const SYSTEM_ACTORS: ReadonlySet<string> = new Set(['node', 'omaha', 'lease']);

/** Exactly one way to narrow: a node's own slot lines, or the lines an operator's token wrote. */
export type HistoryFilter = { node: string } | { actions: 'operator' };

export interface GroupEvent extends SlotEvent {
  group: string;
}

/** A line as the API answers it: the group first, the time as ISO text. */
export interface GroupEventView extends Omit<SlotEvent, 'at'> {
  group: string;
  at: string;
}

/** Whether a line was written by an operator (force-unlock, configure, pause, resume, create). */
export function isOperatorEvent(e: SlotEvent): boolean {
  return e.by !== undefined && !SYSTEM_ACTORS.has(e.by);
}

export function matches(filter: HistoryFilter, e: SlotEvent): boolean {
  return 'node' in filter ? e.holder === filter.node : isOperatorEvent(e);
}

/**
 * The newest `limit` lines of all groups, newest first. Lines at the same instant keep a fixed
 * order: by group name, then as their group listed them (its own newest first).
 */
export function newestAcross(perGroup: ReadonlyMap<string, readonly SlotEvent[]>, filter: HistoryFilter, limit: number): GroupEvent[] {
  const all: { e: GroupEvent; n: number }[] = [];
  for (const [group, events] of perGroup) {
    events.forEach((e, n) => {
      if (matches(filter, e)) all.push({ e: { group, ...e }, n });
    });
  }
  all.sort((a, b) => b.e.at - a.e.at || (a.e.group < b.e.group ? -1 : a.e.group > b.e.group ? 1 : 0) || a.n - b.n);
  return all.slice(0, limit).map((x) => x.e);
}

export function groupEventView(e: GroupEvent): GroupEventView {
  const { group, at, event, holder, fencingToken, by, detail, max, freed } = e;
  const view: GroupEventView = { group, at: new Date(at).toISOString(), event };
  if (holder !== undefined) view.holder = holder;
  if (fencingToken !== undefined) view.fencingToken = fencingToken;
  if (by !== undefined) view.by = by;
  if (detail !== undefined) view.detail = detail;
  if (max !== undefined) view.max = max;
  if (freed !== undefined) view.freed = freed;
  return view;
}

/**
 * Reads the newest HISTORY_SEARCH_DEPTH lines of every group (no waiting list: nodes seen after
 * `now` are none) and answers the newest `limit` that match. A group forgotten between the listing
 * and its read is skipped.
 */
export async function historyAcross(store: SlotStore, now: number, filter: HistoryFilter, limit: number): Promise<GroupEventView[]> {
  const names = await store.listGroups();
  const snaps = await Promise.all(names.map((g) => store.read(g, { historyLimit: HISTORY_SEARCH_DEPTH, waitingSince: now + 1 })));
  const perGroup = new Map<string, readonly SlotEvent[]>();
  for (const s of snaps) if (s) perGroup.set(s.config.group, s.history);
  return newestAcross(perGroup, filter, limit).map(groupEventView);
}
