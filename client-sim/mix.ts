// Weighted mixes given on the command line: `3510.2.0` (everyone) or `3510.2.0:70,3374.2.0:30`.
// A mix is spread over a fleet in exact proportions (largest remainder), then shuffled by the seed.
import type { Random } from './random.ts';

export interface MixEntry<T extends string = string> {
  value: T;
  weight: number;
}

export class MixError extends Error {}

/**
 * Parses `value[:weight][,value[:weight]...]`. A missing weight is 1. `allowed` restricts values;
 * `check` validates each value (returns an error message or null).
 */
export function parseMix<T extends string = string>(
  text: string,
  what: string,
  opts: { allowed?: readonly T[]; check?: (value: string) => string | null } = {},
): MixEntry<T>[] {
  const entries: MixEntry<T>[] = [];
  for (const part of text.split(',')) {
    const item = part.trim();
    if (item === '') throw new MixError(`${what}: empty entry in "${text}"`);
    const colon = item.lastIndexOf(':');
    const value = (colon < 0 ? item : item.slice(0, colon)).trim();
    const weightText = colon < 0 ? '1' : item.slice(colon + 1).trim();
    const weight = Number(weightText);
    if (value === '') throw new MixError(`${what}: missing value in "${item}"`);
    if (weightText === '' || !Number.isFinite(weight) || weight < 0) {
      throw new MixError(`${what}: weight of "${value}" must be a number ≥ 0, got "${weightText}"`);
    }
    if (opts.allowed && !opts.allowed.includes(value as T)) {
      throw new MixError(`${what}: "${value}" is not one of ${opts.allowed.join(', ')}`);
    }
    const problem = opts.check?.(value);
    if (problem) throw new MixError(`${what}: ${problem}`);
    if (entries.some((e) => e.value === value)) throw new MixError(`${what}: "${value}" given twice`);
    entries.push({ value: value as T, weight });
  }
  if (!entries.some((e) => e.weight > 0)) throw new MixError(`${what}: all weights are 0`);
  return entries;
}

/** Counts per entry for `n` items: proportional to the weights, summing to exactly `n`. */
export function apportion(weights: number[], n: number): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (total > 0 ? (w / total) * n : 0));
  const counts = exact.map(Math.floor);
  let left = n - counts.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({ i, frac: x - Math.floor(x) })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    counts[i]!++;
    left--;
  }
  return counts;
}

/** `n` values in the mix's proportions, in a seeded random order. */
export function spread<T extends string>(mix: MixEntry<T>[], n: number, rng: Random): T[] {
  const counts = apportion(
    mix.map((e) => e.weight),
    n,
  );
  const out: T[] = [];
  mix.forEach((e, i) => {
    for (let k = 0; k < counts[i]!; k++) out.push(e.value);
  });
  return rng.shuffle(out);
}
