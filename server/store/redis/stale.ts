// Marking instances stale on Redis: one read script lists the next instances of the last-check index
// past the app's watermark and before the cutoff (staleCandidates-2.lua, so no sweep rescans the
// fleet), then one markStale script per node (its keys name the machine), all sent in one pipeline,
// each re-checking the node's last check and flag, and last the watermark moves past the batch
// (staleMark-1.lua). A node that checked in meanwhile is left alone and, with its newer last check,
// is past the watermark when it next goes quiet.
import type { InstanceStore } from '../types.ts';
import { num } from './codec.ts';
import type { RedisContext } from './context.ts';
import { ReplyCode } from '../../../kernel/storage/redis/reply-codes.ts';
import { runScript } from '../../../kernel/storage/redis/scripts.ts';

export function createStaleMarks({ redis, keys }: RedisContext): InstanceStore['markStale'] {
  return async function markStale(appId, lastCheckBefore, limit) {
    const n = Math.floor(limit);
    if (!(n > 0)) return 0;
    const index = keys.instanceIndex(appId);
    const flat = await runScript<string[]>(redis, 'staleCandidates', [index, keys.app(appId)], [n, lastCheckBefore]);
    const ids: string[] = [];
    const scores: number[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      ids.push(flat[i]!);
      scores.push(num(flat[i + 1]));
    }
    const replies = await Promise.all(
      ids.map((m) => runScript<number>(redis, 'markStale', [index, keys.instance(appId, m), keys.counters(appId)], [m, lastCheckBefore])),
    );
    // A full batch may stop inside the range: resume right after its last node. Otherwise the whole
    // range before the cutoff was looked at.
    const full = ids.length === n;
    await runScript<number>(redis, 'staleMark', [keys.app(appId)], full ? [scores.at(-1)!, ids.at(-1)!] : [lastCheckBefore, '']);
    return replies.filter((r) => r === ReplyCode.ok).length;
  };
}
