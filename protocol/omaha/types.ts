// Typed Omaha v3 documents. parse.ts turns request XML into OmahaRequest; build.ts turns an
// OmahaResponse into XML. Nothing here knows about stores or decisions.

export interface OmahaEvent {
  eventType: number;
  eventResult: number;
  /** Raw `errorcode` as sent (may carry the 1<<28 flag); undefined when absent. */
  errorCode?: number;
  /** `previousversion` as sent; undefined when absent, '' when empty. */
  previousVersion?: string;
}

export interface OmahaAppRequest {
  /** appid exactly as sent (echoed back verbatim); '' when missing. */
  appIdRaw: string;
  /** Every attribute of <app> as sent, for the ones not lifted below. */
  attrs: Record<string, string>;
  version: string;
  track: string;
  bootId: string;
  machineId: string;
  machineAlias: string;
  oem: string;
  oemVersion: string;
  alephVersion: string;
  board: string;
  lang: string;
  /** <ping> present. */
  ping: boolean;
  /** <updatecheck> present. */
  updateCheck: boolean;
  /** updatecheck@targetversionprefix when sent. */
  targetVersionPrefix?: string;
  events: OmahaEvent[];
}

export interface OmahaRequest {
  /** request@protocol, e.g. "3.0". */
  protocol: string;
  /** request@version / updaterversion. */
  updaterVersion: string;
  installSource: string;
  os: { platform: string; version: string; sp: string; arch: string };
  apps: OmahaAppRequest[];
}

export type AppStatus = 'ok' | 'restricted' | 'error-unknownApplication' | 'error-invalidAppId';

export type UpdateCheckStatus =
  | 'ok'
  | 'noupdate'
  | 'error-internal'
  | 'error-hash'
  | 'error-osnotsupported'
  | 'error-hwnotsupported'
  | 'error-unsupportedProtocol';

export interface ManifestPackage {
  name: string;
  size: number;
  /** SHA-1 base64 (`hash`), omitted when unknown. */
  sha1?: string;
  /** SHA-256 hex (`hash_sha256`), given on extra packages. */
  sha256Hex?: string;
  required: boolean;
}

export interface UpdateManifest {
  version: string;
  /** Base URLs; build.ts makes sure each codebase ends with `/`. */
  urls: string[];
  /** The first one is the main payload. */
  packages: ManifestPackage[];
  /** SHA-256 of the main payload, base64 (postinstall action). */
  sha256: string;
}

export interface OmahaAppResponse {
  /** Echo of the appid exactly as received. */
  appIdRaw: string;
  status: AppStatus;
  /** Answer a <ping> with <ping status="ok"/>. */
  ping: boolean;
  updateCheck?: {
    status: UpdateCheckStatus;
    manifest?: UpdateManifest;
    /** Seconds; sent as PollInterval when set. */
    pollInterval?: number;
  };
  /** Number of <event status="ok"/> acknowledgements (one per event received). */
  events: number;
}

export interface OmahaResponse {
  /** Seconds since local midnight for <daystart elapsed_seconds>. */
  daystartElapsedSeconds: number;
  apps: OmahaAppResponse[];
}
