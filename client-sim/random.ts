// Seeded randomness for the simulator: one generator per fleet so a run is reproducible from
// `--seed`. Built on pure-rand's xoroshiro128+ (mutated in place, which is what a hot loop wants).
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

export interface Random {
  /** Uniform in [0, 1). */
  float(): number;
  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number;
  /** Uniform in [min, max). */
  between(min: number, max: number): number;
  /** `n` lower-case hex characters. */
  hex(n: number): string;
  /** A random (version 4) UUID, lower case, no braces. */
  uuid(): string;
  /** Fisher-Yates shuffle in place. */
  shuffle<T>(items: T[]): T[];
}

export function createRandom(seed: number): Random {
  const rng = xoroshiro128plus(seed | 0);
  const float = () => uniformFloat64(rng);
  const hex = (n: number) => {
    let s = '';
    while (s.length < n) s += (uniformInt(rng, 0, 0xffffff) | 0x1000000).toString(16).slice(1);
    return s.slice(0, n);
  };
  return {
    float,
    int: (min, max) => uniformInt(rng, min, max),
    between: (min, max) => min + float() * (max - min),
    hex,
    uuid() {
      const h = hex(32);
      const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
    },
    shuffle(items) {
      for (let i = items.length - 1; i > 0; i--) {
        const j = uniformInt(rng, 0, i);
        const t = items[i]!;
        items[i] = items[j]!;
        items[j] = t;
      }
      return items;
    },
  };
}

/** update_engine's FuzzInt: `value` ± `range`/2, never negative. */
export function fuzz(rng: Random, value: number, range: number): number {
  return Math.max(0, value - range / 2 + rng.float() * range);
}
