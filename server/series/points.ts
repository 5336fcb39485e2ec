// One snapshot of an app's counters as series points: pure, no store. The counter buckets are cut
// into scopes, so a reader of one channel's history reads that channel's points only:
//   `*`           the whole app: `<version>|<status>` summed over channels (from `c/`), and the
//                 totals `c/<channel>` and `g/<group>` (nodes per channel, per group)
//   `c/<channel>` that channel's nodes (`c/<channel>/<version>|<status>`): `<version>|<status>`
//   `g/<group>`   that group's nodes (`g/<group>/<version>|<status>`): `<version>|<status>`
//   `t/<channel>` that channel's rollout counts: the nodes granted each version, by status
//                 (`t/<channel>/<version>|<status>`) as `<version>|<status>`, and the failures counted
//                 as events (`f/<channel>/<version>|<kind>`) as `<version>|f:<kind>`
// A point's size depends on how many versions, statuses, channels and groups there are, never on
// how many nodes: the counts are numbers. A channel's failure events never go down and outlive
// their rollout, so they are kept only for versions some node of the channel is granted now: the
// `t/` point stays as small as the versions being rolled out. `a/` (arches) and any other
// dimension count nodes a second time and are not kept.
import { TARGET_DIMENSION } from '../domain/counters.ts';
import { EVENT_FAILURE_KINDS, FAILURE_DIMENSION } from '../domain/failure-counters.ts';

/** The scope of the whole app. */
export const APP_SCOPE = '*';

/** key → count, per scope. Maps: keys are names nodes and users chose. */
export type ScopeCounts = Map<string, Map<string, number>>;

function add(scopes: ScopeCounts, scope: string, key: string, n: number): void {
  let counts = scopes.get(scope);
  if (!counts) scopes.set(scope, (counts = new Map()));
  counts.set(key, (counts.get(key) ?? 0) + n);
}

/** The key prefix a failure event of the `t/` scope is kept under: `<version>|f:<kind>`. */
export const FAILURE_KEY = 'f:';

const EVENT_KINDS: ReadonlySet<string> = new Set(EVENT_FAILURE_KINDS);

/** A bucket `<dim>/<name>/<x>|<last>` in its parts, or null when it has another shape. */
function partsOf(bucket: string): { dim: string; name: string; x: string; last: string } | null {
  const bar = bucket.lastIndexOf('|');
  if (bar < 0) return null;
  const parts = bucket.slice(0, bar).split('/');
  if (parts.length !== 3) return null;
  const [dim, name, x] = parts as [string, string, string];
  return { dim, name, x, last: bucket.slice(bar + 1) };
}

/** Failure events per channel scope, held until the scopes' granted versions are known. */
type Events = Map<string, { version: string; key: string; n: number }[]>;

/** Adds each failure event to its channel's `t/` scope when that scope has nodes granted its version. */
function addEvents(scopes: ScopeCounts, events: Events): void {
  for (const [scope, list] of events) {
    const counts = scopes.get(scope);
    if (!counts) continue;
    const granted = new Set([...counts.keys()].map((k) => k.slice(0, k.lastIndexOf('|'))));
    for (const e of list) if (granted.has(e.version)) add(scopes, scope, e.key, e.n);
  }
}

/** Cuts counter buckets into scopes. O(buckets). */
export function scopesOf(counters: Readonly<Record<string, number>>): ScopeCounts {
  const scopes: ScopeCounts = new Map();
  const events: Events = new Map();
  for (const [bucket, n] of Object.entries(counters)) {
    const b = partsOf(bucket);
    if (b === null || !(n > 0)) continue;
    const { dim, name, x: version, last } = b;
    const key = `${version}|${last}`;
    if (dim === TARGET_DIMENSION) add(scopes, `${TARGET_DIMENSION}/${name}`, key, n);
    else if (dim === FAILURE_DIMENSION && EVENT_KINDS.has(last)) {
      const scope = `${TARGET_DIMENSION}/${name}`;
      let list = events.get(scope);
      if (!list) events.set(scope, (list = []));
      list.push({ version, key: `${version}|${FAILURE_KEY}${last}`, n });
    } else if (dim === 'c' || dim === 'g') {
      add(scopes, `${dim}/${name}`, key, n);
      // Each node is in exactly one c/ bucket: the app's version × status mix is summed from those.
      if (dim === 'c') add(scopes, APP_SCOPE, key, n);
      add(scopes, APP_SCOPE, `${dim}/${name}`, n);
    }
  }
  addEvents(scopes, events);
  return scopes;
}

// ---- the stored text of a point
//
// `key=n` pairs joined by `,`, keys in order, the status of `<version>|<status>` written as one
// letter when it is one of the statuses below. Names in counter buckets are cleaned to letters,
// digits, `.`, `_`, `-` (and `?`, `~` for unknown tracks), so `,` and `=` never occur in a key.
// New kinds of keys (the `t/` scope's `f:<kind>`) are written as they are: a reader of points
// stored before them reads them as before, and no letter is ever given a second meaning.

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
