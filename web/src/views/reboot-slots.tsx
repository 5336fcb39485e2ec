// A node's reboot-slot history on its instance page: every slot it took and gave back (or lost),
// across reboot groups, newest first. Loaded on its own and again when reboot slots change.
import { request } from '../api/client.ts';
import type { RebootHistoryEvent } from '../api/types.ts';
import { when } from '../components/format.ts';
import { Failure } from '../components/notes.tsx';
import { slotWhat } from '../components/slot-events.ts';
import { TablePanel } from '../components/table-panel.tsx';
import { pagePath, PAGE_ROUTES } from '../routes.ts';
import { useData } from '../state/use-data.ts';

/** The server searches the newest 200 lines of each group; 100 of this node's are plenty for a page. */
const SHOWN = 100;

export function RebootSlots({ node }: { node: string }) {
  const { data, error } = useData(
    () => request<{ events: RebootHistoryEvent[] }>('/reboot-history', { query: { node, limit: SHOWN } }).then((a) => a.events),
    [node],
    'reboot',
  );
  return (
    <>
      <Failure error={error} />
      <TablePanel id="islots-h" title="Reboot slots" columns={['When', 'Group', 'What', 'Fencing token']}>
        {data === undefined && !error && (
          <tr>
            <td colSpan={4} class="muted" aria-busy="true">
              Loading the reboot slots…
            </td>
          </tr>
        )}
        {data?.length === 0 && (
          <tr>
            <td colSpan={4} class="muted">
              This node never held a reboot slot.
            </td>
          </tr>
        )}
        {data?.map((e, n) => (
          <tr key={`${e.at}-${e.group}-${n}`}>
            <td class="nowrap">{when(e.at)}</td>
            <td>
              <a href={pagePath(PAGE_ROUTES.rebootGroup, { group: e.group })}>{e.group}</a>
            </td>
            <td>{slotWhat(e)}</td>
            <td>{e.fencingToken ?? ''}</td>
          </tr>
        ))}
      </TablePanel>
    </>
  );
}
