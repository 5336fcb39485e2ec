// `platte instance <id>` for people: aligned key/value lines, then the history with ISO times and
// the protocol's names for event types, results and error codes. Loaded only when the command runs.
import { ago, formatTable, isoSeconds, when } from '../../kernel/cli/common.ts';
import { errorCodeName } from '../../protocol/omaha/error-codes.ts';
import { eventResultName, eventTypeName } from '../../protocol/omaha/events.ts';
import type { HistoryEntry, InstanceRecord } from '../domain/types.ts';

/** `10 payload-hash-mismatch-error`; the stored name wins (it was decided when the code arrived). */
function errorText(code: number, name?: string): string {
  return `${code} ${name || errorCodeName(code)}`;
}

/** `3/1 update complete: success`, `grant 3602.2.0`: what happened, in the protocol's words. */
function historyEvent(e: HistoryEntry): string {
  if (e.kind === 'grant') return `update offered: ${e.version}`;
  if (e.kind === 'status') return 'status change';
  const type = e.eventType ?? 0;
  const result = e.eventResult ?? 0;
  const from = e.previousVersion ? ` (from ${e.previousVersion})` : '';
  return `${type}/${result} ${eventTypeName(type)}: ${eventResultName(result)}${from}`;
}

/** Key/value lines with the values aligned. */
function aligned(pairs: [string, string][]): string {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${`${k}:`.padEnd(width + 2)}${v}`).join('\n');
}

export function instanceLines(i: InstanceRecord, now = Date.now()): string {
  const pairs: [string, string][] = [
    ['machine id', i.machineId],
    ['alias', i.alias || '-'],
    ['ip', i.ip || '-'],
    ['version', i.version],
    ['arch', i.arch || '-'],
    ['status', `${i.status}, since ${isoSeconds(i.statusSince)} (${ago(i.statusSince, now)})`],
    ['track', i.track || '-'],
    ['group', i.group || '(unknown track)'],
    ['channel', i.channel || '-'],
    ['target', i.targetVersion || '-'],
  ];
  if (i.errorCode) pairs.push(['last error', errorText(i.errorCode, i.errorName)]);
  pairs.push(['last seen', when(i.lastCheck, now)], ['first seen', when(i.firstSeen, now)]);
  if (i.oem) pairs.push(['oem', `${i.oem}${i.oemVersion ? ` ${i.oemVersion}` : ''}`]);
  return aligned(pairs);
}

export async function historyTable(history: HistoryEntry[]): Promise<string> {
  if (history.length === 0) return 'History: none';
  const rows = history.map((e) => [
    isoSeconds(e.at),
    historyEvent(e),
    e.errorCode ? errorText(e.errorCode, e.errorName) : '',
    e.version,
    e.status ?? '',
    e.repeat > 1 ? `×${e.repeat}` : '',
  ]);
  return `History (newest first):\n${await formatTable(['when', 'event', 'error', 'version', 'status', 'repeat'], rows)}`;
}
