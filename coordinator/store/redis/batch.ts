// Group commit for the Redis slot store: calls for one group are sent to Redis in batches (apply.ts
// applies one). A group with nothing on its way to Redis sends at the end of the current tick (no
// added latency); while batches are on their way, calls gather until the event loop has handled
// the I/O that is ready, then go as one batch.
import { runBatch, type Call, type CallKind, type CallOutcome } from './apply.ts';
import type { SlotRedisContext } from './context.ts';

/** Calls one batch carries at most; more go in the next batch. */
const MAX_BATCH = 256;

export function createBatcher(ctx: SlotRedisContext) {
  /** Per group: calls waiting for the next batch, and how many batches are on their way. */
  const lanes = new Map<string, { queue: Call[]; inFlight: number }>();

  /** Sends the group's queued calls, MAX_BATCH at a time. */
  function flush(group: string): void {
    const lane = lanes.get(group);
    if (!lane) return;
    while (lane.queue.length > 0) {
      lane.inFlight++;
      void runBatch(ctx, group, lane.queue.splice(0, MAX_BATCH)).finally(() => {
        if (--lane.inFlight === 0 && lane.queue.length === 0) lanes.delete(group);
      });
    }
  }

  /** Queues one call for the group's next batch; resolves with its reply. */
  function submit(group: string, kind: CallKind, id: string, now: number, by = '', detail = ''): Promise<CallOutcome> {
    return new Promise<CallOutcome>((resolve, reject) => {
      let lane = lanes.get(group);
      if (!lane) {
        lane = { queue: [], inFlight: 0 };
        lanes.set(group, lane);
      }
      if (lane.queue.length === 0) {
        if (lane.inFlight === 0) process.nextTick(flush, group);
        else setImmediate(flush, group);
      }
      lane.queue.push({ kind, id, now, by, detail, resolve, reject });
    });
  }

  return { submit };
}
