// What the dashboard's browser tests share: the built page (built again when web/ changed since),
// an in-process Platte listening on a real port, Debian's headless Chromium driven by
// playwright-core (never a downloaded browser), a folder for screenshots, and small API helpers.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { readAnswer, ueRequest, type TestEvent } from '../helpers/omaha.ts';
import { FLATCAR, startPlatte, type StoreKind, type TestPlatte } from '../helpers/platte.ts';
import type { ConfigInput } from '../../platte/config.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BUILT = path.join(ROOT, 'build', 'dashboard', 'index.html');
export const CHROMIUM = '/usr/bin/chromium';

function newestUnder(dir: string): number {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestUnder(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

const isStale = () => (fs.existsSync(BUILT) ? fs.statSync(BUILT).mtimeMs : 0) < newestUnder(path.join(ROOT, 'web'));

/**
 * Builds the page when build/dashboard is missing or older than web/ (npm test has built it
 * already). Test files run in parallel: one builds while the others wait for its lock.
 */
export function ensureDashboardBuilt(): void {
  if (!isStale()) return;
  const lock = path.join(ROOT, 'build', '.dashboard-build-lock');
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`${lock} is held for a minute: remove it if no build runs`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
  try {
    if (!isStale()) return;
    const run = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build-web.mjs')], { stdio: 'inherit' });
    if (run.status !== 0) throw new Error('building the dashboard failed (node scripts/build-web.mjs)');
  } finally {
    fs.rmdirSync(lock);
  }
}

export interface Served {
  t: TestPlatte;
  url: string;
  close(): Promise<void>;
}

/** Platte (startPlatte) listening on a loopback port: `port`, or a free one when 0. */
export async function servePlatte(kind: StoreKind = 'embedded', over: ConfigInput = {}, port = 0): Promise<Served> {
  const t = await startPlatte(kind, over);
  const server = http.createServer(t.platte.app.callback());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    t,
    url,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await t.close();
    },
  };
}

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`no ${CHROMIUM}: apt-get install -y chromium (.ci/run does)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** A browser context at desktop width with the tests' 10 s wait; `colorScheme: 'dark'` for the dark theme. */
export async function desktopContext(browser: Browser, opts: { colorScheme?: 'light' | 'dark' } = {}): Promise<BrowserContext> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...opts });
  ctx.setDefaultTimeout(10_000);
  return ctx;
}

/** A page in a new desktopContext, with the script errors it logs collected (watchErrors). */
export async function desktopPage(browser: Browser, opts: { colorScheme?: 'light' | 'dark' } = {}): Promise<{ ctx: BrowserContext; page: Page; errors: string[] }> {
  const ctx = await desktopContext(browser, opts);
  const page = await ctx.newPage();
  return { ctx, page, errors: watchErrors(page) };
}

/** A folder for this run's screenshots, printed so a person can look at them. */
export function screenshotDir(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `platte-${name}-`));
  process.stdout.write(`# screenshots: ${dir}\n`);
  return dir;
}

export async function shoot(page: Page, dir: string, name: string): Promise<void> {
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

/** Collects what the page's console says is wrong (CSP violations included) and uncaught errors. */
export function watchErrors(page: Page): string[] {
  const seen: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) seen.push(m.text());
  });
  page.on('pageerror', (e) => seen.push(e.message));
  return seen;
}

export async function signIn(page: Page, url: string, token: string, at = '/'): Promise<void> {
  await page.goto(url + at);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** One Omaha update check of a node; answers the version offered, or null. */
export async function checkIn(s: Served, machineid: string, version: string, events: TestEvent[] = []): Promise<string | null> {
  const res = await s.t.http.post('/v1/update/').send(ueRequest({ machineid, version, events })).expect(200);
  const app = (await readAnswer(res.text)).apps[0];
  return app?.updatecheck === 'ok' ? (app.manifestVersion ?? null) : null;
}

/** An API token of `role`; answers its id and secret. */
export async function createToken(s: Served, name: string, role: string): Promise<{ id: string; secret: string }> {
  const res = await s.t.http.post('/api/v1/tokens').set('Authorization', s.t.auth).send({ name, role }).expect(201);
  return { id: res.body.token.id, secret: res.body.token.secret };
}

/** FleetLock pre-reboot: `id` takes a slot in `group`. */
export async function takeSlot(s: Served, group: string, id: string): Promise<number> {
  const res = await s.t.http.post('/v1/pre-reboot').set('fleet-lock-protocol', 'true').send({ client_params: { id, group } });
  return res.status;
}

export const OLD = '3510.2.0';
export const NEW = '3602.2.0';

/** `n` machine ids, the same in every run. */
export const machines = (n: number, prefix = 'a') => Array.from({ length: n }, (_, i) => `${prefix}${i.toString(16).padStart(31, '0')}`);

/**
 * Moves `nodes` one update step on: a node offered NEW reports download started, then finished,
 * then installed; an installed node comes back on NEW. Nodes not offered NEW just check in.
 */
export async function stepFleet(s: Served, nodes: Map<string, string>): Promise<void> {
  const AFTER: Record<string, [string, TestEvent[]]> = {
    granted: ['downloading', [{ type: 13, result: 1 }]],
    downloading: ['downloaded', [{ type: 14, result: 1 }]],
    downloaded: ['installed', [{ type: 3, result: 1 }]],
  };
  for (const [id, state] of nodes) {
    if (state === 'old') {
      if ((await checkIn(s, id, OLD)) === NEW) nodes.set(id, 'granted');
    } else if (state === 'installed') {
      await checkIn(s, id, NEW, [{ type: 3, result: 2, previousversion: OLD }]);
      nodes.set(id, 'complete');
    } else if (AFTER[state]) {
      const [next, events] = AFTER[state];
      await s.t.http.post('/v1/update/').send(ueRequest({ machineid: id, version: OLD, events, updatecheck: false })).expect(200);
      nodes.set(id, next);
    }
  }
}

export { FLATCAR };
