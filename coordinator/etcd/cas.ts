// What a compare-and-swap means. locksmith reads the document, changes it locally and writes it
// back with prevIndex; Platte compares the written document with the current one and turns the
// difference into one coordinator operation: an id added is a take (pre-reboot), an id removed a
// give-back, a changed max a set-max. Anything else is refused as a failed compare, nothing written.
import type { Semaphore } from './document.ts';

export type CasOp =
  | { kind: 'acquire'; id: string }
  | { kind: 'release'; id: string }
  | { kind: 'set-max'; max: number }
  /** The same document written back: nothing to do. */
  | { kind: 'none' };

export type CasDecision = CasOp | { kind: 'refuse'; why: string };

/**
 * The operation `written` asks for against `current` (the document at the prevIndex the client
 * sent). Holders compare as sets. The written `semaphore` is not taken as a number of slots (the
 * group's max and holders decide): it is only checked for sense. It may be below 0 only in a set-max
 * exactly as locksmith computes it (the shown value moved by the change of max), which lowering max
 * below the holders, or while the document shows 0, gives.
 */
export function decideCas(current: Semaphore, written: Semaphore): CasDecision {
  const now = new Set(current.holders);
  const next = new Set(written.holders);
  const added = written.holders.filter((h) => !now.has(h));
  const removed = current.holders.filter((h) => !next.has(h));
  if (written.max !== current.max) {
    if (added.length > 0 || removed.length > 0) return { kind: 'refuse', why: 'a write changes either max or the holders, not both' };
    if (written.max < 1) return { kind: 'refuse', why: `max ${written.max}: a group needs at least 1 slot` };
    const locksmithValue = current.semaphore + written.max - current.max;
    if (written.semaphore < 0 && written.semaphore !== locksmithValue) {
      return { kind: 'refuse', why: `semaphore ${written.semaphore}: below 0 and not the shown ${current.semaphore} moved by the change of max` };
    }
    return { kind: 'set-max', max: written.max };
  }
  if (written.semaphore < 0) return { kind: 'refuse', why: `semaphore ${written.semaphore}: a semaphore is never below 0` };
  if (added.length + removed.length > 1) {
    return { kind: 'refuse', why: `the write adds ${added.length} and removes ${removed.length} holders; one holder is taken or given back at a time` };
  }
  if (added.length === 1) return { kind: 'acquire', id: added[0] as string };
  if (removed.length === 1) return { kind: 'release', id: removed[0] as string };
  return { kind: 'none' };
}
