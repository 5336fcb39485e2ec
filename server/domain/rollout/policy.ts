// Group policies and the grant decision: may this node be offered this version now? Pure: the
// store gathers the counters and carries out a grant in the same round trip, so limits hold
// exactly under concurrency (a decision read in one statement and written in another overshoots).
//
// Reasons, in the order they are checked (the first that applies is the one reported):
//   pinned → (already granted: grant) → group-disabled → rollout-halted → rollout-paused →
//   rollout-percent → outside-window → safe-mode → rate-limit → in-progress-limit
// The operator's settings and the rollout's state come first, as they explain a hold for every node
// alike and change only when someone acts; then what is true of this node (its bucket); then time
// (the window); the counters last, as they change from one check to the next. A node already
// granted keeps its grant and takes no new place: only a pin to another version takes it back.
import { z } from 'zod';
import { parseMinutes } from '../../../kernel/duration.ts';
import { isInStep } from './bucket.ts';
import { durationField } from './duration.ts';
import { countedHold } from './counted-limits.ts';
import type { RolloutStatus } from './types.ts';
import { compareVersions, VERSION_PATTERN } from '../version.ts';

export const GRANT_REASONS = [
  'pinned',
  'group-disabled',
  'rollout-halted',
  'rollout-paused',
  'rollout-percent',
  'outside-window',
  'safe-mode',
  'rate-limit',
  'in-progress-limit',
] as const;
export type GrantReason = (typeof GRANT_REASONS)[number];

/** Update windows in the coordinator's reboot-window form; the shape is checked here, the days, time and zone where windows are evaluated. */
export interface PolicyWindow {
  days?: string | string[];
  start: string;
  length: string | number;
  zone?: string;
}

export interface GroupPolicy {
  updatesEnabled: boolean;
  maxUpdatesPerPeriod: { count: number; periodMs: number } | null;
  /** Nodes granted and not yet complete, failed or timed out; `reboot-slots`: what the group's reboot group can take. */
  maxInProgress: number | 'reboot-slots' | null;
  /** A grant older than this and not complete counts as timed out (a failure); null: never. */
  updateTimeoutMs: number | null;
  windows: PolicyWindow[];
  /** Until one node completed the version, only one at a time is granted it. */
  safeMode: boolean;
  /** The group stays on this version whatever its channel says. */
  pinVersion: string | null;
  /** The reboot group (coordinator) the group's nodes take their slots from; `maxInProgress: 'reboot-slots'` paces by its slots. */
  rebootGroup: string | null;
}

export const DEFAULT_POLICY: GroupPolicy = {
  updatesEnabled: true, maxUpdatesPerPeriod: null, maxInProgress: null, updateTimeoutMs: null, windows: [], safeMode: false, pinVersion: null, rebootGroup: null,
};

const DAY_MS = 86_400_000;

const windowSchema = z.strictObject({
  days: z.union([z.string().max(64), z.array(z.string().max(16)).max(7)]).optional(),
  start: z.string().max(32).regex(/^\s*(?:[a-z]+\s+)?\d{1,2}:\d{2}\s*$/i, 'must be HH:MM or "Thu 04:00"'),
  length: z.union([z.string().max(32), z.number().int()]).refine((l) => parseMinutes(l) !== null, 'must be a length such as 1h30m, 45m, 2h or minutes'),
  zone: z.string().max(64).optional(),
});

/** The `policy` object of a group body. Every field may be left out: the default applies. */
export const groupPolicySchema = z
  .strictObject({
    updatesEnabled: z.boolean().default(true),
    maxUpdatesPerPeriod: z
      .strictObject({
        count: z.number().int('must be a whole number').min(1, 'must be at least 1').max(1_000_000),
        period: durationField({ minMs: 1000, maxMs: 30 * DAY_MS }),
      })
      .nullable()
      .default(null),
    maxInProgress: z
      .union([z.number().int('must be a whole number').min(1, 'must be at least 1').max(1_000_000), z.literal('reboot-slots')], {
        error: 'must be a whole number ≥ 1 or "reboot-slots"',
      })
      .nullable()
      .default(null),
    updateTimeout: durationField({ minMs: 60_000, maxMs: 30 * DAY_MS }).nullable().default(null),
    windows: z.array(windowSchema).max(32).default([]),
    safeMode: z.boolean().default(false),
    pinVersion: z.string().regex(VERSION_PATTERN, 'must be a version like 3510.2.0 (1 to 4 numbers)').nullable().default(null),
    rebootGroup: z.string().regex(/^[a-zA-Z0-9._-]{1,64}$/, 'a reboot group name: letters, digits, ".", "_" and "-" (1-64)').nullable().default(null),
  })
  .refine((p) => p.maxInProgress !== 'reboot-slots' || p.rebootGroup !== null, {
    path: ['rebootGroup'],
    message: 'maxInProgress "reboot-slots" paces by a reboot group: name it here',
  })
  .transform(
    (p): GroupPolicy => ({
      updatesEnabled: p.updatesEnabled,
      maxUpdatesPerPeriod: p.maxUpdatesPerPeriod ? { count: p.maxUpdatesPerPeriod.count, periodMs: p.maxUpdatesPerPeriod.period } : null,
      maxInProgress: p.maxInProgress,
      updateTimeoutMs: p.updateTimeout,
      windows: p.windows,
      safeMode: p.safeMode,
      pinVersion: p.pinVersion,
      rebootGroup: p.rebootGroup,
    }),
  );

