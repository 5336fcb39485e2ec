// Replays a group's history (oldest first) and reports every point where the semaphore's rules were
// broken: a grant while `max` slots were already held, a release of a slot not held, a fencing
// token that did not grow by one.
import type { SlotEvent } from '../../coordinator/domain/types.ts';

export interface CheckReport {
  grants: number;
  releases: number;
  /** Most holders seen at once. */
  peak: number;
  violations: string[];
}

export function checkHistory(oldestFirst: readonly SlotEvent[]): CheckReport {
  const holders = new Set<string>();
  let max = Number.NaN;
  let lastToken = 0;
  const report: CheckReport = { grants: 0, releases: 0, peak: 0, violations: [] };
  oldestFirst.forEach((e, i) => {
    const where = `event ${i} (${e.event} ${e.holder ?? ''} at ${new Date(e.at).toISOString()})`;
    switch (e.event) {
      case 'create':
      case 'configure':
      case 'pause':
      case 'resume':
        if (e.max !== undefined) max = e.max;
        break;
      case 'grant':
        report.grants++;
        if (!(holders.size < max)) report.violations.push(`${where}: granted with ${holders.size} holders and max ${max}`);
        if (holders.has(e.holder as string)) report.violations.push(`${where}: granted to a node already holding`);
        if (e.fencingToken !== lastToken + 1) report.violations.push(`${where}: fencing token ${e.fencingToken} after ${lastToken}`);
        lastToken = e.fencingToken ?? lastToken;
        holders.add(e.holder as string);
        report.peak = Math.max(report.peak, holders.size);
        break;
      case 'release':
      case 'force-unlock':
        report.releases++;
        if (!holders.delete(e.holder as string)) report.violations.push(`${where}: released a slot that was not held`);
        break;
      case 'expire':
        if (!holders.has(e.holder as string)) report.violations.push(`${where}: expired a slot that was not held`);
        if (e.freed) holders.delete(e.holder as string);
        break;
    }
  });
  return report;
}
