// Failure injection: which share of the fleet gets which fault, e.g.
// `--fail download:2,hash:1,install:1,no-return:0.5,slow-return:2,network:3` (percent of nodes).
// Each faulty node has exactly one fault; the faults and the codes they produce:
//   download 9 · hash 10 · size 11 · install 5 · rollback 44 (3/0 in the next check)
//   no-return (holds its reboot slot forever) · slow-return (10–40 min boot) · network (outage)
import { apportion, MixError, parseMix } from './mix.ts';
import { FAULT_KINDS, type FaultKind } from './node-types.ts';
import type { Random } from './random.ts';

export interface FaultShare {
  kind: FaultKind;
  /** Percent of the fleet. */
  percent: number;
}

export function parseFaults(text: string): FaultShare[] {
  if (text.trim() === '' || text.trim() === 'none') return [];
  const entries = parseMix<FaultKind>(text, '--fail', { allowed: FAULT_KINDS });
  const shares = entries.map((e) => ({ kind: e.value, percent: e.weight }));
  const total = shares.reduce((a, s) => a + s.percent, 0);
  if (total > 100) throw new MixError(`--fail: shares add up to ${total} %, more than 100 %`);
  return shares;
}

/** One fault (or null) per node, in the shares asked for, placed by the seed. */
export function assignFaults(shares: FaultShare[], n: number, rng: Random): (FaultKind | null)[] {
  const weights = [...shares.map((s) => s.percent), Math.max(0, 100 - shares.reduce((a, s) => a + s.percent, 0))];
  const counts = apportion(weights, n);
  const out: (FaultKind | null)[] = [];
  shares.forEach((s, i) => {
    for (let k = 0; k < counts[i]!; k++) out.push(s.kind);
  });
  while (out.length < n) out.push(null);
  return rng.shuffle(out);
}
