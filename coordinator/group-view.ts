// What the operator API shows of a reboot group: its settings, holders (lease left, target
// version), waiting nodes, windows (open now, closing or next opening in the window's zone) and
// history, turned from the store's records at one instant.
import { formatSeconds } from '../kernel/duration.ts';
import { describeWindow, localText, type WindowView } from '../kernel/time/window-parse.ts';
import { currentClosing, isOpen, nextOpening } from '../kernel/time/windows.ts';
import type { GroupConfig, Holder, SlotEvent } from './domain/types.ts';
import type { SlotStore } from './store/types.ts';

/** Nodes turned away within this span show up as "waiting". */
const WAITING_SPAN_MS = 15 * 60_000;

export interface HolderView {
  id: string;
  since: string;
  leaseUntil: string;
  /** Seconds until the lease runs out; 0 once it has. */
  leaseLeftSeconds: number;
  expired: boolean;
  expiredAt: string | null;
  fencingToken: number;
  /** The version the Omaha side last offered this machine, if any. */
  targetVersion: string | null;
}

export interface HistoryView extends Omit<SlotEvent, 'at'> {
  at: string;
}

export interface GroupView {
  group: string;
  max: number;
  /** Free slots (0 when holders exceed a lowered max). */
  available: number;
  paused: boolean;
  pauseReason: string | null;
  lease: { seconds: number; text: string; onExpiry: 'hold' | 'release' };
  windows: WindowView[];
  windowOpen: boolean;
  /** While a window is open: when it closes. */
  windowClosesAt: string | null;
  /** While all windows are closed: when the next one opens (ISO and in the window's zone). */
  nextWindow: { at: string; local: string } | null;
  holders: HolderView[];
  waiting: { id: string; lastSeen: string; reason: string }[];
  lastFencingToken: number;
  history: HistoryView[];
  /** Created by a node's first pre-reboot and never configured since: forgotten after a day without holder. */
  autoCreated: boolean;
  createdAt: string;
  updatedAt: string;
}

const iso = (t: number) => new Date(t).toISOString();

function holderView(h: Holder, t: number, targets: Map<string, string>): HolderView {
  return {
    id: h.id,
    since: iso(h.since),
    leaseUntil: iso(h.leaseUntil),
    leaseLeftSeconds: Math.max(0, Math.round((h.leaseUntil - t) / 1000)),
    expired: h.expiredAt !== null || h.leaseUntil <= t,
    expiredAt: h.expiredAt !== null ? iso(h.expiredAt) : null,
    fencingToken: h.fencingToken,
    targetVersion: targets.get(h.id) ?? null,
  };
}

function historyView(e: SlotEvent): HistoryView {
  const { at, fencingToken, ...rest } = e;
  // fencingToken last, as the API has always listed it.
  return { at: iso(at), ...rest, ...(fencingToken !== undefined ? { fencingToken } : {}) };
}

/** The window part of a group's view at `t`. */
function windowState(windows: GroupConfig['windows'], t: number): Pick<GroupView, 'windows' | 'windowOpen' | 'windowClosesAt' | 'nextWindow'> {
  const open = isOpen(windows, t);
  const next = open ? null : nextOpening(windows, t);
  const closes = open ? currentClosing(windows, t) : null;
  const nextZone = next === null ? 'UTC' : (windows.find((w) => isOpen([w], next))?.zone ?? 'UTC');
  return {
    windows: windows.map(describeWindow),
    windowOpen: open,
    windowClosesAt: closes === null ? null : iso(closes),
    nextWindow: next === null ? null : { at: iso(next), local: localText(next, nextZone) },
  };
}

/** A group as the operator API shows it; null when it does not exist. */
export async function groupView(store: SlotStore, now: () => number, group: string, historyLimit: number): Promise<GroupView | null> {
  const t = now();
  const snap = await store.read(group, { historyLimit, waitingSince: t - WAITING_SPAN_MS });
  if (!snap) return null;
  const { config } = snap;
  const targets = await store.targetsOf(snap.holders.map((h) => h.id), t);
  const held = new Set(snap.holders.map((h) => h.id));
  return {
    group: config.group,
    max: config.max,
    available: Math.max(0, config.max - snap.holders.length),
    paused: config.paused,
    pauseReason: config.pauseReason,
    lease: { seconds: config.leaseSeconds, text: formatSeconds(config.leaseSeconds), onExpiry: config.leasePolicy },
    ...windowState(config.windows, t),
    holders: snap.holders.map((h) => holderView(h, t, targets)),
    waiting: snap.waiting.filter((w) => !held.has(w.id)).map((w) => ({ id: w.id, lastSeen: iso(w.lastSeen), reason: w.reason })),
    lastFencingToken: snap.lastFencingToken,
    history: snap.history.map(historyView),
    autoCreated: config.autoCreated,
    createdAt: iso(config.createdAt),
    updatedAt: iso(config.updatedAt),
  };
}
