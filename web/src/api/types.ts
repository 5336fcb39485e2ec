// The shapes of the API answers the page reads (the server's own types live in layers the page
// may not import; these list only the fields the page uses).

export type Role = 'admin' | 'release' | 'read-only';

export interface SessionInfo {
  role: Role;
  name: string;
  /** Sent as X-Platte-CSRF on every change; null when signed in by bearer token. */
  csrf: string | null;
}

export interface App {
  id: string;
  name: string;
}

export interface Channel {
  appId: string;
  name: string;
  version: string | null;
  updatedAt: number;
  updatedBy: string;
  rollout: { status: RolloutState; version: string; stepIndex?: number; plan?: { kind: string; steps?: { percent: number }[] } } | null;
}

/** channel or group → version → status → count */
export type CountTree = Record<string, Record<string, Record<string, number>>>;

export interface Summary {
  instances: number;
  byVersion: Record<string, number>;
  byStatus: Record<string, number>;
  byChannel: CountTree;
  byGroup: CountTree;
  unknownTracks: Record<string, number>;
  /** channel → why idle nodes behind their channel got no update → nodes. */
  heldBack: Record<string, Record<string, number>>;
  /** channel → version → nodes holding a reboot slot while installed (a part of `installed`). */
  rebooting: Record<string, Record<string, number>>;
}

export type RolloutState = 'running' | 'paused' | 'halted' | 'completed' | 'aborted';

export interface RolloutStep {
  index: number;
  percent: number;
  soak: number;
  successThreshold: number | null;
  state: 'done' | 'open' | 'pending';
  openedAt: number | null;
}

export interface RolloutHistoryEntry {
  at: number;
  action: string;
  from: RolloutState | null;
  to: RolloutState;
  by: string;
  why: string;
  stepIndex: number;
}

export interface Rollout {
  appId: string;
  channel: string;
  state: RolloutState;
  version: string;
  previousVersion: string | null;
  percent: number;
  stepIndex: number;
  plan: { kind: 'steps' | 'linear'; haltOn: { failures?: number; failurePercent?: number } };
  steps: RolloutStep[];
  waiting: { for: string; until: number | null } | null;
  /** `rebooting` is a part of `installed` (holding a reboot slot now). */
  counts: Record<string, number> & { granted: number; eligible?: number; rebooting?: number };
  /** The channel's idle nodes behind the version, by why they get no update. */
  heldBack?: Record<string, number>;
  /** `byCode`: error events by update_engine error code (code null: the codes it has no name for). */
  failures: { total: number; counted: number; byKind: Record<string, number>; byCode?: { code: number | null; name: string; count: number }[] };
  haltReason: string | null;
  pulled: boolean;
  startedAt: number;
  finishedAt: number | null;
  history: RolloutHistoryEntry[];
}

export interface Holder {
  id: string;
  since: string;
  leaseUntil: string;
  leaseLeftSeconds: number;
  expired: boolean;
  fencingToken: number;
  targetVersion: string | null;
}

export interface WindowInfo {
  text: string;
}

export interface RebootGroup {
  group: string;
  max: number;
  available: number;
  paused: boolean;
  pauseReason: string | null;
  lease: { seconds: number; text: string; onExpiry: 'hold' | 'release' };
  windows: WindowInfo[];
  windowOpen: boolean;
  windowClosesAt: string | null;
  nextWindow: { at: string; local: string } | null;
  holders: Holder[];
  waiting: { id: string; lastSeen: string; reason: string }[];
  history: { at: string; event: string; holder?: string; by?: string; detail?: string; fencingToken?: number }[];
}

export interface Instance {
  appId: string;
  machineId: string;
  alias: string;
  ip: string;
  version: string;
  track: string;
  group: string;
  channel: string;
  arch: string;
  oem: string;
  status: string;
  targetVersion: string;
  errorCode: number;
  errorName: string;
  held: string;
  firstSeen: number;
  lastCheck: number;
  statusSince: number;
}

export interface InstanceHistoryEntry {
  at: number;
  kind: 'event' | 'grant' | 'status';
  eventType?: number;
  eventResult?: number;
  errorCode?: number;
  errorName?: string;
  previousVersion?: string;
  version: string;
  status?: string;
  repeat: number;
}

export interface ActivityEntry {
  at: number;
  kind: string;
  actor: string;
  message: string;
}

/** One line of a reboot group's history, from the history across groups (GET /reboot-history). */
export interface RebootHistoryEvent {
  group: string;
  at: string;
  event: string;
  holder?: string;
  fencingToken?: number;
  /** `node`, `omaha`, `lease` or an operator's token name. */
  by?: string;
  detail?: string;
  max?: number;
  /** Expire lines: whether the slot was freed (policy release) or kept (hold). */
  freed?: boolean;
}
