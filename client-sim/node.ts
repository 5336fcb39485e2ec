// One virtual Flatcar node: update_engine's update attempt and a reboot strategy, as a state
// machine. The fleet calls wake() when the node's time has come; wake() returns what to send (or
// null when the node moved on by itself) and the fleet hands the answer to onResult(). Each call
// leaves `dueAt` set to the next simulated instant the node wants to be woken (Infinity = never).
import type { NodeIdentity, RequestBody } from '../protocol/omaha/client-request.ts';
import { checkPingAnswer, type OfferedManifest } from '../protocol/omaha/client-response.ts';
import { ErrorCode, httpResponseErrorCode, withErrorFlags } from '../protocol/omaha/error-codes.ts';
import { EventResult, EventType } from '../protocol/omaha/events.ts';
import { parseCheckAnswer } from './omaha-response.ts';
import { fuzz } from './random.ts';
import {
  firstCheckDelay,
  fleetlockRetryDelay,
  INITIAL_INTERVAL,
  nextCheckInterval,
  NO_NETWORK_RETRIES,
  NO_NETWORK_RETRY_DELAY,
  PERIODIC_INTERVAL,
  REGULAR_FUZZ,
} from './timing.ts';
import type { ActionResult, FaultKind, NodeAction, NodeEnv, NodeState, RebootStrategy } from './node-types.ts';

