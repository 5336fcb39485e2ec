// Vocabulary shared by a virtual node and the fleet that drives it.
import type { Random } from './random.ts';
import type { RequestBody } from '../protocol/omaha/client-request.ts';

/** What a node is doing, as shown in the display and the summary. */
export const NODE_STATES = [
  'booting', // came up; (fleetlock) giving its reboot slot back, waiting for the first check
  'idle', // between checks, nothing learned yet
  'checking', // an update check is in flight (or being reported as failed)
  'downloading', // 13/1 sent, payload coming
  'installing', // 14/1 sent, writing the other partition
  'waiting-reboot', // 3/1 sent; waits for its strategy (fleetlock slot, or forever with `off`)
  'rebooting', // going down / coming up
  'updated', // the server answered noupdate: runs the channel's version
  'failed', // the last update attempt failed (3/0 sent); retries at the next check
  'gave-up', // failed too many attempts in a row; stopped checking
  'lost', // went down for a reboot and never came back
] as const;
export type NodeState = (typeof NODE_STATES)[number];

export const REBOOT_STRATEGIES = ['reboot', 'off', 'fleetlock'] as const;
export type RebootStrategy = (typeof REBOOT_STRATEGIES)[number];

/** Injected faults; one per node at most. */
export const FAULT_KINDS = [
  'download', // transfer breaks: 9
  'hash', // payload hash mismatch: 10
  'size', // payload size mismatch: 11
  'install', // postinstall fails: 5
  'rollback', // boots back into the old version: the next check carries 3/0 errorcode 44
  'no-return', // never comes back from a reboot
  'slow-return', // takes 10–40 minutes to come back
  'network', // loses the network for 30–180 minutes at some point of the first 3 hours
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Durations and switches shared by every node of a fleet (seconds of simulated time). */
export interface NodeProfile {
  /** Download speed range in bytes per second (each download draws one). */
  bandwidth: [number, number];
  installSeconds: [number, number];
  bootSeconds: [number, number];
  slowBootSeconds: [number, number];
  /** Network outage of a `network` node: [start window end, min length, max length]. */
  outage: { within: number; length: [number, number] };
  /** Consecutive failed update attempts after which a node stops checking. */
  giveUpAfter: number;
  /** Faults fail every attempt (true) or only the first one (false). */
  stickyFaults: boolean;
  /** Really fetch payloads whose URL is on this machine (loopback) and check size and SHA-256. */
  fetchLocal: boolean;
}

export const DEFAULT_PROFILE: NodeProfile = {
  bandwidth: [5e6, 50e6],
  installSeconds: [60, 180],
  bootSeconds: [30, 90],
  slowBootSeconds: [600, 2400],
  outage: { within: 3 * 3600, length: [1800, 3 * 3600] },
  giveUpAfter: 3,
  stickyFaults: true,
  fetchLocal: true,
};

/** What a node asks its fleet to send. */
export type NodeAction =
  | { kind: 'omaha'; body: RequestBody }
  | { kind: 'fleetlock'; op: 'pre-reboot' | 'steady-state' }
  | { kind: 'download'; url: string; size: number; sha256: string };

export type ActionResult =
  /** The server answered (any status). */
  | { kind: 'http'; status: number; body: string }
  /** No answer: refused, reset, timed out, or the node's network is down. */
  | { kind: 'no-answer'; error: string }
  /** A real download finished: 0 when size and SHA-256 matched, else update_engine's code. */
  | { kind: 'download'; code: number };

/** Where a node reports what the fleet counts. */
export interface NodeSink {
  /** A 3/0 event was sent with this code (flag bits stripped). */
  failure(code: number): void;
  /** The server heard of a completed update (3/2 with the previous version, answered). */
  updateCompleted(): void;
  /** The node holds its reboot from `at` (slot grant seen, or reboot started). */
  rebootStarted(group: string, at: number): void;
  /**
   * The node is back and released its slot. `at` is when the successful release was sent (with
   * FleetLock: before the server freed the slot, so intervals never overlap more than the server's).
   */
  rebootEnded(group: string, at: number): void;
}

export interface NodeEnv {
  /** Simulated time, ms since the epoch. */
  now: number;
  rng: Random;
  profile: NodeProfile;
  sink: NodeSink;
}
