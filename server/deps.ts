// What the update server needs from the process that hosts it. The composition root (platte/)
// builds these; nothing here knows about the reboot coordinator or the binary's configuration.
import type { RequireRole } from '../kernel/auth/auth.ts';
import type { Logger } from '../kernel/log.ts';
import type { ReleaseCache } from './omaha/release-cache.ts';
import type { EventSink } from './rollout/events.ts';
import type { Store } from './store/types.ts';

/**
 * The update server's port for whoever wants to hear about updates (the reboot coordinator, wired
 * by the composition root). Called only on grants and completions, which are rare.
 */
export interface UpdateObserver {
  /** An update to `version` was offered to this machine. */
  onUpdateGranted(machineId: string, version: string): Promise<void>;
  /** The machine came back on `version` after an update. */
  onUpdateComplete(machineId: string, version: string): Promise<void>;
  /** How many nodes the reboot group lets reboot at once (its max); null when it does not exist. Cached briefly. */
  rebootSlots(group: string): Promise<number | null>;
  /**
   * Every node holding a reboot slot now, in any reboot group: O(groups + holders), read for the
   * dashboard's "rebooting" counts (rollout/rebooting.ts), never on the update check.
   */
  rebootingNodes(): Promise<RebootingNode[]>;
}

/** A node holding a reboot slot, as the coordinator sees it. */
export interface RebootingNode {
  /** The id it took the slot with: the machine id for FleetLock and locksmith clients. */
  id: string;
  group: string;
  /** When it took the slot, ms. */
  since: number;
  /** Its lease ran out (a group that holds expired slots keeps it): stuck, no longer rebooting. */
  expired: boolean;
}

/** The settings the update server reads. */
export interface UpdateServerSettings {
  /** Proxies whose X-Forwarded-For is believed (IPs or CIDRs). */
  trustedProxies: string[];
  /** Seconds sent as updatecheck@PollInterval; unset = the client's own default. */
  pollInterval?: number | undefined;
}

export interface ServerDeps {
  settings: UpdateServerSettings;
  store: Store;
  requireRole: RequireRole;
  observer: UpdateObserver;
  log: Logger;
  now: () => number;
  /** One release cache per process, shared by the Omaha endpoint and the release API. */
  releases: ReleaseCache;
  /** Where rollout, release and node events go (webhooks). */
  events: EventSink;
}
