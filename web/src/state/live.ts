// Keeps the page current. Server-sent events (GET /api/v1/events?app=: `summary`, `rollout`,
// `reboot`, `closed`) tell the page when counts, rollouts or reboot slots changed; each event bumps
// `tick` (counts, rollouts) or `rebootTick` (reboot slots), coalesced, and views that show that
// data load again. When events cannot flow (no endpoint, a proxy that buffers, the server restarting) the
// page polls instead, and keeps trying to reconnect. Nothing polls while the tab is hidden.
import { signal } from '@preact/signals';
import { loadSession } from './session.ts';

export type LiveMode = 'live' | 'polling';

/** How the page hears about changes now. */
export const liveMode = signal<LiveMode>('polling');
/** Bumped whenever counts or rollouts may have changed: views of them reload on it. */
export const tick = signal(0);
/** Bumped every few seconds while the tab is shown: views of what sends no events. */
export const pollTick = signal(0);
/**
 * Bumped when reboot slots may have changed: on a `reboot` event while events flow, every few
 * seconds (with pollTick) while they do not.
 */
export const rebootTick = signal(0);

const POLL_MS = 3_000;
/** With events flowing, still reload now and then in case one was missed. */
const SAFETY_MS = 30_000;
const RECONNECT_MS = 10_000;
const COALESCE_MS = 300;

let source: EventSource | null = null;
let app: string | null = null;
let reconnect: number | undefined;
/** A signal views reload on, bumped at once or after COALESCE_MS (events in a burst bump it once). */
class Ticker {
  last = Date.now();
  private pending: number | undefined;
  constructor(private readonly counter: typeof tick) {}

  bump(): void {
    this.last = Date.now();
    this.counter.value++;
  }

  soon(): void {
    if (this.pending !== undefined) return;
    this.pending = window.setTimeout(() => {
      this.pending = undefined;
      this.bump();
    }, COALESCE_MS);
  }
}

/** Counts and rollouts; reboot slots. */
const changes = new Ticker(tick);
const reboots = new Ticker(rebootTick);

function close(): void {
  source?.close();
  source = null;
  window.clearTimeout(reconnect);
}

function open(): void {
  close();
  if (!app || typeof EventSource === 'undefined') return;
  const es = new EventSource(`/api/v1/events?app=${encodeURIComponent(app)}`);
  source = es;
  es.onopen = () => {
    liveMode.value = 'live';
    // What changed before the stream opened sent no event: load once now.
    changes.soon();
    reboots.soon();
  };
  const changed = () => changes.soon();
  es.onmessage = changed;
  es.addEventListener('summary', changed);
  es.addEventListener('rollout', changed);
  es.addEventListener('reboot', () => reboots.soon());
  // The server ends streams whose token was revoked: find out whether the session still holds.
  es.addEventListener('closed', (e) => {
    if (String((e as MessageEvent).data).includes('unauthorized')) void loadSession();
  });
  es.onerror = () => {
    liveMode.value = 'polling';
    // CONNECTING: the browser retries by itself. CLOSED (not an event stream, a refusal): try later.
    if (es.readyState === EventSource.CLOSED) reconnect = window.setTimeout(open, RECONNECT_MS);
  };
}

/** Follows `appId`'s events (null: none), replacing the stream of the previous app. */
export function followApp(appId: string | null): void {
  if (appId === app && source) return;
  app = appId;
  open();
}

export function stopLive(): void {
  app = null;
  close();
  liveMode.value = 'polling';
}

let lastPoll = Date.now();
window.setInterval(() => {
  if (document.hidden) return;
  const isLive = liveMode.value === 'live';
  const every = isLive ? SAFETY_MS : POLL_MS;
  if (Date.now() - changes.last >= every) changes.bump();
  if (isLive && Date.now() - reboots.last >= SAFETY_MS) reboots.bump();
  if (Date.now() - lastPoll >= POLL_MS) {
    lastPoll = Date.now();
    pollTick.value++;
    // Without events, reboot slots are polled; with them, a `reboot` event says when to load.
    if (!isLive) reboots.bump();
  }
}, 1_000);

document.addEventListener('visibilitychange', () => {
  if (document.hidden) return;
  changes.bump();
  pollTick.value++;
  reboots.bump();
});
