// How a reboot group's history line reads: on a node's page (what happened to its slot) and in
// Activity (what an operator did to which group). `by` is `node`, `omaha`, `lease` or an operator.
import type { RebootHistoryEvent } from '../api/types.ts';

const suffix = (detail: string | undefined) => (detail ? `: ${detail}` : '');

/** "granted", "released", "lease ran out, slot freed", "force-unlocked by alice: stuck". */
export function slotWhat(e: RebootHistoryEvent): string {
  switch (e.event) {
    case 'grant':
      return 'granted';
    case 'release':
      if (e.by === 'node' || e.by === undefined) return 'released';
      if (e.by === 'omaha') return `released after the update${e.detail ? ` (${e.detail})` : ''}`;
      return `released by ${e.by}${suffix(e.detail)}`;
    case 'expire':
      return e.freed ? 'lease ran out, slot freed' : 'lease ran out, slot kept until an operator acts';
    case 'force-unlock':
      return `force-unlocked by ${e.by ?? 'an operator'}${suffix(e.detail)}`;
    default:
      return e.event;
  }
}

/** "force-unlocked node-7 in group workers", "paused group db: reason: disk swap". */
export function slotActionMessage(e: RebootHistoryEvent): string {
  const g = `group ${e.group}`;
  switch (e.event) {
    case 'force-unlock':
      return `force-unlocked ${e.holder ?? 'a node'} in ${g}${suffix(e.detail)}`;
    case 'configure':
      return `changed ${g}${suffix(e.detail)}`;
    case 'pause':
      return `paused ${g}${suffix(e.detail)}`;
    case 'resume':
      return `resumed ${g}`;
    case 'create':
      // Its max then is the defaults: the configure line written with it says what was set.
      return `created ${g}`;
    default:
      return `${slotWhat(e)}${e.holder ? ` ${e.holder}` : ''} in ${g}`;
  }
}
