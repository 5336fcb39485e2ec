// Builds Omaha requests byte for byte as Flatcar's update_engine does (omaha_request_action.cc):
// the same elements, attribute order, indentation and encoding, so the server sees real traffic.

/** Flatcar's application id as update_engine sends it (with braces). */
export const FLATCAR_APP_ID = '{e96281a6-d1af-4bde-9a0a-97b76e56dc57}';
export const UPDATER_VERSION = 'update_engine-0.4.10';
/** `os@version` and `os@platform` Flatcar nodes send. */
export const OS_VERSION = 'Chateau';
export const OS_PLATFORM = 'CoreOS';

/** Omaha event types and results a node sends. */
export const EventType = { updateComplete: 3, downloadStarted: 13, downloadFinished: 14 } as const;
export const EventResult = { error: 0, success: 1, successReboot: 2 } as const;

/** What one node tells the server about itself in every request. */
export interface NodeIdentity {
  appId: string;
  version: string;
  track: string;
  /** `{uuid}`, new every boot. */
  bootId: string;
  oem: string;
  oemVersion: string;
  /** First version ever installed on the node. */
  alephVersion: string;
  /** 32 lower-case hex characters. */
  machineId: string;
  machineAlias: string;
  /** `amd64-usr` or `arm64-usr`. */
  board: string;
}

export type RequestBody =
  /** A scheduled check: ping, updatecheck and the 3/2 event (or 3/0 errorcode 44 after a rollback). */
  | { kind: 'check'; previousVersion: string; rollback?: boolean; interactive?: boolean }
  /** A ping alone, sent while the node waits for its reboot. */
  | { kind: 'ping' }
  /** An event-only request; `errorCode` is sent as given (flag already applied) when result ≠ 1. */
  | { kind: 'event'; eventType: number; eventResult: number; errorCode?: number };

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Attribute-value encoding (libxml2's xmlEncodeEntitiesReentrant for the characters that matter). */
export function xmlEncode(value: string): string {
  return /[&<>"']/.test(value) ? value.replace(/[&<>"']/g, (c) => ENTITIES[c]!) : value;
}

/** `os@sp`: version and CPU name, e.g. `3510.2.0_x86_64`. */
export function servicePack(version: string, board: string): string {
  return `${version}_${board.startsWith('arm64') ? 'aarch64' : 'x86_64'}`;
}

function appBody(body: RequestBody): string {
  switch (body.kind) {
    case 'check': {
      const event = body.rollback
        ? `        <event eventtype="3" eventresult="0" errorcode="44"></event>\n`
        : `        <event eventtype="3" eventresult="2" previousversion="${xmlEncode(body.previousVersion)}"></event>\n`;
      return `        <ping active="1"></ping>\n        <updatecheck></updatecheck>\n${event}`;
    }
    case 'ping':
      return `        <ping active="1"></ping>\n`;
    case 'event': {
      const code = body.eventResult !== EventResult.success ? ` errorcode="${body.errorCode ?? 0}"` : '';
      return `        <event eventtype="${body.eventType}" eventresult="${body.eventResult}"${code}></event>\n`;
    }
  }
}

/** The full request document. */
export function buildRequest(id: NodeIdentity, body: RequestBody): string {
  const installSource = body.kind === 'check' && body.interactive ? 'ondemandupdate' : 'scheduler';
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<request protocol="3.0" version="${UPDATER_VERSION}" updaterversion="${UPDATER_VERSION}" installsource="${installSource}" ismachine="1">\n` +
    `    <os version="${OS_VERSION}" platform="${OS_PLATFORM}" sp="${xmlEncode(servicePack(id.version, id.board))}"></os>\n` +
    `    <app appid="${xmlEncode(id.appId)}" version="${xmlEncode(id.version)}" track="${xmlEncode(id.track)}" ` +
    `bootid="${xmlEncode(id.bootId)}" oem="${xmlEncode(id.oem)}" oemversion="${xmlEncode(id.oemVersion)}" ` +
    `alephversion="${xmlEncode(id.alephVersion)}" machineid="${xmlEncode(id.machineId)}" ` +
    `machinealias="${xmlEncode(id.machineAlias)}" lang="en-US" board="${xmlEncode(id.board)}" ` +
    `hardware_class="" delta_okay="false" >\n` +
    appBody(body) +
    `    </app>\n` +
    `</request>\n`
  );
}
