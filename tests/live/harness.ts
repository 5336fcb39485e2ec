// A real Platte (tests/helpers/platte.ts) with the series and live parts wired beside it the way
// platte/live-wiring.ts tells the composition root to: its store reports check-ins, its
// coordinator reports slot changes, and one HTTP server answers the series and events routes next
// to Platte's own. The series job is not scheduled here: tests take snapshots with snapshotNow()
// at a clock they move.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { createAuth } from '../../kernel/auth/auth.ts';
import { jsonErrorBoundary, jsonNotFound } from '../../kernel/http/json-errors.ts';
import { createLocalRunner } from '../../kernel/jobs/local-runner.ts';
import { silentLogger } from '../../kernel/log.ts';
import { liveMiddleware, openLive, type LiveParts } from '../../platte/live-wiring.ts';
import type { ConfigInput } from '../../platte/config.ts';
import { ADMIN_TOKEN, startPlatte, type StoreKind, type TestPlatte } from '../helpers/platte.ts';

export interface LivePlatte {
  t: TestPlatte;
  parts: LiveParts;
  /** Base URL of the HTTP server answering both Platte's routes and the live ones. */
  url: string;
  auth: string;
  /** The series' clock (ms). */
  now(): number;
  advance(ms: number): void;
  close(): Promise<void>;
}

const LIVE_PATH = /^\/api\/v1\/(events|apps\/[^/]+\/series)(\?|$)/;

export async function startLivePlatte(kind: StoreKind, over: ConfigInput = {}): Promise<LivePlatte> {
  const t = await startPlatte(kind, over);
  let clock = Date.UTC(2026, 10, 25, 12, 0, 30);
  const log = silentLogger();
  const parts = openLive({
    backend: t.platte.backend,
    jobs: createLocalRunner({ log }),
    store: t.platte.store,
    log,
    now: () => clock,
    publishMs: 10,
    refreshMs: 30,
    recheckMs: 30,
  });
  // What the composition root does with watch(): every part of Platte sees the reporting store.
  Object.assign(t.platte.store, parts.watch(t.platte.store));
  // And the coordinator's slot changes (platte.ts looks the feed's hook up at each call) go on this feed.
  Object.assign(t.platte.live.live.feed, { slotsChanged: parts.live.feed.slotsChanged });
  const auth = createAuth(t.platte.store, ADMIN_TOKEN);
  const liveApp = new Koa();
  liveApp.silent = true;
  liveApp.use(jsonErrorBoundary(log));
  liveApp.use(liveMiddleware(parts, auth.requireRole));
  liveApp.use(jsonNotFound);
  const live = liveApp.callback();
  const platte = t.platte.app.callback();
  const server = http.createServer((req, res) => (LIVE_PATH.test(req.url ?? '') ? live : platte)(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    t,
    parts,
    url: `http://127.0.0.1:${port}`,
    auth: t.auth,
    now: () => clock,
    advance(ms) {
      clock += ms;
      t.advance(ms);
    },
    async close() {
      await parts.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await t.close();
    },
  };
}
