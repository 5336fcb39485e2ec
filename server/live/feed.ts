// The change feed: how a process hears that an app's counters moved, that a rollout changed or
// that a reboot group's slots changed, whichever process it happened on. A check-in only notes its
// app, a slot change its group (a Set insert); the notes are sent at most every PUBLISH_MS (one
// message for the apps, one for the groups), so however many check-ins and slot calls come, they
// cost at most two messages per PUBLISH_MS. Messages go to this process's listeners at once and
// through a Transport to the others (Redis pub/sub; none on the embedded store, one process).
import type { Timers } from '../../kernel/jobs/local-runner.ts';
import type { PlatteEvent } from '../rollout/events.ts';

/** How long counter changes are gathered before they are sent. */
export const PUBLISH_MS = 500;

export type FeedMessage =
  /** These apps' counters moved. */
  | { kind: 'counters'; apps: string[] }
  /** These reboot groups' slots or settings changed (coordinator's onSlotsChanged). */
  | { kind: 'reboot'; groups: string[] }
  /** A rollout or release event (rollout.*, package.pulled). */
  | { kind: 'event'; event: PlatteEvent }
  /** Messages may have been missed (the transport reconnected): refresh everything. */
  | { kind: 'resync' };

export type FeedListener = (message: FeedMessage) => void;

/** How messages reach the other processes. */
export interface Transport {
  /** Sends to the other processes; never throws (a lost message only delays a refresh). */
  publish(message: FeedMessage): void;
  /** Starts hearing the other processes' messages (called once, with the first listener). */
  listen(deliver: FeedListener): void;
  close(): Promise<void>;
}

export interface ChangeFeed {
  /** The hot path's hook: the app's counters moved. Synchronous, O(1), never throws. */
  countersChanged(appId: string): void;
  /** The coordinator's hook: the group's slots or settings changed. Synchronous, O(1), never throws. */
  slotsChanged(group: string): void;
  /** Sends a Platte event to every process's listeners. */
  publishEvent(event: PlatteEvent): void;
  /** Hears every message, this process's and the others'; returns the unsubscribe. */
  listen(listener: FeedListener): () => void;
  close(): Promise<void>;
}

/** Hands a message to every listener; one that throws does not stop the others. */
function deliverTo(listeners: Set<FeedListener>): FeedListener {
  return (message) => {
    for (const listener of listeners) {
      try {
        listener(message);
      } catch {
        // A listener's bug must not stop the others (listeners log their own failures).
      }
    }
  };
}

/** The messages that tell the notes gathered so far (none for an empty set); the notes are cleared. */
function takeNotes(pending: Set<string>, pendingGroups: Set<string>): FeedMessage[] {
  const apps = [...pending];
  const groups = [...pendingGroups];
  pending.clear();
  pendingGroups.clear();
  const messages: FeedMessage[] = [];
  if (apps.length > 0) messages.push({ kind: 'counters', apps });
  if (groups.length > 0) messages.push({ kind: 'reboot', groups });
  return messages;
}

export function createFeed(transport: Transport, timers: Timers, publishMs = PUBLISH_MS): ChangeFeed {
  const listeners = new Set<FeedListener>();
  const pending = new Set<string>();
  const pendingGroups = new Set<string>();
  let timer: unknown;
  let listening = false;
  let closed = false;

  const deliver = deliverTo(listeners);
  const send = (message: FeedMessage) => {
    deliver(message);
    transport.publish(message);
  };
  const flush = () => {
    timer = undefined;
    if (closed) return;
    for (const message of takeNotes(pending, pendingGroups)) send(message);
  };
  const later = () => {
    if (timer === undefined && !closed) timer = timers.setTimeout(flush, publishMs);
  };

  return {
    countersChanged(appId) {
      pending.add(appId);
      later();
    },
    slotsChanged(group) {
      pendingGroups.add(group);
      later();
    },
    publishEvent(event) {
      if (!closed) send({ kind: 'event', event });
    },
    listen(listener) {
      listeners.add(listener);
      if (!listening) {
        listening = true;
        transport.listen(deliver);
      }
      return () => {
        listeners.delete(listener);
      };
    },
    async close() {
      closed = true;
      if (timer !== undefined) timers.clearTimeout(timer);
      listeners.clear();
      await transport.close();
    },
  };
}

/** The embedded store's transport: one process, nobody else to tell. */
export const LOCAL_TRANSPORT: Transport = {
  publish() {},
  listen() {},
  async close() {},
};
