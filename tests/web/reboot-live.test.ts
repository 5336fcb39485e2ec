// Reboot slots live in a browser (Debian's headless Chromium): while the page's event stream is
// open, a node taking a slot over FleetLock shows up on the reboot slots page without a reload,
// carried by the stream's `reboot` event, and the page does not poll the reboot groups; when no
// stream can be opened, it polls them every few seconds instead. The page's clock is Playwright's,
// so "a few seconds" passes without waiting for it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ADMIN_TOKEN, seedRelease } from '../helpers/platte.ts';
import { desktopContext, ensureDashboardBuilt, launchChromium, servePlatte, signIn, takeSlot, watchErrors, type Served } from './harness.ts';

/** A holder's row cell on the reboot slots page. */
const holderCell = (page: Page, id: string) => page.getByRole('cell', { name: id, exact: true });

const LIVE_STATE = (state: 'live' | 'polling') => `document.querySelector('.live-state')?.textContent === '${state}'`;

interface Loads {
  /** Requests for the reboot groups list (GET /api/v1/reboot-groups) the page sent so far. */
  sent(): number;
  /** Resolves once every one sent has been answered (or failed). */
  settled(): Promise<void>;
}

function countListLoads(page: Page): Loads {
  let sent = 0;
  let done = 0;
  const isList = (url: string) => new URL(url).pathname === '/api/v1/reboot-groups';
  page.on('request', (r) => void (isList(r.url()) && sent++));
  page.on('requestfinished', (r) => void (isList(r.url()) && done++));
  page.on('requestfailed', (r) => void (isList(r.url()) && done++));
  return {
    sent: () => sent,
    async settled() {
      for (let i = 0; done < sent; i++) {
        if (i > 500) throw new Error(`${sent - done} reboot-groups requests unanswered`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
  };
}

describe('reboot slots, live', () => {
  let s: Served;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  before(async () => {
    ensureDashboardBuilt();
    s = await servePlatte('embedded');
    // The page follows an app's event stream: one app is there.
    await seedRelease(s.t);
    await s.t.http.put('/api/v1/reboot-groups/web').set('Authorization', s.t.auth).send({ max: 3 }).expect(200);
    assert.equal(await takeSlot(s, 'web', 'node-first'), 200);
    browser = await launchChromium();
  });

  after(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await s?.close();
  });

  async function openPage(block: boolean): Promise<{ page: Page; loads: Loads; errors: string[] }> {
    const ctx = await desktopContext(browser);
    contexts.push(ctx);
    // No stream at all (a proxy that refuses it): the page must fall back to polling.
    if (block) await ctx.route('**/api/v1/events?*', (route) => route.fulfill({ status: 503, body: 'no streams here' }));
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    await page.clock.install();
    const loads = countListLoads(page);
    await signIn(page, s.url, ADMIN_TOKEN, '/reboot-groups');
    await holderCell(page, 'node-first').waitFor();
    return { page, loads, errors };
  }

  it('shows a node that took a slot without a reload, and does not poll while live', async () => {
    const { page, loads, errors } = await openPage(false);
    await page.waitForFunction(LIVE_STATE('live'));
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
    // From here the page's time moves only when the test says: first past the load the opened
    // stream asks for (300 ms after it opened), until that load is answered.
    await page.clock.pauseAt(Date.now() + 1_000);
    await page.clock.runFor(1_000);
    await loads.settled();
    assert.equal(await takeSlot(s, 'web', 'node-live'), 200);
    // The reboot event comes in real time; the page loads 300 ms (of its time) after it.
    for (let i = 0; (await holderCell(page, 'node-live').count()) === 0; i++) {
      assert.ok(i < 200, 'node-live shown within 10 s of page time');
      await page.clock.runFor(50);
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(await page.evaluate(() => (window as unknown as { marker?: number }).marker), 1, 'no reload');
    assert.equal(await page.getByRole('img', { name: '2 of 3 slots in use' }).count(), 1);
    await loads.settled();
    const before = loads.sent();
    await page.clock.runFor(12_000);
    assert.equal(loads.sent(), before, 'no reboot-groups request in 12 s while events flow');
    assert.equal(await page.evaluate(LIVE_STATE('live')), true);
    assert.deepEqual(errors, []);
  });

  it('polls the reboot groups every few seconds while no event stream can be opened', async () => {
    const { page, loads } = await openPage(true);
    await page.waitForFunction(LIVE_STATE('polling'));
    await page.clock.pauseAt(Date.now() + 1_000);
    const before = loads.sent();
    await page.clock.runFor(12_000);
    assert.ok(loads.sent() - before >= 3, `reboot-groups requests in 12 s while polling: ${loads.sent() - before}`);
    assert.equal(await takeSlot(s, 'web', 'node-polled'), 200);
    await page.clock.runFor(4_000);
    await holderCell(page, 'node-polled').waitFor();
  });
});
