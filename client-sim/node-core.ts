// What a virtual node is and carries: its identity, the state update_engine keeps between steps, and
// the transitions both halves of its life share (schedule a check, report an error, count a failed
// attempt, spend an injected fault). node-update.ts adds the update attempt over Omaha, node.ts the
// state machine that drives it and the reboot strategies.
import type { NodeIdentity } from '../protocol/omaha/client-request.ts';
import type { OfferedManifest } from '../protocol/omaha/client-response.ts';
import { fuzz } from './random.ts';
import { INITIAL_INTERVAL, nextCheckInterval } from './timing.ts';
import type { FaultKind, NodeEnv, NodeState, RebootStrategy } from './node-types.ts';

/** What the node does when woken next. */
export enum Step {
  Boot,
  SteadyState,
  Check,
  ReportError,
  DownloadStarted,
  Download,
  DownloadFinished,
  Install,
  Installed,
  WaitReboot,
  Reboot,
  Booted,
  Done,
}

export interface NodeSpec {
  index: number;
  appId: string;
  machineId: string;
  version: string;
  track: string;
  /** FleetLock reboot group. */
  group: string;
  oem: string;
  board: string;
  strategy: RebootStrategy;
  fault: FaultKind | null;
  /**
   * update_engine's stored previous version at start: '' (default) for a node that has run before,
   * 'initial' for a fresh install (its first check then says previousversion="0.0.0.0").
   */
  previousVersion?: string;
}

/** Seconds of simulated time → milliseconds. */
export const S = (s: number) => s * 1000;

export abstract class NodeCore implements NodeIdentity {
  readonly index: number;
  readonly appId: string;
  readonly machineId: string;
  readonly machineAlias = '';
  readonly track: string;
  readonly group: string;
  readonly oem: string;
  readonly oemVersion = '';
  readonly board: string;
  readonly alephVersion: string;
  readonly strategy: RebootStrategy;
  readonly fault: FaultKind | null;
  version: string;
  bootId = '';
  state: NodeState = 'booting';
  /** Next simulated instant (ms) the node wants to be woken. */
  dueAt = 0;
  /** Number of update attempts that failed in a row. */
  failuresInRow = 0;
  /** Last code reported in a 3/0 event (flag stripped), 0 when none. */
  lastError = 0;
  /** Version offered by the server and being installed / installed. */
  targetVersion = '';
  /** Holds its reboot: from slot grant (or reboot start) until it is back and released. */
  inReboot = false;

  protected step: Step = Step.Boot;
  /** update_engine's kPrefsPreviousVersion: '' normally, the old version after an update, 'initial' when unset. */
  protected previousVersionPref: string;
  /** State the node rests in between checks (restored after a failed check). */
  protected restState: NodeState = 'idle';
  protected lastInterval = 0;
  protected pollInterval = 0;
  protected httpStatus = 0;
  protected noAnswerRetries = 0;
  protected pendingError = 0;
  /** The pending error is an update failure (counts toward giving up) rather than a failed check. */
  protected pendingIsUpdateFailure = false;
  protected manifest: OfferedManifest | null = null;
  protected firstCheckAt = 0;
  protected nextPingAt = Infinity;
  protected nextLockAt = Infinity;
  protected faultLeft: number;
  private offlineFrom = Infinity;
  private offlineUntil = -Infinity;
  /** When the action in flight was sent (simulated ms). */
  protected sentAt = 0;

  constructor(spec: NodeSpec) {
    this.index = spec.index;
    this.appId = spec.appId;
    this.machineId = spec.machineId;
    this.version = spec.version;
    this.alephVersion = spec.version;
    this.track = spec.track;
    this.group = spec.group;
    this.oem = spec.oem;
    this.board = spec.board;
    this.strategy = spec.strategy;
    this.fault = spec.fault;
    this.previousVersionPref = spec.previousVersion ?? '';
    this.faultLeft = 0;
  }

  /** Boots the node for the first time, `delayMs` after `env.now`. */
  start(env: NodeEnv, delayMs = 0): void {
    this.faultLeft = this.fault === null ? 0 : env.profile.stickyFaults ? Infinity : 1;
    if (this.fault === 'network') {
      const { within, length } = env.profile.outage;
      this.offlineFrom = env.now + S(env.rng.between(0, within));
      this.offlineUntil = this.offlineFrom + S(env.rng.between(length[0], length[1]));
    }
    this.boot(env);
    this.dueAt = env.now + delayMs;
  }

  /** True while the node's own network is down (its requests never leave it). */
  isOffline(now: number): boolean {
    return now >= this.offlineFrom && now < this.offlineUntil;
  }

  /**
   * The fleet counts this node as finished: nothing more will change without outside help. A node
   * on the channel's version stays settled during its routine checks.
   */
  get settled(): boolean {
    const s = this.state;
    if (s === 'updated' || s === 'gave-up' || s === 'lost') return true;
    if (s === 'checking') return this.restState === 'updated';
    return s === 'waiting-reboot' && this.strategy === 'off';
  }

  /** The state a summary reports: a settled node in a routine check is reported as what it rests in. */
  get outcome(): NodeState {
    return this.state === 'checking' && this.settled ? this.restState : this.state;
  }

  protected boot(env: NodeEnv): void {
    this.bootId = `{${env.rng.uuid()}}`;
    this.state = 'booting';
    this.step = Step.Boot;
    this.dueAt = env.now;
  }

  protected scheduleFirstCheck(env: NodeEnv): void {
    this.state = this.restState;
    this.step = Step.Check;
    this.lastInterval = INITIAL_INTERVAL;
    this.dueAt = Math.max(env.now, this.firstCheckAt);
  }

  protected scheduleNextCheck(env: NodeEnv): void {
    const { interval, fuzz: range } = nextCheckInterval({
      lastInterval: this.lastInterval,
      pollInterval: this.pollInterval,
      httpStatus: this.httpStatus,
    });
    this.lastInterval = interval;
    this.noAnswerRetries = 0;
    this.step = Step.Check;
    this.dueAt = env.now + S(fuzz(env.rng, interval, range));
  }

  /** An error found while checking or updating: report it with a 3/0 event right away. */
  protected queueError(env: NodeEnv, code: number, updateFailure: boolean): void {
    this.pendingError = code;
    this.pendingIsUpdateFailure = updateFailure;
    this.step = Step.ReportError;
    this.dueAt = env.now;
  }

  protected fail(env: NodeEnv, code: number, updateFailure: boolean): null {
    this.queueError(env, code, updateFailure);
    return null;
  }

  protected countFailure(env: NodeEnv): void {
    this.failuresInRow++;
    if (this.failuresInRow >= env.profile.giveUpAfter) {
      this.state = 'gave-up';
      this.restState = 'gave-up';
      this.step = Step.Done;
      this.dueAt = Infinity;
    }
  }

  /** Spends one use of the injected fault: true when it strikes this time. */
  protected useFault(): boolean {
    if (this.faultLeft <= 0) return false;
    this.faultLeft--;
    return true;
  }
}
