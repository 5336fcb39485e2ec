// The instance state machine, as update_engine drives it:
//   check (3/2) → granted → 13/1 downloading → 14/1 downloaded → 3/1 installed (waiting for reboot)
//   → next check on the new version with 3/2 previousversion=<old> → complete.
// go-omaha's client never sends previousversion: a node whose stored status is `installed` and
// whose stored target is the version it now reports is complete as well (InstanceChange.completion,
// applied by the store, which alone sees the stored target atomically).
// x/0 (with errorcode, flag bits stripped) → error; 3/0 code 44 (rollback) is an error too;
// x/9 → deferred. Every event lands in the history, whether or not an update was granted.
// planCheckIn is pure: it turns one <app> of a request and the update decision into an
// InstanceChange that the store applies atomically; the release index the decision was made on
// tells whether the node's version is a package of the app (the unknown-version cap, counters.ts).
import { errorCodeName, stripErrorFlags } from '../../protocol/omaha/error-codes.ts';
import { EventResult, EventType } from '../../protocol/omaha/events.ts';
import type { OmahaAppRequest, OmahaEvent } from '../../protocol/omaha/types.ts';
import { counterPrefixes, targetCounterPrefix, unknownVersionOf } from './counters.ts';
import type { UpdateDecision } from './decide.ts';
import type { ReleaseIndex } from './release-index.ts';
import type { HistoryEntry, InstanceAttrs, InstanceChange, InstanceStatus } from './types.ts';

/** A previousversion that names a real earlier version (not absent, empty or the "no state" marker). */
function realPreviousVersion(ev: OmahaEvent): string | null {
  const pv = ev.previousVersion;
  return pv && pv !== '0.0.0.0' ? pv : null;
}

export interface EventOutcome {
  status: InstanceStatus | null;
  error?: { code: number; name: string };
}

/** What one event means for the instance's status (null: no change). */
export function eventOutcome(ev: OmahaEvent, nodeVersion: string): EventOutcome {
  if (ev.eventResult === EventResult.Error) {
    const code = stripErrorFlags(ev.errorCode ?? 0);
    return { status: 'error', error: { code, name: errorCodeName(code) } };
  }
  if (ev.eventResult === EventResult.UpdateDeferred) return { status: 'deferred' };
  if (ev.eventType === EventType.UpdateDownloadStarted && ev.eventResult === EventResult.Success) return { status: 'downloading' };
  if (ev.eventType === EventType.UpdateDownloadFinished && ev.eventResult === EventResult.Success) return { status: 'downloaded' };
  if (ev.eventType === EventType.UpdateComplete && ev.eventResult === EventResult.Success) return { status: 'installed' };
  if (ev.eventType === EventType.InstalledHeld && ev.eventResult === EventResult.Success) return { status: 'installed' };
  if (ev.eventType === EventType.UpdateComplete && ev.eventResult === EventResult.SuccessReboot) {
    const pv = realPreviousVersion(ev);
    if (pv !== null && pv !== nodeVersion) return { status: 'complete' };
  }
  return { status: null };
}

export interface CheckInPlan {
  change: InstanceChange;
  /** The node reported completing an update to its current version (release its reboot slot). */
  completed: boolean;
}

/** Statuses from which a node now running its target is complete without saying so. */
export const UNREPORTED_COMPLETION_FROM: readonly InstanceStatus[] = ['installed'];

/**
 * Whether the check-in completed an update (release the node's reboot slot): reported by the node,
 * or found by the store (the stored target is the version the node came back on).
 */
export function checkInCompleted(plan: CheckInPlan, result: { previousStatus: InstanceStatus | null; status: InstanceStatus }): boolean {
  if (plan.completed) return true;
  return plan.change.completion !== undefined && result.status === 'complete' && result.previousStatus !== 'complete';
}

/** What the request's events say: their history entries, the status and error they end on, whether one completes. */
function fromEvents(app: OmahaAppRequest, now: number): { history: HistoryEntry[]; status: InstanceStatus | null; error?: { code: number; name: string }; completed: boolean } {
  const history: HistoryEntry[] = [];
  let status: InstanceStatus | null = null;
  let error: { code: number; name: string } | undefined;
  let completed = false;
  for (const ev of app.events) {
    const out = eventOutcome(ev, app.version);
    if (out.status) status = out.status;
    if (out.error) error = out.error;
    if (out.status === 'complete') completed = true;
    const entry: HistoryEntry = { at: now, kind: 'event', eventType: ev.eventType, eventResult: ev.eventResult, version: app.version, repeat: 1 };
    if (out.status) entry.status = out.status;
    if (ev.errorCode !== undefined) entry.errorCode = stripErrorFlags(ev.errorCode);
    if (out.error) entry.errorName = out.error.name;
    if (ev.previousVersion) entry.previousVersion = ev.previousVersion;
    history.push(entry);
  }
  return { history, status, ...(error ? { error } : {}), completed };
}

export function planCheckIn(
  app: OmahaAppRequest,
  machineId: string,
  attrs: InstanceAttrs,
  decision: UpdateDecision | null,
  now: number,
  /** The app's release index; without one no version counts as a package (all are capped). */
  releases?: ReleaseIndex,
): CheckInPlan {
  const { history, status, error, completed } = fromEvents(app, now);

  let change: InstanceChange['status'] = status ? { to: status, unlessIn: [] } : null;
  let targetVersion: string | undefined;
  if (app.updateCheck && decision) {
    if (decision.kind === 'update') {
      targetVersion = decision.pkg.version;
      change = { to: 'granted', unlessIn: [] };
      history.push({ at: now, kind: 'grant', version: targetVersion, status: 'granted', repeat: 1 });
    } else if (!status) {
      // A node on the channel's version stays "complete" after its update until a new one starts.
      // A failed node that is held back (a halted rollout, a limit) stays failed: its failure still
      // counts for the rollout's halt rule until it is offered an update again.
      change =
        decision.reason === 'up-to-date'
          ? { to: 'up-to-date', unlessIn: ['complete'] }
          : { to: 'idle', unlessIn: ['error', 'timed-out'] };
    }
  }

  const unknownVersion = unknownVersionOf(releases, attrs.version);
  // Neither an event nor a grant decided the status: the node may have come back on its target.
  const completion = status === null && targetVersion === undefined ? { version: app.version, from: [...UNREPORTED_COMPLETION_FROM] } : undefined;
  return {
    completed,
    change: {
      machineId,
      attrs,
      status: change,
      ...(completion ? { completion } : {}),
      ...(targetVersion !== undefined ? { targetVersion } : {}),
      ...(error ? { error } : {}),
      history,
      counterPrefixes: counterPrefixes(attrs),
      // A node on an unknown track follows no channel, so no rollout counts it.
      ...(attrs.channel ? { targetCounter: targetCounterPrefix(attrs.channel) } : {}),
      ...(targetVersion !== undefined && decision?.kind === 'update' && decision.limits ? { grantLimits: decision.limits } : {}),
      ...(unknownVersion !== undefined ? { unknownVersion } : {}),
    },
  };
}
