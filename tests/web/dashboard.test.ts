// The dashboard in real headless Chromium (Debian's, driven by playwright-core) against an
// in-process Platte on a real port, during a small simulated rollout: sign in (by keyboard), the
// overview's counts change without a reload, pausing from the page stops the server granting,
// a force-unlock, a read-only user who sees no controls and whose request the server refuses
// anyway, the page's own 404, sign-out. Each main view is saved as a screenshot (folder printed).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { bucketOf } from '../../server/domain/rollout/bucket.ts';
import { ADMIN_TOKEN, seedRelease } from '../helpers/platte.ts';
import {
  checkIn,
  createToken,
  desktopPage,
  ensureDashboardBuilt,
  FLATCAR,
  launchChromium,
  machines,
  NEW,
  OLD,
  screenshotDir,
  type Served,
  servePlatte,
  shoot,
  signIn,
  stepFleet,
  takeSlot,
} from './harness.ts';

const PLAN = { steps: [{ percent: 50, soak: '1h' }, { percent: 100, soak: 0 }], haltOn: { failurePercent: 30 } };
/** Fresh nodes inside the first step's half: each would be offered NEW while the rollout runs. */
const fresh = machines(60, 'f').filter((m) => bucketOf(FLATCAR, m) < 0.5).slice(0, 3);
const STABLE_BAR = /^nodes following stable:/;