/** The group's counters for the version being granted, read in the same store round trip as the grant. */
export interface GroupCounters {
  /** Grants made in the current period (maxUpdatesPerPeriod). */
  grantedInPeriod: number;
  /** Granted and not yet complete, failed or timed out. */
  inProgress: number;
  /** Of those in progress, the nodes that hold a slot of the reboot group (rebooting). */
  holdingSlots?: number;
  /** Nodes of the group that completed this version (safe mode). */
  completed: number;
}

export interface GrantInput {
  node: { bucket: number; canary: boolean; alreadyGranted: boolean };
  /** The version that would be granted. */
  version: string;
  /** The channel's rollout of that version; null: offered to everyone (no rollout). */
  rollout: { status: RolloutStatus; percent: number } | null;
  policy: GroupPolicy;
  /** The group's windows, evaluated at `now` by the caller (no windows: open). */
  window: { open: boolean; nextOpenAt: number | null };
  counters: GroupCounters;
  /** Free slots of the group's reboot group, for maxInProgress 'reboot-slots'; absent: none known, so none free. */
  rebootCapacity?: { free: number };
}

export type GrantDecision = { grant: true } | { grant: false; reason: GrantReason; until?: number };

function rolloutHold(input: GrantInput): GrantReason | null {
  const r = input.rollout;
  if (!r) return null;
  if (r.status === 'halted' || r.status === 'aborted') return 'rollout-halted';
  if (r.status === 'paused') return 'rollout-paused';
  if (r.status !== 'completed' && !isInStep(input.node.bucket, r.percent, input.node.canary)) return 'rollout-percent';
  return null;
}

/** True when the reboot group cannot take one more node on its way to a reboot ('reboot-slots'). */
function rebootSlotsFull(counters: GroupCounters, capacity: GrantInput['rebootCapacity']): boolean {
  // Nodes on their way to a reboot (in progress, no slot yet) must not outnumber the free slots:
  // then none waits for a slot longer than one reboot.
  const waiting = counters.inProgress - (counters.holdingSlots ?? 0);
  return waiting >= (capacity?.free ?? 0);
}

export function decideGrant(input: GrantInput): GrantDecision {
  const { policy, counters } = input;
  const hold = (reason: GrantReason, until?: number): GrantDecision => (until === undefined ? { grant: false, reason } : { grant: false, reason, until });
  if (policy.pinVersion !== null && compareVersions(input.version, policy.pinVersion) !== 0) return hold('pinned');
  if (input.node.alreadyGranted) return { grant: true };
  if (!policy.updatesEnabled) return hold('group-disabled');
  const rollout = rolloutHold(input);
  if (rollout) return hold(rollout);
  if (!input.window.open) return hold('outside-window', input.window.nextOpenAt ?? undefined);
  // The counted part is the store's own rule (counted-limits.ts); 'reboot-slots' is known only here.
  const max = policy.maxInProgress;
  const counted = countedHold(
    { safeMode: policy.safeMode, perPeriod: policy.maxUpdatesPerPeriod, maxInProgress: typeof max === 'number' ? max : null },
    { grantedInPeriod: counters.grantedInPeriod, inProgressInGroup: counters.inProgress, completedInGroup: counters.completed, alreadyInProgress: false },
  );
  if (counted) return hold(counted);
  if (max === 'reboot-slots' && rebootSlotsFull(counters, input.rebootCapacity)) return hold('in-progress-limit');
  return { grant: true };
}
