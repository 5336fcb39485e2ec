// Human text for history lines and error values, shared by both stores and the HTTP layer.
import { formatSeconds } from '../../kernel/duration.ts';
import { describeWindow } from '../../kernel/time/window-parse.ts';
import type { GroupChange, Holder } from './types.ts';

/** The part of a configuration change worth a history line, e.g. `max=3, lease=2h (hold)`. */
export function describeChange(change: GroupChange): string {
  const parts: string[] = [];
  if (change.max !== undefined) parts.push(`max=${change.max}`);
  if (change.windows !== undefined) {
    parts.push(`windows=${change.windows.length === 0 ? 'none (always open)' : change.windows.map((w) => describeWindow(w).text).join('; ')}`);
  }
  if (change.leaseSeconds !== undefined) parts.push(`lease=${formatSeconds(change.leaseSeconds)}`);
  if (change.leasePolicy !== undefined) parts.push(`on expiry=${change.leasePolicy}`);
  if (change.paused === true && change.pauseReason) parts.push(`reason: ${change.pauseReason}`);
  return parts.join(', ');
}

/**
 * `2 of 2 slots taken, held since 2025-01-02T03:00:00Z, 2025-01-02T03:05:00Z (lease expired)`: how
 * many and since when, never who. FleetLock has no authentication, and a holder's id is all it
 * takes to give that holder's slot back with steady-state; the operator API (behind a token) names them.
 */
export function describeFull(max: number, count: number, sample: readonly Holder[]): string {
  const shown = sample.map((h) => `${new Date(h.since).toISOString()}${h.expiredAt !== null ? ' (lease expired)' : ''}`);
  const more = count > sample.length ? ` and ${count - sample.length} more` : '';
  const taken = max === 0 ? 'group allows no reboots (max 0)' : `${count} of ${max} slots taken`;
  return count === 0 ? taken : `${taken}, held since ${shown.join(', ')}${more}`;
}
