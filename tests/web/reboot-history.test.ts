// A node's reboot slots and operators' reboot-group actions in a browser (Debian's headless
// Chromium): a node takes and gives back a slot over FleetLock and the instance page lists both
// lines with the group and the fencing token; a node that never held one says so; an operator's
// force-unlock of another node shows in Activity among the app's own entries, filterable by kind
// and words, and a new one shows up there without a reload. Screenshots go to the printed folder.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { slotActionMessage, slotWhat } from '../../web/src/components/slot-events.ts';
import { ADMIN_TOKEN, FLATCAR, seedRelease } from '../helpers/platte.ts';
import {
  checkIn,
  createToken,
  desktopPage,
  ensureDashboardBuilt,
  launchChromium,
  machines,
  OLD,
  screenshotDir,
  type Served,
  servePlatte,
  shoot,
  signIn,
  takeSlot,
} from './harness.ts';

const [NODE, QUIET] = machines(2, 'c') as [string, string];

describe('reboot history on the instance page and in Activity', () => {
  let s: Served;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  let errors: string[];
  let shots: string;
  let ops: string;

  const steady = (group: string, id: string) =>
    s.t.http.post('/v1/steady-state').set('fleet-lock-protocol', 'true').send({ client_params: { id, group } }).expect(200);
  const forceUnlock = (group: string, id: string) =>
    s.t.http.delete(`/api/v1/reboot-groups/${group}/holders/${id}`).query({ reason: 'stuck in reboot' }).set('Authorization', `Bearer ${ops}`).expect(200);

  before(async () => {
    ensureDashboardBuilt();
    shots = screenshotDir('reboot-history');
    s = await servePlatte('embedded');
    await seedRelease(s.t, { channelVersion: OLD });
    for (const m of [NODE, QUIET]) await checkIn(s, m, OLD);
    ops = (await createToken(s, 'ops-alice', 'release')).secret;
    await s.t.http.put('/api/v1/reboot-groups/workers').set('Authorization', s.t.auth).send({ max: 2 }).expect(200);
    assert.equal(await takeSlot(s, 'workers', NODE), 200);
    s.t.advance(60_000);
    await steady('workers', NODE);
    s.t.advance(60_000);
    assert.equal(await takeSlot(s, 'workers', 'node-7'), 200);
    s.t.advance(60_000);
    await forceUnlock('workers', 'node-7');
    browser = await launchChromium();
    ({ ctx, page, errors } = await desktopPage(browser));
  });

  after(async () => {
    await ctx?.close();
    await browser?.close();
    await s?.close();
  });

  const slotRows = () => page.getByRole('region', { name: 'Reboot slots' }).locator('tbody tr');

  it("lists a node's slot lines: when, group (a link to it), what, fencing token", async () => {
    await signIn(page, s.url, ADMIN_TOKEN, `/instances/${FLATCAR}/${NODE}`);
    await page.getByRole('heading', { name: 'Reboot slots' }).waitFor();
    await slotRows().filter({ hasText: 'released' }).waitFor();
    const rows = await slotRows().evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent?.trim())));
    assert.deepEqual(rows.map((r) => r.slice(1)), [
      ['workers', 'released', '1'],
      ['workers', 'granted', '1'],
    ]);
    assert.ok(rows.every((r) => r[0] && /2026/.test(r[0])), `a time in each row: ${rows.map((r) => r[0]).join(', ')}`);
    await shoot(page, shots, 'instance-reboot-slots');
    await slotRows().first().getByRole('link', { name: 'workers' }).click();
    await page.getByRole('heading', { name: /Reboot group workers/ }).waitFor();
  });

  it('says so when a node never held a slot', async () => {
    await page.goto(`${s.url}/instances/${FLATCAR}/${QUIET}`);
    await page.getByRole('region', { name: 'Reboot slots' }).getByText('This node never held a reboot slot.').waitFor();
    assert.equal(await slotRows().count(), 1);
  });

  it("shows an operator's force-unlock in Activity with the app's entries, filterable by kind and words", async () => {
    await page.getByRole('link', { name: 'Activity' }).click();
    const unlock = page.locator('.timeline li').filter({ hasText: 'force-unlocked node-7 in group workers: stuck in reboot' });
    await unlock.waitFor();
    assert.match((await unlock.textContent()) ?? '', /reboot-group\.force-unlock.*by ops-alice/);
    const kinds = await page.getByLabel('Kind').locator('option').allTextContents();
    assert.ok(kinds.includes('reboot-group.force-unlock') && kinds.includes('reboot-group.create'), kinds.join(', '));
    assert.ok(kinds.some((k) => !k.startsWith('reboot-group.') && k !== 'any'), `the app's own kinds are still listed: ${kinds.join(', ')}`);
    assert.equal(await page.locator('.timeline li').filter({ hasText: 'granted' }).count(), 0, "a node's own lines are not an operator's action");
    await shoot(page, shots, 'activity-with-reboot-actions');
    await page.getByLabel('Kind').selectOption('reboot-group.force-unlock');
    await page.waitForFunction(() => document.querySelectorAll('.timeline li').length === 1);
    await page.getByLabel('Kind').selectOption('');
    await page.getByLabel('Contains').fill('ops-alice');
    await page.waitForFunction(() => {
      const items = Array.from(document.querySelectorAll('.timeline li'));
      return items.length === 1 && items[0]?.textContent?.includes('force-unlocked node-7');
    });
    await shoot(page, shots, 'activity-filtered');
  });

  it('shows a new force-unlock in Activity without a reload', async () => {
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
    s.t.advance(60_000);
    assert.equal(await takeSlot(s, 'workers', 'node-8'), 200);
    await forceUnlock('workers', 'node-8');
    await page.locator('.timeline li').filter({ hasText: 'force-unlocked node-8 in group workers' }).waitFor();
    assert.equal(await page.evaluate(() => (window as unknown as { marker?: number }).marker), 1, 'no reload');
    assert.deepEqual(errors, []);
  });
});

