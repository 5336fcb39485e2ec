// One instance: what it runs, where it stands and why, its event history (error names, grants,
// status changes), newest first, and the reboot slots it held (reboot-slots.tsx).
import type { ComponentChildren } from 'preact';
import { describeEvent } from '../../../protocol/omaha/events.ts';
import { request, seg } from '../api/client.ts';
import type { Instance, InstanceHistoryEntry } from '../api/types.ts';
import { StatusBadge } from '../components/badges.tsx';
import { ago, when } from '../components/format.ts';
import { Failure, Loading } from '../components/notes.tsx';
import { heldWord, statusWord } from '../components/statuses.ts';
import { PAGE_ROUTES } from '../routes.ts';
import { useData } from '../state/use-data.ts';
import { TablePanel } from '../components/table-panel.tsx';
import { RebootSlots } from './reboot-slots.tsx';

function what(h: InstanceHistoryEntry): string {
  if (h.kind === 'grant') return `offered ${h.version}`;
  if (h.kind === 'status' || h.eventType === undefined || h.eventResult === undefined) return 'status changed';
  return describeEvent({
    eventType: h.eventType,
    eventResult: h.eventResult,
    ...(h.errorCode !== undefined ? { errorCode: h.errorCode } : {}),
    ...(h.previousVersion !== undefined ? { previousVersion: h.previousVersion } : {}),
  });
}

export function InstancePage({ app, machineid }: { app: string; machineid: string }) {
  const { data, error } = useData(
    () => request<{ instance: Instance; history: InstanceHistoryEntry[] }>(`/apps/${seg(app)}/instances/${seg(machineid)}`),
    [app, machineid],
  );
  const i = data?.instance;
  return (
    <>
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href={PAGE_ROUTES.instances}>Instances</a> / <code>{machineid}</code>
      </nav>
      <h1>
        {i?.alias || 'Instance'} {i && <StatusBadge status={i.status} />}
      </h1>
      <Failure error={error} />
      {!data && !error && <Loading what="the instance" />}
      {i && data && (
        <>
          <dl class="facts">
            <Fact name="Machine id" value={<code>{i.machineId}</code>} />
            <Fact name="Version" value={i.version} />
            <Fact name="Offered" value={i.targetVersion || 'nothing'} />
            <Fact name="Status" value={`${statusWord(i.status)} since ${ago(i.statusSince)}`} />
            {i.errorName && <Fact name="Last error" value={<span class="bad-text">{`${i.errorName} (${i.errorCode})`}</span>} />}
            {i.held && <Fact name="Held back" value={heldWord(i.held)} />}
            <Fact name="Channel" value={i.channel || '—'} />
            <Fact name="Group" value={i.group || `unknown track ${i.track}`} />
            <Fact name="Arch, OEM" value={`${i.arch} · ${i.oem || '—'}`} />
            <Fact name="IP" value={i.ip} />
            <Fact name="Last check" value={`${ago(i.lastCheck)} (${when(i.lastCheck)})`} />
            <Fact name="First seen" value={when(i.firstSeen)} />
          </dl>
          <TablePanel id="ihist-h" title="History" columns={['When', 'What', 'Version', 'Status', 'Error']}>
            {data.history.length === 0 && (
              <tr>
                <td colSpan={5} class="muted">
                  No events yet: the node only checked in.
                </td>
              </tr>
            )}
            {data.history.map((h, n) => (
              <tr key={`${h.at}-${n}`}>
                <td class="nowrap">{when(h.at)}</td>
                <td>
                  {what(h)}
                  {h.repeat > 1 && <span class="muted small"> ×{h.repeat}</span>}
                </td>
                <td>{h.version}</td>
                <td>{h.status ? <StatusBadge status={h.status} /> : ''}</td>
                <td class="bad-text">{h.errorName ?? ''}</td>
              </tr>
            ))}
          </TablePanel>
          <RebootSlots node={i.machineId} />
        </>
      )}
    </>
  );
}

function Fact({ name, value }: { name: string; value: ComponentChildren }) {
  return (
    <div>
      <dt>{name}</dt>
      <dd>{value}</dd>
    </div>
  );
}
