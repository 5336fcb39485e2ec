// Which version a node is offered, given floors, pulled versions and downgrades, and whether a
// promotion is allowed. Versions compare as Flatcar's do (version.ts: 3510.2 == 3510.2.0).
//   Floors: versions a node must pass through; a node below one is offered the lowest floor above
//     its version first, one per check, until it reaches the target.
//   Pulled: never offered again. A pulled floor is skipped: pulling a floor is the release manager
//     saying nodes must not run it, and a floor that nobody may take would strand every node below it.
//   Downgrade: promoting an older version is refused unless allowDowngrade; with it, nodes above the
//     target are offered the older version.
import { compareVersions } from '../version.ts';

export interface ReleaseFacts {
  /** The version the node's group follows (its channel's, or the group's pin); null: none. */
  target: string | null;
  floors: readonly string[];
  pulled: readonly string[];
  /** The target was promoted with allowDowngrade: nodes above it are offered it. */
  allowDowngrade: boolean;
}

export type Offer =
  | { offer: string; via: 'target' | 'floor' | 'downgrade' }
  | { none: 'no-version' | 'up-to-date' | 'pulled' };

export function isPulled(pulled: readonly string[], version: string): boolean {
  return pulled.some((p) => compareVersions(p, version) === 0);
}

/** The lowest floor strictly between the node's version and the target that is not pulled. */
export function nextFloor(nodeVersion: string, target: string, floors: readonly string[], pulled: readonly string[]): string | null {
  let best: string | null = null;
  for (const f of floors) {
    if (compareVersions(f, nodeVersion) <= 0 || compareVersions(f, target) >= 0 || isPulled(pulled, f)) continue;
    if (best === null || compareVersions(f, best) < 0) best = f;
  }
  return best;
}

/** What to offer a node that runs `nodeVersion`. */
export function chooseOffer(nodeVersion: string, facts: ReleaseFacts): Offer {
  const { target } = facts;
  if (target === null) return { none: 'no-version' };
  const order = compareVersions(nodeVersion, target);
  if (order < 0) {
    const floor = nextFloor(nodeVersion, target, facts.floors, facts.pulled);
    if (floor !== null) return { offer: floor, via: 'floor' };
  }
  if (order === 0 || (order > 0 && !facts.allowDowngrade)) return { none: 'up-to-date' };
  if (isPulled(facts.pulled, target)) return { none: 'pulled' };
  return order < 0 ? { offer: target, via: 'target' } : { offer: target, via: 'downgrade' };
}

export type PromotionCheck = { ok: true; downgrade: boolean } | { refused: 'pulled' | 'downgrade'; message: string };

/** May the channel now at `current` be promoted to `next`? */
export function checkPromotion(input: { current: string | null; next: string; pulled: readonly string[]; allowDowngrade: boolean }): PromotionCheck {
  if (isPulled(input.pulled, input.next)) return { refused: 'pulled', message: `${input.next} was pulled and is never offered again` };
  const downgrade = input.current !== null && compareVersions(input.next, input.current) < 0;
  if (downgrade && !input.allowDowngrade) {
    return { refused: 'downgrade', message: `${input.next} is older than the channel's ${input.current}; give allowDowngrade: true to offer the older version to the nodes above it` };
  }
  return { ok: true, downgrade };
}