describe('how a slot line reads', () => {
  const at = '2026-11-25T12:00:00.000Z';
  it('on the instance page', () => {
    assert.equal(slotWhat({ group: 'g', at, event: 'grant', by: 'node' }), 'granted');
    assert.equal(slotWhat({ group: 'g', at, event: 'release', by: 'node' }), 'released');
    assert.equal(slotWhat({ group: 'g', at, event: 'release', by: 'omaha', detail: 'node reported version 4081.2.0' }), 'released after the update (node reported version 4081.2.0)');
    assert.equal(slotWhat({ group: 'g', at, event: 'expire', by: 'lease', freed: true }), 'lease ran out, slot freed');
    assert.equal(slotWhat({ group: 'g', at, event: 'expire', by: 'lease', freed: false }), 'lease ran out, slot kept until an operator acts');
    assert.equal(slotWhat({ group: 'g', at, event: 'force-unlock', by: 'alice', detail: 'stuck' }), 'force-unlocked by alice: stuck');
  });
  it('in Activity', () => {
    assert.equal(slotActionMessage({ group: 'workers', at, event: 'force-unlock', holder: 'node-7', by: 'alice' }), 'force-unlocked node-7 in group workers');
    assert.equal(slotActionMessage({ group: 'db', at, event: 'pause', by: 'alice', detail: 'reason: disks' }), 'paused group db: reason: disks');
    assert.equal(slotActionMessage({ group: 'db', at, event: 'resume', by: 'alice' }), 'resumed group db');
    assert.equal(slotActionMessage({ group: 'db', at, event: 'configure', by: 'alice', detail: 'max=3' }), 'changed group db: max=3');
    assert.equal(slotActionMessage({ group: 'db', at, event: 'create', by: 'alice', max: 1 }), 'created group db');
  });
});
