// One snapshot of an app's counters as series points: pure, no store. The counter buckets
// (`c/<channel>/<version>|<status>`, `g/<group>/<version>|<status>`) are cut into scopes, so a
// reader of one channel's history reads that channel's points only:
//   `*`           the whole app: `<version>|<status>` summed over channels, and the totals
//                 `c/<channel>` and `g/<group>` (nodes per channel, per group)
//   `c/<channel>` that channel's nodes: `<version>|<status>`
//   `g/<group>`   that group's nodes: `<version>|<status>`
// A point's size depends on how many versions, statuses, channels and groups there are, never on
// how many nodes: the counts are numbers. Other dimensions (`a/` arches, `t/` rollout targets)
// count nodes a second time and are not kept.

/** The scope of the whole app. */
export const APP_SCOPE = '*';

/** key → count, per scope. Maps: keys are names nodes and users chose. */
export type ScopeCounts = Map<string, Map<string, number>>;

function add(scopes: ScopeCounts, scope: string, key: string, n: number): void {
  let counts = scopes.get(scope);
  if (!counts) scopes.set(scope, (counts = new Map()));
  counts.set(key, (counts.get(key) ?? 0) + n);
}

/** Cuts counter buckets into scopes. O(buckets). */
export function scopesOf(counters: Readonly<Record<string, number>>): ScopeCounts {
  const scopes: ScopeCounts = new Map();
  for (const [bucket, n] of Object.entries(counters)) {
    const bar = bucket.lastIndexOf('|');
    if (bar < 0 || !(n > 0)) continue;
    const parts = bucket.slice(0, bar).split('/');
    if (parts.length !== 3) continue;
    const [dim, name, version] = parts as [string, string, string];
    if (dim !== 'c' && dim !== 'g') continue;
    const key = `${version}|${bucket.slice(bar + 1)}`;
    add(scopes, `${dim}/${name}`, key, n);
    // Each node is in exactly one c/ bucket: the app's version × status mix is summed from those.
    if (dim === 'c') add(scopes, APP_SCOPE, key, n);
    add(scopes, APP_SCOPE, `${dim}/${name}`, n);
  }
  return scopes;
}

// ---- the stored text of a point
//
// `key=n` pairs joined by `,`, keys in order, the status of `<version>|<status>` written as one
// letter when it is one of the statuses below. Names in counter buckets are cleaned to letters,
// digits, `.`, `_`, `-` (and `?`, `~` for unknown tracks), so `,` and `=` never occur in a key.

/** One letter per status. Fixed here (not derived from the status list's order): stored text must keep its meaning. */
const STATUS_LETTERS: ReadonlyMap<string, string> = new Map([
  ['idle', 'i'],
  ['up-to-date', 'u'],
  ['granted', 'g'],
  ['downloading', 'd'],
  ['downloaded', 'D'],
  ['installed', 'n'],
  ['complete', 'c'],
  ['error', 'e'],
  ['deferred', 'f'],
  ['timed-out', 't'],
]);
const LETTER_STATUSES: ReadonlyMap<string, string> = new Map([...STATUS_LETTERS].map(([s, l]) => [l, s]));

function shortKey(key: string): string {
  const bar = key.lastIndexOf('|');
  if (bar < 0) return key;
  const letter = STATUS_LETTERS.get(key.slice(bar + 1));
  return letter ? `${key.slice(0, bar + 1)}${letter}` : key;
}

function longKey(key: string): string {
  const bar = key.lastIndexOf('|');
  if (bar < 0) return key;
  const status = LETTER_STATUSES.get(key.slice(bar + 1));
  return status ? `${key.slice(0, bar + 1)}${status}` : key;
}

/** A scope's counts as stored text; '' for none. */
export function encodePoint(counts: ReadonlyMap<string, number>): string {
  return [...counts.keys()]
    .sort()
    .map((k) => `${shortKey(k)}=${counts.get(k)}`)
    .join(',');
}

/** Reads encodePoint's text back; a malformed pair is skipped. */
export function decodePoint(text: string): Map<string, number> {
  const out = new Map<string, number>();
  if (text === '') return out;
  for (const pair of text.split(',')) {
    const eq = pair.lastIndexOf('=');
    const n = Number(pair.slice(eq + 1));
    if (eq <= 0 || !Number.isFinite(n)) continue;
    out.set(longKey(pair.slice(0, eq)), n);
  }
  return out;
}

/** The snapshot as stored: scope → encoded point. */
export function encodeSnapshot(counters: Readonly<Record<string, number>>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [scope, counts] of scopesOf(counters)) out.set(scope, encodePoint(counts));
  return out;
}
