// A virtual node's update attempt over Omaha, as update_engine runs it: the check and what its
// answer says, the progress events (13/1, 14/1, 3/1), the download (really fetched from a loopback
// URL, otherwise timed from the profile's bandwidth), the install, and the 3/0 event of an error.
// Installed, the node hands over to its reboot strategy (node.ts).
import type { RequestBody } from '../protocol/omaha/client-request.ts';
import { ErrorCode, httpResponseErrorCode, withErrorFlags } from '../protocol/omaha/error-codes.ts';
import { EventResult, EventType } from '../protocol/omaha/events.ts';
import { NodeCore, S, Step } from './node-core.ts';
import type { ActionResult, NodeAction, NodeEnv } from './node-types.ts';
import { parseCheckAnswer } from './omaha-response.ts';
import { NO_NETWORK_RETRIES, NO_NETWORK_RETRY_DELAY } from './timing.ts';

export abstract class UpdatingNode extends NodeCore {
  /** 3/1 was sent: the update is installed and the reboot strategy takes over. */
  protected abstract waitForReboot(env: NodeEnv): void;

  /** The scheduled check, with the stored previous version (and the rollback it may reveal). */
  protected check(): NodeAction {
    this.state = 'checking';
    return this.omaha({
      kind: 'check',
      previousVersion: this.previousVersionPref === 'initial' ? '0.0.0.0' : this.previousVersionPref,
      rollback: this.previousVersionPref !== '' && this.previousVersionPref === this.version,
    });
  }

  /** The 3/0 event of the pending error. */
  protected reportError(env: NodeEnv): NodeAction {
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

  /** A progress event: download started (13/1) or finished (14/1), or installed (3/1). */
  protected successEvent(eventType: number): NodeAction {
    return this.omaha({ kind: 'event', eventType, eventResult: EventResult.Success });
  }

  protected install(env: NodeEnv): null {
    if (this.fault === 'install' && this.useFault()) return this.fail(env, ErrorCode.PostinstallRunnerError, true);
    this.step = Step.Installed;
    this.dueAt = env.now;
    return null;
  }

  protected omaha(body: RequestBody): NodeAction {
    return { kind: 'omaha', body };
  }

  protected onCheck(env: NodeEnv, result: ActionResult, previousVersion: string, rollback: boolean): void {
    if (result.kind === 'no-answer' && this.noAnswerRetries < NO_NETWORK_RETRIES) {
      // libcurl tries again a few times when there is no network at all.
      this.noAnswerRetries++;
      this.dueAt = env.now + S(NO_NETWORK_RETRY_DELAY);
      return;
    }
    // The stored previous version is sent once, then cleared. The update is complete from then on,
    // whatever becomes of this answer: the server counts it complete from the node's next check at
    // the latest (a stored target equal to the version it runs), so the fleet counts it here too.
    if (this.previousVersionPref !== '') this.previousVersionPref = '';
    if (previousVersion !== '' && previousVersion !== '0.0.0.0' && !rollback) env.sink.updateCompleted();
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
    if (previousVersion !== '' && previousVersion !== '0.0.0.0' && !rollback) this.failuresInRow = 0;
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

  protected onEventSent(env: NodeEnv, eventType: number, eventResult: number): void {
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
    this.waitForReboot(env);
  }

  // --- download --------------------------------------------------------------------------------

  protected finishDownload(env: NodeEnv): NodeAction | null {
    const m = this.manifest!;
    const url = m.urls[0]!;
    if (!this.injectedDownloadError() && env.profile.fetchLocal && isLoopbackUrl(url)) {
      return { kind: 'download', url, size: m.size, sha256: m.sha256 };
    }
    this.afterDownload(env, this.injectedDownloadError() && this.useFault() ? this.downloadFaultCode() : 0);
    return null;
  }

  protected onDownload(env: NodeEnv, result: ActionResult): void {
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
}

/** True for URLs on this machine: the only ones the simulator really downloads from. */
function isLoopbackUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return false;
  }
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
