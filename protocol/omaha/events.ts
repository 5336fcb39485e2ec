// Omaha <event> types and results, and a short human description of one event.
//
// Numbers are Google's Omaha protocol values (the same ones go-omaha and update_engine use);
// 800 is not Omaha: CoreRoller/Nebraska use it for "installed, completion held by the instance".
// What a Flatcar node means by them (update_engine, see docs/omaha.md):
//   3/2 on every check (previousversion set on the first check after an update reboot),
//   13/1 download started, 14/1 download finished, 3/1 installed and waiting for reboot,
//   3/0 + errorcode failed, x/9 deferred.
import { describeErrorCode } from './error-codes.ts';
import type { OmahaEvent } from './types.ts';

export const EventType = {
  Unknown: 0,
  DownloadComplete: 1,
  InstallComplete: 2,
  UpdateComplete: 3,
  Uninstall: 4,
  DownloadStarted: 5,
  InstallStarted: 6,
  NewApplicationInstallStarted: 9,
  SetupStarted: 10,
  SetupFinished: 11,
  UpdateApplicationStarted: 12,
  UpdateDownloadStarted: 13,
  UpdateDownloadFinished: 14,
  UpdateInstallerStarted: 15,
  SetupUpdateBegin: 16,
  SetupUpdateComplete: 17,
  RegisterProductComplete: 20,
  OemInstallFirstCheck: 30,
  AppCommandStarted: 40,
  AppCommandEnded: 41,
  SetupFailure: 100,
  ComServerFailure: 102,
  SetupUpdateFailure: 103,
  /** Nebraska/CoreRoller extension, not Omaha. */
  InstalledHeld: 800,
} as const;

export const EventResult = {
  Error: 0,
  Success: 1,
  SuccessReboot: 2,
  SuccessRestartBrowser: 3,
  Cancelled: 4,
  ErrorInstallerMsi: 5,
  ErrorInstallerOther: 6,
  NoUpdate: 7,
  ErrorInstallerSystem: 8,
  UpdateDeferred: 9,
  HandoffError: 10,
} as const;

const TYPE_NAMES: ReadonlyMap<number, string> = new Map([
  [0, 'unknown'],
  [1, 'download complete'],
  [2, 'install complete'],
  [3, 'update complete'],
  [4, 'uninstall'],
  [5, 'download started'],
  [6, 'install started'],
  [9, 'new application install started'],
  [10, 'setup started'],
  [11, 'setup finished'],
  [12, 'update application started'],
  [13, 'update download started'],
  [14, 'update download finished'],
  [15, 'update installer started'],
  [16, 'setup update begin'],
  [17, 'setup update complete'],
  [20, 'register product complete'],
  [30, 'OEM install first check'],
  [40, 'app command started'],
  [41, 'app command ended'],
  [100, 'setup failure'],
  [102, 'COM server failure'],
  [103, 'setup update failure'],
  [800, 'installed, completion held'],
]);

const RESULT_NAMES: ReadonlyMap<number, string> = new Map([
  [0, 'error'],
  [1, 'success'],
  [2, 'success, reboot'],
  [3, 'success, restart browser'],
  [4, 'cancelled'],
  [5, 'installer error (MSI)'],
  [6, 'installer error (other)'],
  [7, 'no update'],
  [8, 'installer error (system)'],
  [9, 'deferred'],
  [10, 'handoff error'],
]);

export function eventTypeName(type: number): string {
  return TYPE_NAMES.get(type) ?? `event type ${type}`;
}

export function eventResultName(result: number): string {
  return RESULT_NAMES.get(result) ?? `result ${result}`;
}

/**
 * One line for logs, history and the UI, in Flatcar's terms where the pair is one update_engine
 * sends, e.g. "download started", "installed, waiting for reboot",
 * "failed: 10 payload-hash-mismatch-error (test-omaha-url)", "running after update from 3510.2.0".
 */
export function describeEvent(ev: OmahaEvent): string {
  const { eventType: type, eventResult: result } = ev;
  const error = ev.errorCode !== undefined ? `: ${describeErrorCode(ev.errorCode)}` : '';

  if (type === EventType.UpdateComplete && result === EventResult.Error) return `update failed${error}`;
  if (type === EventType.UpdateComplete && result === EventResult.UpdateDeferred) return `update deferred${error}`;
  if (type === EventType.UpdateComplete && result === EventResult.SuccessReboot) {
    const prev = ev.previousVersion;
    if (prev === undefined || prev === '') return 'check-in';
    if (prev === '0.0.0.0') return 'check-in (no previous version recorded)';
    return `running after update from ${prev}`;
  }
  if (result === EventResult.Success) {
    switch (type) {
      case EventType.UpdateDownloadStarted:
        return 'download started';
      case EventType.UpdateDownloadFinished:
        return 'download finished';
      case EventType.UpdateComplete:
        return 'installed, waiting for reboot';
      case EventType.InstalledHeld:
        return 'installed, completion held';
    }
  }
  return `${eventTypeName(type)}: ${eventResultName(result)}${error}`;
}
