// The version the Omaha side last offered each machine, remembered for `targetTtlSeconds`: a
// slot's holder is shown with the version it is going to.
import type { SlotStore } from '../types.ts';
import type { EmbeddedContext } from './context.ts';

export function targetOps(ctx: EmbeddedContext): Pick<SlotStore, 'rememberTarget' | 'targetsOf'> {
  const { q } = ctx;
  return {
    async rememberTarget(machine, version, now) {
      q.putTarget.run(machine, version, now);
    },
    async targetsOf(machines, now) {
      const out = new Map<string, string>();
      const since = oldestKept(ctx, now);
      for (const m of machines) {
        const r = q.target.get(m, since);
        if (r) out.set(m, r.version);
      }
      return out;
    },
  };
}

/** Forgets the targets older than the TTL; run with the lease sweep. */
export function dropOldTargets(ctx: EmbeddedContext, now: number): void {
  ctx.q.dropOldTargets.run(oldestKept(ctx, now));
}

function oldestKept(ctx: EmbeddedContext, now: number): number {
  return now - ctx.opts.targetTtlSeconds * 1000;
}
