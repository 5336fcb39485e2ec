// Lengths written the way locksmith's REBOOT_WINDOW_LENGTH and Go's time.Duration write them:
// `1h30m`, `90m`, `2h`, `1d` (days are an extension). Minutes are the smallest unit we keep.

const UNIT_MINUTES: Record<string, number> = { d: 1440, h: 60, m: 1 };

/** Parses `1h30m` / `45m` / `2h` / `1d` (or a plain number of minutes) into minutes; null if invalid. */
export function parseMinutes(text: string | number): number | null {
  if (typeof text === 'number') return Number.isInteger(text) && text > 0 ? text : null;
  const s = text.trim().toLowerCase();
  if (/^\d+$/.test(s)) return Number(s) > 0 ? Number(s) : null;
  if (!/^(\d+[dhm])+(0s)?$/.test(s)) return null;
  let total = 0;
  for (const m of s.matchAll(/(\d+)([dhm])/g)) total += Number(m[1]) * (UNIT_MINUTES[m[2] as string] as number);
  return total > 0 ? total : null;
}

/** 90 → `1h30m`, 1440 → `24h`, 45 → `45m`. */
export function formatMinutes(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m}m`;
  return m === 0 ? `${h}h` : `${h}h${m}m`;
}

/** Seconds as a short human text: 3600 → `1h`, 5400 → `1h30m`, 42 → `42s`. */
export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${Math.max(0, Math.round(seconds))}s`;
  return formatMinutes(Math.round(seconds / 60));
}
