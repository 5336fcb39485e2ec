// The failure counters of rollouts: events, not statuses a node stays in, so each is counted once
// per occurrence and never goes down (no instance is counted in them: moving or pruning instances
// leaves them alone, and a failure stays counted after its node recovered).
import { errorCodeName, stripErrorFlags } from '../../protocol/omaha/error-codes.ts';
import { bucketName } from './bucket-name.ts';
import type { FailureKind } from './rollout/types.ts';

// ---- reverted and lease-expired
//
// Two failures of a rollout are events, not statuses a node stays in: a node that installed the
// target and came back on another version after a reboot (`reverted`, counted by the check-in step,
// apply-check-in.ts) and a reboot-slot lease that ran out on a node on its way to the target
// (`lease-expired`, counted when the coordinator's sweep reports it, rollout/lease-failures.ts).
// Each is counted once per occurrence in `f/<channel>/<target version>|<kind>`, next to the other
// buckets. These never go down: no instance is counted in them, so moving or pruning instances
// leaves them alone, and a failure stays counted after its node recovered.

/** The dimension of the failure counters. */
export const FAILURE_DIMENSION = 'f';

/** The failure kinds counted as events in `f/` buckets (the others come from `t/` statuses). */
export const EVENT_FAILURE_KINDS = ['reverted', 'lease-expired'] as const satisfies readonly FailureKind[];
export type EventFailureKind = (typeof EVENT_FAILURE_KINDS)[number];

/** The failure counter prefix of a channel, `f/<channel>`; null for none (an unknown track). */
export function failurePrefix(channel: string): string | null {
  return channel ? `${FAILURE_DIMENSION}/${bucketName(channel)}` : null;
}

/** The bucket one failure of `kind` of the rollout of `version` in `channel` is counted in; null without both. */
export function failureBucket(channel: string, version: string, kind: EventFailureKind): string | null {
  const prefix = failurePrefix(channel);
  return prefix !== null && version ? `${prefix}/${version}|${kind}` : null;
}

/** The kind prefix of error-code buckets and the name of the codes counted together (see below). */
const CODE_KIND = 'code-';
const OTHER_CODE = 'other';

const FAILURE_BUCKET = new RegExp(`^${FAILURE_DIMENSION}/[^/|,]+/[^/|,]+\\|(${EVENT_FAILURE_KINDS.join('|')}|${CODE_KIND}(\\d+|${OTHER_CODE}))$`);

/** True for a failure counter bucket (`f/<channel>/<version>|<kind>` or `…|code-<n>`), as failureBucket and errorCodeBucket make them. */
export function isFailureBucket(bucket: string): boolean {
  return FAILURE_BUCKET.test(bucket);
}

/** How many failures of each event kind the rollout of `version` in `channel` counted. O(kinds). */
export function failureCounts(counters: Readonly<Record<string, number>>, channel: string, version: string): Record<EventFailureKind, number> {
  const out = Object.fromEntries(EVENT_FAILURE_KINDS.map((k) => [k, 0])) as Record<EventFailureKind, number>;
  for (const k of EVENT_FAILURE_KINDS) {
    const bucket = failureBucket(channel, version, k);
    // Own properties only, as in targetCounts.
    if (bucket !== null && Object.hasOwn(counters, bucket)) out[k] = counters[bucket] ?? 0;
  }
  return out;
}

// ---- error codes of the failures
//
// Why the nodes of a rollout failed: each time a node granted `version` in `channel` enters the
// error state (an x/0 event, a rollback report), its update_engine error code is counted in
// `f/<channel>/<version>|code-<n>`, an event counter like the ones above (answer-app.ts counts it
// on the check-in that moved the node to error). Codes update_engine names (and its 2000 + HTTP
// status range) count under their number, any other under `code-other`: nodes choose the codes
// they send, and the buckets stay bounded.

function codeKey(code: number): string {
  const c = stripErrorFlags(code);
  return Number.isInteger(c) && c >= 0 && !errorCodeName(c).startsWith('unknown') ? String(c) : OTHER_CODE;
}

/** The bucket an error with `code` of the rollout of `version` in `channel` is counted in; null without both. */
export function errorCodeBucket(channel: string, version: string, code: number): string | null {
  const prefix = failurePrefix(channel);
  return prefix !== null && version ? `${prefix}/${version}|${CODE_KIND}${codeKey(code)}` : null;
}

export interface ErrorCodeCount {
  /** null for the codes counted together as `other`. */
  code: number | null;
  /** update_engine's name of the code (protocol/omaha/error-codes.ts); `other` for the rest. */
  name: string;
  count: number;
}

/** The failures of the rollout of `version` in `channel` by error code, most first. O(buckets). */
export function errorCodeCounts(counters: Readonly<Record<string, number>>, channel: string, version: string): ErrorCodeCount[] {
  const prefix = failurePrefix(channel);
  if (prefix === null) return [];
  const head = `${prefix}/${version}|${CODE_KIND}`;
  const out: ErrorCodeCount[] = [];
  for (const [bucket, n] of Object.entries(counters)) {
    if (!bucket.startsWith(head) || !(n > 0)) continue;
    const key = bucket.slice(head.length);
    const code = key === OTHER_CODE ? null : Number(key);
    out.push({ code, name: code === null ? OTHER_CODE : errorCodeName(code), count: n });
  }
  return out.sort((a, b) => b.count - a.count || (a.code ?? Infinity) - (b.code ?? Infinity));
}
