// One virtual Flatcar node: update_engine's update attempt and a reboot strategy, as a state
// machine. The fleet calls wake() when the node's time has come; wake() returns what to send (or
// null when the node moved on by itself) and the fleet hands the answer to onResult(). Each call
// leaves `dueAt` set to the next simulated instant the node wants to be woken (Infinity = never).
// The update attempt itself is node-update.ts; this file adds the dispatch and the reboot: right
// away, never (`off`), or once a FleetLock slot is granted (Zincati).
import { checkPingAnswer } from '../protocol/omaha/client-response.ts';
import { EventType } from '../protocol/omaha/events.ts';
import { S, Step } from './node-core.ts';
import { UpdatingNode } from './node-update.ts';
import type { ActionResult, NodeAction, NodeEnv } from './node-types.ts';
import { fuzz } from './random.ts';
import { firstCheckDelay, fleetlockRetryDelay, PERIODIC_INTERVAL, REGULAR_FUZZ } from './timing.ts';

export class VirtualNode extends UpdatingNode {
  /** Called when `dueAt` has come. Returns what to send, or null when the node moved on by itself. */
  wake(env: NodeEnv): NodeAction | null {
    this.sentAt = env.now;
    switch (this.step) {
      case Step.Boot:
        return this.afterBoot(env);
      case Step.SteadyState:
        return { kind: 'fleetlock', op: 'steady-state' };
      case Step.Check:
        return this.check();
      case Step.ReportError:
        return this.reportError(env);
      case Step.DownloadStarted:
        return this.successEvent(EventType.UpdateDownloadStarted);
      case Step.Download:
        return this.finishDownload(env);
      case Step.DownloadFinished:
        return this.successEvent(EventType.UpdateDownloadFinished);
      case Step.Install:
        return this.install(env);
      case Step.Installed:
        return this.successEvent(EventType.UpdateComplete);
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

  // --- waiting for and doing the reboot --------------------------------------------------------

  protected override waitForReboot(env: NodeEnv): void {
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
}