/** What the node does when woken next. */
const enum Step {
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

const S = (s: number) => s * 1000;

export class VirtualNode implements NodeIdentity {
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

  private step: Step = Step.Boot;
  /** update_engine's kPrefsPreviousVersion: '' normally, the old version after an update, 'initial' when unset. */
  private previousVersionPref: string;
  /** State the node rests in between checks (restored after a failed check). */
  private restState: NodeState = 'idle';
  private lastInterval = 0;
  private pollInterval = 0;
  private httpStatus = 0;
  private noAnswerRetries = 0;
  private pendingError = 0;
  /** The pending error is an update failure (counts toward giving up) rather than a failed check. */
  private pendingIsUpdateFailure = false;
  private manifest: OfferedManifest | null = null;
  private firstCheckAt = 0;
  private nextPingAt = Infinity;
  private nextLockAt = Infinity;
  private faultLeft: number;
  private offlineFrom = Infinity;
  private offlineUntil = -Infinity;
  /** When the action in flight was sent (simulated ms). */
  private sentAt = 0;

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

  /** Called when `dueAt` has come. Returns what to send, or null when the node moved on by itself. */
  wake(env: NodeEnv): NodeAction | null {
    this.sentAt = env.now;
    switch (this.step) {
      case Step.Boot:
        return this.afterBoot(env);
      case Step.SteadyState:
        return { kind: 'fleetlock', op: 'steady-state' };
      case Step.Check:
        this.state = 'checking';
        return this.omaha({
          kind: 'check',
          previousVersion: this.previousVersionPref === 'initial' ? '0.0.0.0' : this.previousVersionPref,
          rollback: this.previousVersionPref !== '' && this.previousVersionPref === this.version,
        });
      case Step.ReportError: {
        env.sink.failure(this.pendingError);
        this.lastError = this.pendingError;
        return this.omaha({
          kind: 'event',
          eventType: EventType.UpdateComplete,
          eventResult: EventResult.Error,
          // update_engine flags every code it sends to a server other than the official one.
          errorCode: withErrorFlags(this.pendingError, 'test-omaha-url'),
        });
      }
      case Step.DownloadStarted:
        return this.omaha({ kind: 'event', eventType: EventType.UpdateDownloadStarted, eventResult: EventResult.Success });
      case Step.Download:
        return this.finishDownload(env);
      case Step.DownloadFinished:
        return this.omaha({ kind: 'event', eventType: EventType.UpdateDownloadFinished, eventResult: EventResult.Success });
      case Step.Install:
        if (this.fault === 'install' && this.useFault()) return this.fail(env, ErrorCode.PostinstallRunnerError, true);
        this.step = Step.Installed;
        this.dueAt = env.now;
        return null;
      case Step.Installed:
        return this.omaha({ kind: 'event', eventType: EventType.UpdateComplete, eventResult: EventResult.Success });
      case Step.WaitReboot:
        if (env.now >= this.nextLockAt) return { kind: 'fleetlock', op: 'pre-reboot' };
        return this.omaha({ kind: 'ping' });
      case Step.Reboot:
        return this.goDown(env);
      case Step.Booted:
        this.comeUp();
        this.boot(env);
        return null;
      case Step.Done:
        this.dueAt = Infinity;
        return null;
    }
  }

  /** The answer (or its absence) to what wake() returned. */
  onResult(env: NodeEnv, action: NodeAction, result: ActionResult): void {
    if (action.kind === 'fleetlock') return action.op === 'pre-reboot' ? this.onPreReboot(env, result) : this.onSteadyState(env, result);
    if (action.kind === 'download') return this.onDownload(env, result);
    switch (action.body.kind) {
      case 'check':
        return this.onCheck(env, result, action.body.previousVersion, action.body.rollback === true);
      case 'ping':
        checkPingAnswer(result.kind === 'http' ? result.body : '');
        return this.scheduleWait(env, true);
      case 'event':
        return this.onEventSent(env, action.body.eventType, action.body.eventResult);
    }
  }

  // --- boot and checks -------------------------------------------------------------------------

  private boot(env: NodeEnv): void {
    this.bootId = `{${env.rng.uuid()}}`;
    this.state = 'booting';
    this.step = Step.Boot;
    this.dueAt = env.now;
  }

  private afterBoot(env: NodeEnv): NodeAction | null {
    this.firstCheckAt = env.now + S(firstCheckDelay(env.rng));
    if (this.strategy === 'fleetlock') {
      // Zincati gives its slot back on every start and checks for nothing until that worked.
      this.step = Step.SteadyState;
      return { kind: 'fleetlock', op: 'steady-state' };
    }
    this.endReboot(env);
    this.scheduleFirstCheck(env);
    return null;
  }

  private scheduleFirstCheck(env: NodeEnv): void {
    this.state = this.restState;
    this.step = Step.Check;
    this.lastInterval = INITIAL_INTERVAL;
    this.dueAt = Math.max(env.now, this.firstCheckAt);
  }

  private scheduleNextCheck(env: NodeEnv): void {
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

  private onCheck(env: NodeEnv, result: ActionResult, previousVersion: string, rollback: boolean): void {
    if (result.kind === 'no-answer' && this.noAnswerRetries < NO_NETWORK_RETRIES) {
      // libcurl tries again a few times when there is no network at all.
      this.noAnswerRetries++;
      this.dueAt = env.now + S(NO_NETWORK_RETRY_DELAY);
      return;
    }
    // The stored previous version is sent once, then cleared.
    if (this.previousVersionPref !== '') this.previousVersionPref = '';
    if (result.kind !== 'http') {
      this.httpStatus = 0;
      this.pollInterval = 0;
      return this.queueError(env, httpResponseErrorCode(0), false);
    }
    this.httpStatus = result.status;
    if (result.status < 200 || result.status > 299) {
      this.pollInterval = 0;
      return this.queueError(env, httpResponseErrorCode(result.status), false);
    }
    const answer = parseCheckAnswer(result.body);
    this.pollInterval = answer.pollInterval;
    if (previousVersion !== '' && previousVersion !== '0.0.0.0' && !rollback) {
      env.sink.updateCompleted();
      this.failuresInRow = 0;
    }
    if (rollback) {
      // The check itself carried 3/0 errorcode 44.
      env.sink.failure(ErrorCode.RollbackError);
      this.lastError = ErrorCode.RollbackError;
      this.countFailure(env);
      if (this.state === 'gave-up') return;
    }
    switch (answer.kind) {
      case 'invalid':
        return this.queueError(env, answer.code, true);
      case 'noupdate':
        if (!rollback) this.failuresInRow = 0;
        this.restState = rollback ? 'failed' : 'updated';
        this.state = this.restState;
        return this.scheduleNextCheck(env);
      case 'update':
        this.manifest = answer.manifest;
        this.targetVersion = answer.manifest.version;
        this.state = 'downloading';
        this.step = Step.DownloadStarted;
        this.dueAt = env.now;
        return;
    }
  }

  /** An error found while checking or updating: report it with a 3/0 event right away. */
  private queueError(env: NodeEnv, code: number, updateFailure: boolean): void {
    this.pendingError = code;
    this.pendingIsUpdateFailure = updateFailure;
    this.step = Step.ReportError;
    this.dueAt = env.now;
  }

  private fail(env: NodeEnv, code: number, updateFailure: boolean): null {
    this.queueError(env, code, updateFailure);
    return null;
  }

  private countFailure(env: NodeEnv): void {
    this.failuresInRow++;
    if (this.failuresInRow >= env.profile.giveUpAfter) {
      this.state = 'gave-up';
      this.restState = 'gave-up';
      this.step = Step.Done;
      this.dueAt = Infinity;
    }
  }

  private onEventSent(env: NodeEnv, eventType: number, eventResult: number): void {
    // Events are best effort: update_engine ignores their answers.
    if (eventResult === EventResult.Error) {
      this.manifest = null;
      if (this.pendingIsUpdateFailure) {
        this.restState = 'failed';
        this.countFailure(env);
        if (this.state === 'gave-up') return;
      }
      this.state = this.restState;
      return this.scheduleNextCheck(env);
    }
    if (eventType === EventType.UpdateDownloadStarted) {
      const [lo, hi] = env.profile.bandwidth;
      const seconds = (this.manifest?.size ?? 0) / env.rng.between(lo, hi);
      this.step = Step.Download;
      this.dueAt = env.now + S(seconds);
      return;
    }
    if (eventType === EventType.UpdateDownloadFinished) {
      const [lo, hi] = env.profile.installSeconds;
      this.state = 'installing';
      this.step = Step.Install;
      this.dueAt = env.now + S(env.rng.between(lo, hi));
      return;
    }
    // 3/1: installed, waiting for a reboot.
    this.previousVersionPref = this.version;
    this.state = 'waiting-reboot';
    this.lastInterval = PERIODIC_INTERVAL;
    this.nextPingAt = env.now + S(fuzz(env.rng, PERIODIC_INTERVAL, REGULAR_FUZZ));
    this.nextLockAt = this.strategy === 'fleetlock' ? env.now : Infinity;
    if (this.strategy === 'reboot') {
      this.step = Step.Reboot;
      this.dueAt = env.now;
      return;
    }
    this.step = Step.WaitReboot;
    this.dueAt = Math.min(this.nextPingAt, this.nextLockAt);
  }

  // --- download --------------------------------------------------------------------------------

  private finishDownload(env: NodeEnv): NodeAction | null {
    const m = this.manifest!;
    const url = m.urls[0]!;
    if (!this.injectedDownloadError() && env.profile.fetchLocal && isLoopbackUrl(url)) {
      return { kind: 'download', url, size: m.size, sha256: m.sha256 };
    }
    this.afterDownload(env, this.injectedDownloadError() && this.useFault() ? this.downloadFaultCode() : 0);
    return null;
  }

  private onDownload(env: NodeEnv, result: ActionResult): void {
    const code = result.kind === 'download' ? result.code : ErrorCode.DownloadTransferError;
    this.afterDownload(env, code);
  }

  private afterDownload(env: NodeEnv, code: number): void {
    if (code !== 0) return this.queueError(env, code, true);
    this.step = Step.DownloadFinished;
    this.dueAt = env.now;
  }

  private injectedDownloadError(): boolean {
    return (this.fault === 'download' || this.fault === 'hash' || this.fault === 'size') && this.faultLeft > 0;
  }

  private downloadFaultCode(): number {
    if (this.fault === 'hash') return ErrorCode.PayloadHashMismatchError;
    if (this.fault === 'size') return ErrorCode.PayloadSizeMismatchError;
    return ErrorCode.DownloadTransferError;
  }

  private useFault(): boolean {
    if (this.faultLeft <= 0) return false;
    this.faultLeft--;
    return true;
  }

  // --- waiting for and doing the reboot --------------------------------------------------------

  /** Next wake while waiting: a ping and/or a FleetLock retry. `pinged` = a ping just went out. */
  private scheduleWait(env: NodeEnv, pinged: boolean): void {
    if (pinged) {
      this.nextPingAt = env.now + S(fuzz(env.rng, PERIODIC_INTERVAL, REGULAR_FUZZ));
    }
    this.step = Step.WaitReboot;
    this.dueAt = Math.min(this.nextPingAt, this.nextLockAt);
  }

  private onPreReboot(env: NodeEnv, result: ActionResult): void {
    if (result.kind === 'http' && result.status === 200) {
      this.nextLockAt = Infinity;
      this.nextPingAt = Infinity;
      this.startReboot(env);
      this.step = Step.Reboot;
      this.dueAt = env.now;
      return;
    }
    this.nextLockAt = env.now + S(fleetlockRetryDelay(env.rng));
    this.scheduleWait(env, false);
  }

  private onSteadyState(env: NodeEnv, result: ActionResult): void {
    if (result.kind === 'http' && result.status === 200) {
      this.endReboot(env, this.sentAt);
      this.scheduleFirstCheck(env);
      return;
    }
    this.dueAt = env.now + S(fleetlockRetryDelay(env.rng));
  }

  private startReboot(env: NodeEnv): void {
    if (this.inReboot) return;
    this.inReboot = true;
    env.sink.rebootStarted(this.group, env.now);
  }

  private endReboot(env: NodeEnv, at = env.now): void {
    if (!this.inReboot) return;
    this.inReboot = false;
    env.sink.rebootEnded(this.group, at);
  }

  private goDown(env: NodeEnv): null {
    this.startReboot(env);
    this.state = 'rebooting';
    this.nextPingAt = Infinity;
    this.nextLockAt = Infinity;
    if (this.fault === 'no-return' && this.useFault()) {
      this.state = 'lost';
      this.restState = 'lost';
      this.step = Step.Done;
      this.dueAt = Infinity;
      return null;
    }
    const [lo, hi] = this.fault === 'slow-return' && this.useFault() ? env.profile.slowBootSeconds : env.profile.bootSeconds;
    this.step = Step.Booted;
    this.dueAt = env.now + S(env.rng.between(lo, hi));
    return null;
  }

  /** Back from a reboot: runs the new version, unless the boot rolled back to the old one. */
  private comeUp(): void {
    const rolledBack = this.fault === 'rollback' && this.useFault();
    if (!rolledBack && this.targetVersion !== '') this.version = this.targetVersion;
    this.targetVersion = '';
    this.manifest = null;
    this.restState = 'idle';
  }

  private omaha(body: RequestBody): NodeAction {
    return { kind: 'omaha', body };
  }
}

/** True for URLs on this machine: the only ones the simulator really downloads from. */
export function isLoopbackUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return false;
  }
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
