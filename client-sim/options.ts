// Turns the raw strings of `platte sim` / `platte demo` flags into validated values (zod), with
// messages that name the flag.
import { z } from 'zod';
import { parseFaults, type FaultShare } from './failures.ts';
import { MixError, parseMix, type MixEntry } from './mix.ts';
import { REBOOT_STRATEGIES, type RebootStrategy } from './node-types.ts';

export class OptionError extends Error {}

/** "90s", "45m", "12h", "3d", "1d12h", or plain seconds → seconds. */
export function parseDuration(text: string, flag: string): number {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;
  const unit: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };
  let total = 0;
  let matched = 0;
  for (const m of t.matchAll(re)) {
    total += Number(m[1]) * unit[m[2]!]!;
    matched += m[0].length;
  }
  if (t === '' || matched !== t.length) throw new OptionError(`${flag}: "${text}" is not a duration (use 90s, 45m, 12h, 3d)`);
  return total;
}

/** "30s-90s" or "60" → [min, max] seconds. */
export function parseRange(text: string, flag: string): [number, number] {
  const [a, b] = text.split('-');
  const lo = parseDuration(a ?? '', flag);
  const hi = b === undefined ? lo : parseDuration(b, flag);
  if (hi < lo) throw new OptionError(`${flag}: the upper end of "${text}" is below the lower one`);
  return [lo, hi];
}

function number(flag: string, opts: { int?: boolean; min?: number; max?: number } = {}) {
  let n = z.coerce.number({ error: `${flag} must be a number` });
  if (opts.int) n = n.int(`${flag} must be a whole number`);
  if (opts.min !== undefined) n = n.min(opts.min, `${flag} must be at least ${opts.min}`);
  if (opts.max !== undefined) n = n.max(opts.max, `${flag} must be at most ${opts.max}`);
  return n;
}

export function parseNumber(value: unknown, flag: string, opts: { int?: boolean; min?: number; max?: number } = {}): number {
  const r = number(flag, opts).safeParse(value);
  if (!r.success) throw new OptionError(r.error.issues[0]?.message ?? `${flag} is invalid`);
  return r.data;
}

export function parseUrl(value: string, flag: string): string {
  try {
    const u = new URL(value);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http');
    return value.replace(/\/+$/, '');
  } catch {
    throw new OptionError(`${flag}: "${value}" is not an http(s) URL`);
  }
}

const VERSION = /^\d+(\.\d+){0,3}$/;
const GROUP = /^[a-zA-Z0-9.-]+$/;

function mix<T extends string>(text: string, flag: string, opts: Parameters<typeof parseMix<T>>[2] = {}): MixEntry<T>[] {
  try {
    return parseMix<T>(text, flag, opts);
  } catch (err) {
    if (err instanceof MixError) throw new OptionError(err.message);
    throw err;
  }
}

export const mixes = {
  versions: (text: string) => mix(text, '--from-version', { check: (v) => (VERSION.test(v) ? null : `"${v}" is not a version like 3510.2.0`) }),
  tracks: (text: string) => mix(text, '--track', { check: (v) => (/^\S{1,128}$/.test(v) ? null : `"${v}" is not a track name`) }),
  groups: (text: string) => mix(text, '--group', { check: (v) => (GROUP.test(v) ? null : `"${v}" is not a FleetLock group (letters, digits, "." and "-")`) }),
  boards: (text: string) => mix(text, '--board', { check: (v) => (/^\S{1,64}$/.test(v) ? null : `"${v}" is not a board name`) }),
  oems: (text: string) => mix(text, '--oem', { check: (v) => (/^\S{1,64}$/.test(v) ? null : `"${v}" is not an OEM id`) }),
  strategies: (text: string) => mix<RebootStrategy>(text, '--reboot-strategy', { allowed: REBOOT_STRATEGIES }),
};

export function faults(text: string): FaultShare[] {
  try {
    return parseFaults(text);
  } catch (err) {
    if (err instanceof MixError) throw new OptionError(err.message);
    throw err;
  }
}