describe('the dashboard in a browser', () => {
  let s: Served;
  let browser: Browser;
  let admin: BrowserContext;
  let page: Page;
  let errors: string[];
  let shots: string;
  const fleet = new Map(machines(24).map((m) => [m, 'old']));

  before(async () => {
    ensureDashboardBuilt();
    shots = screenshotDir('dashboard');
    s = await servePlatte('embedded');
    await seedRelease(s.t, { versions: [OLD, NEW], channelVersion: OLD });
    await stepFleet(s, fleet);
    await s.t.http.put(`/api/v1/apps/${FLATCAR}/channels/stable`).set('Authorization', s.t.auth).send({ version: NEW, rollout: PLAN }).expect(200);
    await stepFleet(s, fleet);
    await s.t.http.put('/api/v1/reboot-groups/web').set('Authorization', s.t.auth).send({ max: 3 }).expect(200);
    assert.equal(await takeSlot(s, 'web', 'node-1'), 200);
    assert.equal(await takeSlot(s, 'web', 'node-2'), 200);
    browser = await launchChromium();
    ({ ctx: admin, page, errors } = await desktopPage(browser));
  });

  after(async () => {
    await browser?.close();
    await s?.close();
  });

  const barLabel = async (p: Page) => (await p.getByRole('img', { name: STABLE_BAR }).getAttribute('aria-label')) ?? '';

  it('signs in with a token, by keyboard; the token is kept nowhere in the page', async () => {
    await page.goto(`${s.url}/`);
    await page.getByLabel('API token').waitFor();
    await shoot(page, shots, 'sign-in');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'token', 'the token field is the first stop');
    await page.keyboard.type(ADMIN_TOKEN);
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    const cookies = await admin.cookies();
    const session = cookies.find((c) => c.name === 'platte_session');
    assert.ok(session?.httpOnly && session.sameSite === 'Strict');
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie);
    assert.ok(!stored.includes(ADMIN_TOKEN));
  });

  it('the overview shows the rollout and its counts change without a reload', async () => {
    await page.getByRole('heading', { name: 'stable' }).waitFor();
    await page.getByText('50% offered').waitFor();
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
    const before = await barLabel(page);
    assert.match(before, /granted/);
    // The nodes outside the first step are held back, and the card says why.
    assert.match(before, /\d+ held back/);
    await page.getByText(/Held back at their last check: outside the rollout's percent so far \(\d+\)/).waitFor();
    await shoot(page, shots, 'overview');
    await stepFleet(s, fleet); // granted nodes start downloading
    await page.waitForFunction(
      ([pattern, old]) => {
        const bar = Array.from(document.querySelectorAll('[role=img]')).find((e) => new RegExp(pattern).test(e.getAttribute('aria-label') ?? ''));
        return bar !== undefined && bar.getAttribute('aria-label') !== old;
      },
      [STABLE_BAR.source, before] as const,
      { timeout: 15_000 },
    );
    assert.match(await barLabel(page), /downloading/);
    assert.equal(await page.evaluate(() => (window as unknown as { marker?: number }).marker), 1, 'the page was not reloaded');
  });

  it('pausing the rollout from the page stops the server granting; resuming starts it again', async () => {
    await page.getByRole('link', { name: 'Rollout of stable' }).click();
    await page.getByRole('heading', { name: /Rollout of stable/ }).waitFor();
    await page.getByRole('heading', { name: 'Steps' }).waitFor();
    await shoot(page, shots, 'rollout');
    await page.getByRole('button', { name: 'Pause rollout' }).click();
    await page.getByRole('button', { name: 'Resume rollout' }).waitFor();
    const view = await s.t.http.get(`/api/v1/apps/${FLATCAR}/channels/stable/rollout`).set('Authorization', s.t.auth).expect(200);
    assert.equal(view.body.rollout.state, 'paused');
    assert.equal(view.body.rollout.history.at(-1).by, 'admin (PLATTE_ADMIN_TOKEN)');
    assert.ok(fresh.length > 0);
    for (const m of fresh) assert.equal(await checkIn(s, m, OLD), null, `${m} is offered nothing while paused`);
    await page.getByRole('button', { name: 'Resume rollout' }).click();
    await page.getByRole('button', { name: 'Pause rollout' }).waitFor();
    assert.equal(await checkIn(s, fresh[0]!, OLD), NEW, 'granted again once resumed');
  });

  it('asks before opening the next step, and does nothing on cancel', async () => {
    await page.getByRole('button', { name: 'Next step' }).click();
    const dialog = page.getByRole('dialog', { name: 'Open the next step now?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    let view = await s.t.http.get(`/api/v1/apps/${FLATCAR}/channels/stable/rollout`).set('Authorization', s.t.auth).expect(200);
    assert.equal(view.body.rollout.stepIndex, 0);
    await page.getByRole('button', { name: 'Next step' }).click();
    await dialog.getByRole('button', { name: 'Open next step' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByText('step 2 of 2').waitFor();
    view = await s.t.http.get(`/api/v1/apps/${FLATCAR}/channels/stable/rollout`).set('Authorization', s.t.auth).expect(200);
    assert.equal(view.body.rollout.stepIndex, 1);
  });

  it('force-unlocks a holder after a confirmation', async () => {
    await page.getByRole('link', { name: 'Reboot slots' }).click();
    await page.getByRole('heading', { name: 'Reboot slots' }).waitFor();
    await page.getByRole('img', { name: '2 of 3 slots in use' }).waitFor();
    await shoot(page, shots, 'reboot-slots');
    await page.getByRole('button', { name: 'Unlock node-1' }).click();
    await page.getByRole('dialog', { name: 'Unlock node-1?' }).getByRole('button', { name: 'Unlock now' }).click();
    await page.getByRole('img', { name: '1 of 3 slots in use' }).waitFor();
    const group = await s.t.http.get('/api/v1/reboot-groups/web').set('Authorization', s.t.auth).expect(200);
    assert.deepEqual(group.body.holders.map((h: { id: string }) => h.id), ['node-2']);
    assert.equal(group.body.history.at(0).event, 'force-unlock');
    await page.getByRole('link', { name: 'web' }).click();
    await page.getByRole('heading', { name: 'History' }).waitFor();
    await shoot(page, shots, 'reboot-group');
  });

  it('lists instances with filters and shows one with its history', async () => {
    await page.getByRole('link', { name: 'Instances' }).click();
    await page.getByRole('heading', { name: 'Instances' }).waitFor();
    await page.locator('tbody tr').first().waitFor();
    await page.getByLabel('Status').selectOption('downloading');
    await page.waitForURL(/status=downloading/);
    await page.waitForFunction(() => {
      const rows = Array.from(document.querySelectorAll('tbody tr'));
      return rows.length > 0 && rows.every((r) => r.textContent?.includes('downloading'));
    });
    await shoot(page, shots, 'instances');
    const first = (await page.locator('tbody tr a').first().textContent()) ?? '';
    await page.locator('tbody tr a').first().click();
    await page.getByRole('heading', { name: 'History' }).waitFor();
    await page.getByText('download started').first().waitFor();
    assert.ok(page.url().endsWith(first), 'the instance page of that machine');
    await shoot(page, shots, 'instance');
  });

  it('shows the activity', async () => {
    await page.getByRole('link', { name: 'Activity' }).click();
    await page.getByText(/rollout of 3602\.2\.0 on stable: pause/).waitFor();
    await shoot(page, shots, 'activity');
  });

  it('splits the nodes rebooting now (installed, holding a slot) off the installed ones', async () => {
    await stepFleet(s, fleet);
    await stepFleet(s, fleet); // downloaded, then installed
    const installed = [...fleet].filter(([, state]) => state === 'installed').map(([id]) => id);
    assert.ok(installed.length > 0);
    assert.equal(await takeSlot(s, 'web', installed[0]!), 200);
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.waitForFunction(
      (pattern) => Array.from(document.querySelectorAll('[role=img]')).some((e) => new RegExp(pattern).test(e.getAttribute('aria-label') ?? '')),
      `${STABLE_BAR.source}.*1 rebooting`,
      { timeout: 15_000 },
    );
    assert.match(await barLabel(page), new RegExp(`${installed.length - 1} installed, waiting for a reboot slot`));
    await page.getByText(/1 rebooting, \d+ waiting for a slot/).waitFor();
    await shoot(page, shots, 'overview-rebooting');
  });

  it("answers an unknown path with 404 and the page's own 'not found'", async () => {
    const res = await page.goto(`${s.url}/no/such/page`);
    assert.equal(res?.status(), 404);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    await shoot(page, shots, 'not-found');
    await page.getByRole('link', { name: 'Go to the overview' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
  });

  it('a read-only user sees no controls, and the server refuses the action sent anyway (403)', async () => {
    const tok = await createToken(s, 'viewer', 'read-only');
    const { ctx, page: ro, errors: roErrors } = await desktopPage(browser, { colorScheme: 'dark' });
    try {
      await signIn(ro, s.url, tok.secret, `/rollouts/${FLATCAR}/stable`);
      await ro.getByRole('heading', { name: 'Steps' }).waitFor();
      await shoot(ro, shots, 'rollout-read-only-dark');
      for (const name of ['Pause rollout', 'Resume rollout', 'Next step', 'Abort rollout']) {
        assert.equal(await ro.getByRole('button', { name }).count(), 0, `${name} is not shown`);
      }
      await ro.getByRole('link', { name: 'Reboot slots' }).click();
      await ro.getByRole('img', { name: /slots in use/ }).waitFor();
      assert.equal(await ro.getByRole('button', { name: /Unlock/ }).count(), 0);
      const status = await ro.evaluate(async (app) => {
        const me = await (await fetch('/api/v1/session')).json();
        const res = await fetch(`/api/v1/apps/${app}/channels/stable/rollout/pause`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-platte-csrf': me.csrf },
          body: '{}',
        });
        return res.status;
      }, FLATCAR);
      assert.equal(status, 403);
      assert.deepEqual(roErrors.filter((e) => !/403/.test(e)), []);
    } finally {
      await ctx.close();
    }
  });

  it('signs out: the session ends on the server too', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API token').waitFor();
    const res = await page.evaluate(async () => (await fetch('/api/v1/apps')).status);
    assert.equal(res, 401);
    assert.deepEqual(errors.filter((e) => !/401/.test(e)), [], 'no script error or CSP violation');
  });
});
