// What a client sends: requests byte for byte as Flatcar's update_engine builds them
// (omaha_request_action.cc): the same elements, attribute order, indentation and encoding. The
// simulator sends these, so the server sees real traffic; parse.ts is the server reading them.
import { ErrorCode } from './error-codes.ts';
import { EventResult, EventType } from './events.ts';

const UPDATER_VERSION = 'update_engine-0.4.10';
/** `os@version` and `os@platform` Flatcar nodes send. */
const OS_VERSION = 'Chateau';
const OS_PLATFORM = 'CoreOS';

/** What a node tells the server about itself in every request. */
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

/**
 * Attribute-value encoding (libxml2's xmlEncodeEntitiesReentrant for the characters that matter).
 * Not build.ts' escapeAttr: that one makes any string safe for the server; this one reproduces
 * update_engine's bytes.
 */
export function xmlEncode(value: string): string {
  return /[&<>"']/.test(value) ? value.replace(/[&<>"']/g, (c) => ENTITIES[c]!) : value;
}

/** `os@sp`: version and CPU name, e.g. `3510.2.0_x86_64`. */
export function servicePack(version: string, board: string): string {
  return `${version}_${board.startsWith('arm64') ? 'aarch64' : 'x86_64'}`;
}

// The event every check carries: 3/2 (with the previous version), or 3/0 with errorcode 44 after a
// rollback, which update_engine sends without the self-hosted flag.
const CHECK_EVENT = `<event eventtype="${EventType.UpdateComplete}" eventresult="${EventResult.SuccessReboot}"`;
const ROLLBACK_EVENT =
  `<event eventtype="${EventType.UpdateComplete}" eventresult="${EventResult.Error}" errorcode="${ErrorCode.RollbackError}"></event>`;

function appBody(body: RequestBody): string {
  switch (body.kind) {
    case 'check': {
      const event = body.rollback
        ? `        ${ROLLBACK_EVENT}\n`
        : `        ${CHECK_EVENT} previousversion="${xmlEncode(body.previousVersion)}"></event>\n`;
      return `        <ping active="1"></ping>\n        <updatecheck></updatecheck>\n${event}`;
    }
    case 'ping':
      return `        <ping active="1"></ping>\n`;
    case 'event': {
      const code = body.eventResult !== EventResult.Success ? ` errorcode="${body.errorCode ?? 0}"` : '';
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
