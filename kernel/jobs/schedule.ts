// When a periodic job is due. Cron patterns are read by cron-parser, pinned to the version BullMQ
// uses, so a pattern means the same moments on the embedded store as on Redis.
import { CronExpressionParser } from 'cron-parser';
import type { Schedule } from './runner.ts';

/** Refuses a period or pattern that could never run, on both runners, when the job is scheduled. */
export function checkSchedule(name: string, schedule: Schedule): void {
  if (typeof schedule === 'number') {
    if (!(Number.isInteger(schedule) && schedule > 0)) throw new Error(`job ${name}: the period must be a positive whole number of ms, got ${schedule}`);
    return;
  }
  try {
    CronExpressionParser.parse(schedule);
  } catch (err) {
    throw new Error(`job ${name}: cron pattern ${JSON.stringify(schedule)}: ${(err as Error).message}`);
  }
}

/**
 * The first due time strictly after `now` for a run that was due at `lastDue`: for a period, the
 * next multiple of it counted from `lastDue` (periods missed while the process stalled are skipped,
 * not caught up in a burst); for a pattern, its next moment after `now`.
 */
export function nextDue(schedule: Schedule, lastDue: number, now: number): number {
  if (typeof schedule === 'number') return lastDue + schedule * (Math.floor(Math.max(0, now - lastDue) / schedule) + 1);
  return CronExpressionParser.parse(schedule, { currentDate: new Date(Math.max(lastDue, now)) }).next().getTime();
}

/** When a schedule first runs: a period at once (as BullMQ's `every` does), a pattern at its next moment. */
export function firstDue(schedule: Schedule, now: number): number {
  return typeof schedule === 'number' ? now : CronExpressionParser.parse(schedule, { currentDate: new Date(now) }).next().getTime();
}
