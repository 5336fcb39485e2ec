// Node statuses in the order a node moves through them, with their words and colours (the
// colours are CSS classes, light and dark in styles/blocks.css). A status this list does not know (a
// newer server) still shows, in a neutral colour, after the known ones.

export const STATUS_ORDER = [
  'up-to-date',
  'complete',
  'rebooting',
  'installed',
  'downloaded',
  'downloading',
  'granted',
  'deferred',
  'held',
  'idle',
  'stale',
  'timed-out',
  'error',
] as const;

const WORDS: Record<string, string> = {
  'up-to-date': 'up to date',
  complete: 'complete',
  rebooting: 'rebooting',
  installed: 'installed, waiting for a reboot slot',
  held: 'held back',
  downloaded: 'downloaded',
  downloading: 'downloading',
  granted: 'granted',
  deferred: 'deferred',
  idle: 'idle',
  stale: 'stale',
  'timed-out': 'timed out',
  error: 'failed',
};

/** The filter of the instances view: the statuses the API accepts. */
export const FILTER_STATUSES = ['idle', 'up-to-date', 'granted', 'downloading', 'downloaded', 'installed', 'complete', 'error', 'deferred', 'timed-out'] as const;

export const statusWord = (s: string) => WORDS[s] ?? s;
export const statusClass = (s: string) => `st-${s in WORDS ? s : 'other'}`;

/** Known statuses first, in order, then any others by name. */
export function orderStatuses(names: Iterable<string>): string[] {
  const known = new Set<string>(STATUS_ORDER);
  const all = [...new Set(names)];
  return [...STATUS_ORDER.filter((s) => all.includes(s)), ...all.filter((s) => !known.has(s)).sort()];
}

const HELD: Record<string, string> = {
  'unknown-track': 'its track matches no group',
  'no-version': 'the channel offers no version',
  'no-package-for-arch': 'no build for its architecture',
  pinned: 'pinned to another version',
  'error-reported': 'it reported a failed update',
  pulled: 'the version was pulled',
  'rollout-percent': "outside the rollout's percent so far",
  'rollout-paused': 'the rollout is paused',
  'rollout-halted': 'the rollout halted',
  'group-disabled': "its group's updates are off",
  'outside-window': "outside its group's update windows",
  'rate-limit': "its group's update rate limit",
  'in-progress-limit': "its group's limit of updates in progress",
  'safe-mode': "its group's safe mode",
};

/** Why a node is held back, in words (the server's reason code when this list does not know it). */
export const heldWord = (reason: string) => HELD[reason] ?? reason;

const WAITING: Record<string, string> = { soaking: 'the soak time', 'success-threshold': 'enough nodes to complete' };

/** What a rollout waits for, in words. */
export const waitingWord = (w: string) => WAITING[w] ?? w;

/**
 * Splits two parts off a status count, as the server reports them apart: `rebooting` (installed
 * nodes holding a reboot slot) off `installed`, and `held` (idle nodes behind their channel that
 * got no update) off `idle`. Neither can exceed what it is split from.
 */
export function splitCounts(counts: Readonly<Record<string, number>>, parts: { rebooting?: number; held?: number }): Record<string, number> {
  const out: Record<string, number> = { ...counts };
  const take = (from: string, to: string, n: number | undefined) => {
    const k = Math.min(Math.max(0, n ?? 0), out[from] ?? 0);
    if (k <= 0) return;
    out[from] = (out[from] ?? 0) - k;
    out[to] = (out[to] ?? 0) + k;
  };
  take('installed', 'rebooting', parts.rebooting);
  take('idle', 'held', parts.held);
  return out;
}

/** The sum of a record's numbers (a channel's held-back reasons, its rebooting versions). */
export const sumOf = (r: Readonly<Record<string, number>> | undefined): number => Object.values(r ?? {}).reduce((a, b) => a + b, 0);

/** Statuses the halt rule and the page count as failed. */
export const FAILED = new Set(['error', 'timed-out']);
