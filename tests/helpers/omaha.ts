// Builds update_engine-shaped requests for tests and reads answers back with xml2js.
import { parseStringPromise } from 'xml2js';
import { FLATCAR } from './platte.ts';

export interface TestEvent {
  type: number;
  result: number;
  errorcode?: number;
  previousversion?: string;
}

export interface ReqOpts {
  appid?: string;
  version?: string;
  track?: string;
  machineid?: string;
  board?: string;
  ping?: boolean;
  updatecheck?: boolean;
  events?: TestEvent[];
  protocol?: string;
  alias?: string;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export function ueRequest(o: ReqOpts = {}): string {
  const ev = (o.events ?? [])
    .map(
      (e) =>
        `<event eventtype="${e.type}" eventresult="${e.result}"${e.errorcode !== undefined ? ` errorcode="${e.errorcode}"` : ''}${
          e.previousversion !== undefined ? ` previousversion="${esc(e.previousversion)}"` : ''
        }></event>`,
    )
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<request protocol="${o.protocol ?? '3.0'}" version="update_engine-0.4.10" updaterversion="update_engine-0.4.10" installsource="scheduler" ismachine="1">
<os version="Chateau" platform="CoreOS" sp="${o.version ?? '3510.2.0'}_x86_64"></os>
<app appid="${esc(o.appid ?? FLATCAR)}" version="${esc(o.version ?? '3510.2.0')}" track="${esc(o.track ?? 'stable')}" bootid="{965fb4c5-ad3e-4eb7-a4c2-ca0c0e31ec84}" oem="ami" oemversion="0.1.1-r1" alephversion="3374.2.0" machineid="${esc(o.machineid ?? 'abce671d61774703ac7be60715220bfe')}" machinealias="${esc(o.alias ?? '')}" lang="en-US" board="${esc(o.board ?? 'amd64-usr')}" hardware_class="" delta_okay="false">
${o.ping === false ? '' : '<ping active="1"></ping>'}${o.updatecheck === false ? '' : '<updatecheck></updatecheck>'}${ev}
</app>
</request>`;
}

export interface AppAnswer {
  appid: string;
  status: string;
  ping?: string;
  updatecheck?: string;
  pollInterval?: string;
  manifestVersion?: string;
  codebase?: string;
  packages: Record<string, string>[];
  actions: Record<string, string>[];
  events: number;
}

type X = Record<string, unknown> & { $?: Record<string, string> };

export async function readAnswer(xml: string): Promise<{ protocol: string; daystart?: string; apps: AppAnswer[] }> {
  const doc = (await parseStringPromise(xml)) as { response: X };
  const r = doc.response;
  const apps = ((r.app as X[]) ?? []).map((a) => {
    const uc = (a.updatecheck as X[] | undefined)?.[0];
    const manifest = (uc?.manifest as X[] | undefined)?.[0];
    const pkgs = (((manifest?.packages as X[] | undefined)?.[0]?.package as X[]) ?? []).map((p) => p.$ ?? {});
    const actions = (((manifest?.actions as X[] | undefined)?.[0]?.action as X[]) ?? []).map((p) => p.$ ?? {});
    const url = ((uc?.urls as X[] | undefined)?.[0]?.url as X[] | undefined)?.[0];
    return {
      appid: a.$?.appid ?? '',
      status: a.$?.status ?? '',
      ping: (a.ping as X[] | undefined)?.[0]?.$?.status,
      updatecheck: uc?.$?.status,
      pollInterval: uc?.$?.PollInterval,
      manifestVersion: manifest?.$?.version,
      codebase: url?.$?.codebase,
      packages: pkgs,
      actions,
      events: ((a.event as X[]) ?? []).length,
    } as AppAnswer;
  });
  return { protocol: r.$?.protocol ?? '', daystart: ((r.daystart as X[]) ?? [])[0]?.$?.elapsed_seconds, apps };
}
