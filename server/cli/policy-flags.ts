// The flags of `platte group policy` turned into the group's new `policy` body, starting from the
// policy it has (a flag changes one field, the others stay). Only the syntax is checked here; the
// server judges ranges, durations and time zones and names the field it refuses. Pure and
// dependency-free: it is loaded when `platte` registers its commands.
import { FlagError } from './rollout-flags.ts';

/** The policy as the API answers it (stored form: durations in ms). */
export interface StoredPolicy {
  updatesEnabled: boolean;
  maxUpdatesPerPeriod: { count: number; periodMs: number } | null;
  maxInProgress: number | 'reboot-slots' | null;
  updateTimeoutMs: number | null;
  windows: { days?: string | string[]; start: string; length: string | number; zone?: string }[];
  safeMode: boolean;
  pinVersion: string | null;
  rebootGroup: string | null;
}

export interface PolicyFlags {
  updates?: string;
  maxPerPeriod?: string;
  maxInProgress?: string;
  rebootGroup?: string;
  timeout?: string;
  /** Repeatable: every --window replaces the group's windows with the ones given. */
  window?: string[];
  noWindows?: boolean;
  safeMode?: string;
  pin?: string;
}

/** What PUT …/groups/{id} takes as `policy` (durations in seconds or as text). */
export type PolicyBody = Omit<StoredPolicy, 'maxUpdatesPerPeriod' | 'updateTimeoutMs'> & {
  maxUpdatesPerPeriod: { count: number; period: string | number } | null;
  updateTimeout: string | number | null;
};

const OFF = new Set(['off', 'none', 'no']);

function onOff(flag: string, text: string): boolean {
  const t = text.trim().toLowerCase();
  if (t === 'on' || t === 'yes' || t === 'true') return true;
  if (OFF.has(t) || t === 'false') return false;
  throw new FlagError(flag, `"${text}" is neither on nor off`);
}

/** `50/1h` → 50 per hour; `off` → none. */
export function parsePerPeriod(text: string): PolicyBody['maxUpdatesPerPeriod'] {
  if (OFF.has(text.trim().toLowerCase())) return null;
  const m = /^\s*(\d+)\s*\/\s*(\S+)\s*$/.exec(text);
  if (!m) throw new FlagError('--max-per-period', `"${text}" is not <count>/<period>, e.g. 50/1h (or off)`);
  return { count: Number(m[1]), period: m[2]! };
}

/** `Mon-Fri 09:00 8h Europe/Berlin`: days (optional), start, length, zone (optional, UTC). */
export function parseWindowText(text: string): StoredPolicy['windows'][number] {
  const parts = text.trim().split(/\s+/);
  const startAt = parts.findIndex((p) => /^\d{1,2}:\d{2}$/.test(p));
  if (startAt < 0 || startAt > 1 || parts.length < startAt + 2 || parts.length > startAt + 3) {
    throw new FlagError('--window', `"${text}" is not "[days] HH:MM <length> [zone]", e.g. "Mon-Fri 09:00 8h Europe/Berlin"`);
  }
  const zone = parts[startAt + 2];
  return { ...(startAt === 1 ? { days: parts[0]! } : {}), start: parts[startAt]!, length: parts[startAt + 1]!, ...(zone ? { zone } : {}) };
}

function inProgress(text: string): StoredPolicy['maxInProgress'] {
  const t = text.trim().toLowerCase();
  if (OFF.has(t)) return null;
  if (t === 'reboot-slots') return 'reboot-slots';
  if (!/^\d+$/.test(t)) throw new FlagError('--max-in-progress', `"${text}" is not a number, reboot-slots or off`);
  return Number(t);
}

/** The policy to send: `current` with every flag given applied. */
export function policyBody(current: StoredPolicy, f: PolicyFlags): PolicyBody {
  const period = current.maxUpdatesPerPeriod;
  const out: PolicyBody = {
    updatesEnabled: current.updatesEnabled,
    maxUpdatesPerPeriod: period ? { count: period.count, period: period.periodMs / 1000 } : null,
    maxInProgress: current.maxInProgress,
    updateTimeout: current.updateTimeoutMs === null ? null : current.updateTimeoutMs / 1000,
    windows: current.windows,
    safeMode: current.safeMode,
    pinVersion: current.pinVersion,
    rebootGroup: current.rebootGroup,
  };
  if (f.updates !== undefined) out.updatesEnabled = onOff('--updates', f.updates);
  if (f.maxPerPeriod !== undefined) out.maxUpdatesPerPeriod = parsePerPeriod(f.maxPerPeriod);
  if (f.maxInProgress !== undefined) out.maxInProgress = inProgress(f.maxInProgress);
  if (f.rebootGroup !== undefined) out.rebootGroup = OFF.has(f.rebootGroup.toLowerCase()) ? null : f.rebootGroup;
  if (f.timeout !== undefined) out.updateTimeout = OFF.has(f.timeout.toLowerCase()) ? null : f.timeout;
  if (f.noWindows && f.window?.length) throw new FlagError('--no-windows', 'give either --window or --no-windows');
  if (f.noWindows) out.windows = [];
  if (f.window?.length) out.windows = f.window.map(parseWindowText);
  if (f.safeMode !== undefined) out.safeMode = onOff('--safe-mode', f.safeMode);
  if (f.pin !== undefined) out.pinVersion = OFF.has(f.pin.toLowerCase()) ? null : f.pin;
  return out;
}
