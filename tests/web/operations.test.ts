// The dashboard's operator controls in real headless Chromium against Platte on a real port (an
// embedded store in a folder, so the server can be stopped and started again on it): a reboot
// group's max set and the group paused and resumed from its page, which a read-only user does not
// see; and the page reconnecting by itself after Platte restarts on the same port, showing new
// counts without a reload. Screenshots go to the printed folder.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ADMIN_TOKEN, FLATCAR, seedRelease } from '../helpers/platte.ts';
import {
  checkIn,
  createToken,
  desktopContext,
  desktopPage,
  ensureDashboardBuilt,
  launchChromium,
  machines,
  NEW,
  OLD,
  screenshotDir,
  type Served,
  servePlatte,
  shoot,
  signIn,
  takeSlot,
} from './harness.ts';

const STABLE_BAR = /^nodes following stable:/;

describe('operating from the dashboard', () => {
  let dataDir: string;
  let s: Served;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let shots: string;

  before(async () => {
    ensureDashboardBuilt();
    shots = screenshotDir('operations');
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'platte-web-ops-'));
    s = await servePlatte('embedded', { dataDir });
    await seedRelease(s.t, { versions: [OLD, NEW], channelVersion: OLD });
    for (const m of machines(4)) await checkIn(s, m, OLD);
    await s.t.http.put('/api/v1/reboot-groups/db').set('Authorization', s.t.auth).send({ max: 2 }).expect(200);
    assert.equal(await takeSlot(s, 'db', 'node-1'), 200);
    browser = await launchChromium();
    ({ page, errors } = await desktopPage(browser));
  });

  after(async () => {
    await browser?.close();
    await s?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const group = async () => (await s.t.http.get('/api/v1/reboot-groups/db').set('Authorization', s.t.auth).expect(200)).body;

  it("sets a group's max from its page, after a confirmation", async () => {
    await signIn(page, s.url, ADMIN_TOKEN, '/reboot-groups/db');
    await page.getByRole('img', { name: '1 of 2 slots in use' }).waitFor();
    await page.getByRole('spinbutton', { name: 'Max slots' }).fill('5');
    await page.getByRole('button', { name: 'Set max' }).click();
    const dialog = page.getByRole('dialog', { name: 'Set max of db?' });
    await dialog.getByText('At most 5 nodes of db may reboot at once (now 2).').waitFor();
    await dialog.getByRole('button', { name: 'Set max' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('img', { name: '1 of 5 slots in use' }).waitFor();
    assert.equal((await group()).max, 5);
  });

  it('pauses the group with a reason and resumes it, each after a confirmation', async () => {
    await page.getByRole('button', { name: 'Pause group' }).click();
    const dialog = page.getByRole('dialog', { name: 'Pause db?' });
    await dialog.getByLabel('Reason (optional)').fill('kernel regression');
    await dialog.getByRole('button', { name: 'Pause now' }).click();
    await page.getByRole('button', { name: 'Resume group' }).waitFor();
    await page.getByText('paused: kernel regression').first().waitFor();
    let g = await group();
    assert.equal(g.paused, true);
    assert.equal(g.pauseReason, 'kernel regression');
    assert.equal(await takeSlot(s, 'db', 'node-2'), 423, 'no slot while paused');
    await shoot(page, shots, 'reboot-group-paused');
    await page.getByRole('button', { name: 'Resume group' }).click();
    await page.getByRole('dialog', { name: 'Resume db?' }).getByRole('button', { name: 'Resume now' }).click();
    await page.getByRole('button', { name: 'Pause group' }).waitFor();
    g = await group();
    assert.equal(g.paused, false);
  });

  it('a read-only user sees no group controls, and the server refuses the change sent anyway', async () => {
    const tok = await createToken(s, 'viewer', 'read-only');
    const ctx = await desktopContext(browser);
    try {
      const ro = await ctx.newPage();
      await signIn(ro, s.url, tok.secret, '/reboot-groups/db');
      await ro.getByRole('img', { name: /slots in use/ }).waitFor();
      for (const name of ['Set max', 'Pause group', 'Resume group']) assert.equal(await ro.getByRole('button', { name }).count(), 0, `${name} is not shown`);
      assert.equal(await ro.getByRole('spinbutton').count(), 0);
      const status = await ro.evaluate(async () => {
        const me = await (await fetch('/api/v1/session')).json();
        const res = await fetch('/api/v1/reboot-groups/db', {
          method: 'PUT',
          headers: { 'content-type': 'application/json', 'x-platte-csrf': me.csrf },
          body: JSON.stringify({ max: 0 }),
        });
        return res.status;
      });
      assert.equal(status, 403);
      assert.equal((await group()).max, 5);
    } finally {
      await ctx.close();
    }
  });

  it('lists packages and channels, and refuses a bad plan with the server\'s message', async () => {
    await page.getByRole('link', { name: 'Releases' }).click();
    await page.getByRole('heading', { name: /^Releases of/ }).waitFor();
    await page.getByRole('heading', { name: 'Packages' }).waitFor();
    await page.getByRole('cell', { name: NEW }).waitFor();
    await page.getByLabel('Version').selectOption(NEW);
    await page.getByLabel('Steps (%)').fill('10,50');
    await page.getByRole('button', { name: 'Promote' }).click();
    const dialog = page.getByRole('dialog', { name: `Promote ${NEW} to stable?` });
    await dialog.getByRole('button', { name: 'Promote now' }).click();
    await dialog.getByRole('alert').filter({ hasText: /last step must be 100/ }).waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    const ch = await s.t.http.get(`/api/v1/apps/${FLATCAR}/channels/stable`).set('Authorization', s.t.auth).expect(200);
    assert.equal(ch.body.channel.version, OLD, 'nothing promoted');
  });

  it('promotes with a rollout plan from the Releases page; the rollout page shows it', async () => {
    await page.getByLabel('Steps (%)').fill('10,50,100');
    await page.getByLabel('Soak').fill('1h');
    await page.getByLabel('Halt on failures (%)').fill('20');
    await shoot(page, shots, 'releases');
    await page.getByRole('button', { name: 'Promote' }).click();
    const dialog = page.getByRole('dialog', { name: `Promote ${NEW} to stable?` });
    await dialog.getByText('in steps 10% → 50% → 100%, 1h soak between steps, halting when failures reach 20%').waitFor();
    await dialog.getByRole('button', { name: 'Promote now' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const view = await s.t.http.get(`/api/v1/apps/${FLATCAR}/channels/stable/rollout`).set('Authorization', s.t.auth).expect(200);
    assert.equal(view.body.rollout.version, NEW);
    assert.deepEqual(view.body.rollout.steps.map((x: { percent: number }) => x.percent), [10, 50, 100]);
    assert.equal(view.body.rollout.plan.haltOn.failurePercent, 20);
    await page.getByRole('link', { name: 'Rollout of stable: running' }).click();
    await page.getByRole('heading', { name: /Rollout of stable/ }).waitFor();
    await page.getByText('step 1 of 3').waitFor();
    await shoot(page, shots, 'rollout-from-releases');
  });

  it('reconnects by itself after the server restarts on the same port, and shows new counts without a reload', async () => {
    const live = page.locator('.live-state');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('img', { name: STABLE_BAR }).waitFor();
    await page.waitForFunction(() => document.querySelector('.live-state')?.textContent === 'live');
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
    const before = (await page.getByRole('img', { name: STABLE_BAR }).getAttribute('aria-label')) ?? '';
    const port = Number(new URL(s.url).port);
    await s.close();
    await page.waitForFunction(() => document.querySelector('.live-state')?.textContent === 'polling');
    await shoot(page, shots, 'overview-server-gone');
    s = await servePlatte('embedded', { dataDir }, port);
    assert.ok(s.url.endsWith(`:${port}`), 'the same port');
    await page.waitForFunction(() => document.querySelector('.live-state')?.textContent === 'live', undefined, { timeout: 20_000 });
    for (const m of machines(3, 'b')) await checkIn(s, m, OLD);
    await page.waitForFunction(
      ([pattern, old]) => {
        const bar = Array.from(document.querySelectorAll('[role=img]')).find((e) => new RegExp(pattern).test(e.getAttribute('aria-label') ?? ''));
        return bar !== undefined && bar.getAttribute('aria-label') !== old;
      },
      [STABLE_BAR.source, before] as const,
      { timeout: 15_000 },
    );
    assert.equal(await live.textContent(), 'live');
    assert.equal(await page.evaluate(() => (window as unknown as { marker?: number }).marker), 1, 'the page was not reloaded');
    await shoot(page, shots, 'overview-reconnected');
    assert.deepEqual(errors.filter((e) => !/ERR_CONNECTION_REFUSED|net::|EventSource/.test(e)), [], 'no script error or CSP violation');
  });
});
