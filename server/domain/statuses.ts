// The statuses an instance moves through, on their own: the CLI loads this list to register its
// options without loading the whole data model.
/** Statuses an instance moves through; see domain/instance-state.ts for the transitions. */
export const INSTANCE_STATUSES = [
  'idle', // checked in, nothing offered (no channel/package, unknown track, other arch)
  'up-to-date', // runs the channel's version or newer
  'granted', // offered an update in the last answer
  'downloading', // 13/1
  'downloaded', // 14/1
  'installed', // 3/1: installed, waiting for reboot
  'complete', // came back on the new version (3/2 with previousversion)
  'error', // x/0 with an error code
  'deferred', // 3/9
  'timed-out', // granted and not complete within its group's updateTimeout (a failure)
] as const;
export type InstanceStatus = (typeof INSTANCE_STATUSES)[number];
