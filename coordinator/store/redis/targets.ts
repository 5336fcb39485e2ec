// The version the Omaha side last offered each machine: a key per machine whose TTL
// (`targetTtlSeconds`) does the forgetting. A slot's holder is shown with the version it is going to.
import type { SlotStore } from '../types.ts';
import type { SlotRedisContext } from './context.ts';

export function targetOps(ctx: SlotRedisContext): Pick<SlotStore, 'rememberTarget' | 'targetsOf'> {
  const { redis, keys } = ctx;
  return {
    async rememberTarget(machine, version) {
      await redis.set(keys.target(machine), version, 'EX', ctx.opts.targetTtlSeconds);
    },
    async targetsOf(machines) {
      const versions = await Promise.all(machines.map((m) => redis.get(keys.target(m))));
      const out = new Map<string, string>();
      machines.forEach((m, i) => {
        const v = versions[i];
        if (v) out.set(m, v);
      });
      return out;
    },
  };
}
