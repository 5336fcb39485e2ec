// What happened to rollouts, releases and nodes, for whoever listens (webhooks, later the
// dashboard's live feed). The update server emits; listeners are wired by the composition root.
// Emitting must stay cheap: a listener records and queues, it never delivers in the caller's time.

export const PLATTE_EVENT_TYPES = [
  'rollout.started',
  'rollout.step-opened',
  'rollout.paused',
  'rollout.resumed',
  'rollout.halted',
  'rollout.completed',
  'rollout.aborted',
  'node.failed',
  'package.pulled',
] as const;
export type PlatteEventType = (typeof PLATTE_EVENT_TYPES)[number];

export interface PlatteEvent {
  type: PlatteEventType;
  /** ms since the epoch. */
  at: number;
  appId: string;
  /** The channel concerned, when there is one. */
  channel?: string;
  /** The version concerned (the rollout's, the pulled one, the one a node failed to install). */
  version?: string;
  /** Who acted: a token name, or the automatic rule (`rule:halt-on`, `rule:step`). */
  by?: string;
  /** Plain JSON details (reason, step, percent, machine id, error code...). */
  data: Record<string, string | number | boolean | null>;
}

/** The port listeners implement. A failing listener must not fail the caller: emit catches. */
export interface EventSink {
  emit(event: PlatteEvent): Promise<void>;
}

export const NO_EVENTS: EventSink = { emit: async () => {} };
