// Keeps the page current. Server-sent events (GET /api/v1/events?app=: `summary`, `rollout`,
// `closed`) tell the page when counts or rollouts changed; each event bumps `tick` (coalesced), and
// views that show live data load again. When events cannot flow (no endpoint, a proxy that buffers, the server restarting) the
// page polls instead, and keeps trying to reconnect. Nothing polls while the tab is hidden.
import { signal } from '@preact/signals';
import { loadSession } from './session.ts';

export type LiveMode = 'live' | 'polling';

/** How the page hears about changes now. */
export const liveMode = signal<LiveMode>('polling');
/** Bumped whenever counts or rollouts may have changed: views of them reload on it. */
export const tick = signal(0);
/** Bumped every few seconds while the tab is shown: views of what sends no events (reboot slots). */
export const pollTick = signal(0);

const POLL_MS = 3_000;
/** With events flowing, still reload now and then in case one was missed. */
const SAFETY_MS = 30_000;
const RECONNECT_MS = 10_000;
const COALESCE_MS = 300;

let source: EventSource | null = null;
let app: string | null = null;
let reconnect: number | undefined;
let pending: number | undefined;
let last = Date.now();

function bump(): void {
  last = Date.now();
  tick.value++;
}

function soon(): void {
  if (pending !== undefined) return;
  pending = window.setTimeout(() => {
    pending = undefined;
    bump();
  }, COALESCE_MS);
}

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
    soon();
  };
  const changed = () => soon();
  es.onmessage = changed;
  es.addEventListener('summary', changed);
  es.addEventListener('rollout', changed);
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
  const every = liveMode.value === 'live' ? SAFETY_MS : POLL_MS;
  if (Date.now() - last >= every) bump();
  if (Date.now() - lastPoll >= POLL_MS) {
    lastPoll = Date.now();
    pollTick.value++;
  }
}, 1_000);

document.addEventListener('visibilitychange', () => {
  if (document.hidden) return;
  bump();
  pollTick.value++;
});
