// The rollout page's "Failures against the halt threshold" chart in headless Chromium, against an
// in-process Platte on a fake clock: before any snapshot it says it has no points yet (and still
// gives the numbers now); after two snapshots around a real error event it draws the failure rate
// against the plan's haltOn.failurePercent, names itself for screen readers and says
// "1 of 20 granted failed (5 %); halts at 30 %". A count-only plan draws failed nodes against
// haltOn.failures, and says which failures the halt rule no longer counts. Screenshots are saved
// (folder printed).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ueRequest } from '../helpers/omaha.ts';
import { ADMIN_TOKEN, seedRelease } from '../helpers/platte.ts';
import {
  checkIn,
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
} from './harness.ts';

const MINUTE = 60_000;
const HEADING = 'Failures against the halt threshold';
const nodes = machines(20, 'e');

describe('the rollout failure chart in a browser', () => {
  let s: Served;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let shots: string;
  const rolloutPath = `/rollouts/${FLATCAR}/stable`;
  const promote = (haltOn: Record<string, number>) =>
    s.t.http
      .put(`/api/v1/apps/${FLATCAR}/channels/stable`)
      .set('Authorization', s.t.auth)
      .send({ version: NEW, rollout: { steps: [{ percent: 100, soak: '1h' }], haltOn } })
      .expect(200);

  before(async () => {
    ensureDashboardBuilt();
    shots = screenshotDir('failure-chart');
    s = await servePlatte('embedded');
    await seedRelease(s.t, { versions: [OLD, NEW], channelVersion: OLD });
    for (const m of nodes) await checkIn(s, m, OLD);
    await promote({ failurePercent: 30 });
    for (const m of nodes) assert.equal(await checkIn(s, m, OLD), NEW, `${m} is granted ${NEW}`);
    browser = await launchChromium();
    ({ page, errors } = await desktopPage(browser));
  });

  after(async () => {
    await browser?.close();
    await s?.close();
  });

  const section = () => page.getByRole('region', { name: HEADING });

  it('says there are no points yet before the first snapshot, with the numbers now', async () => {
    await signIn(page, s.url, ADMIN_TOKEN, rolloutPath);
    await section().waitFor();
    await section().getByText('No points of this rollout yet').waitFor();
    await section().getByText('0 of 20 granted failed (0 %); halts at 30 %').waitFor();
    assert.equal(await section().getByRole('img').count(), 0, 'no chart without points');
  });

  it('draws the failure rate against the percent threshold, with an accessible name and the numbers now', async () => {
    await s.t.platte.live.series.snapshotNow();
    s.t.advance(MINUTE);
    // A real failure: node 0 reports an error event for the update.
    await s.t.http.post('/v1/update/').send(ueRequest({ machineid: nodes[0]!, version: OLD, updatecheck: false, events: [{ type: 3, result: 0, errorcode: 9 }] })).expect(200);
    await s.t.platte.live.series.snapshotNow();
    const series = await s.t.http.get(`/api/v1/apps/${FLATCAR}/series?dimension=rollout&name=stable&version=${NEW}&range=1h`).set('Authorization', s.t.auth).expect(200);
    assert.deepEqual(series.body.points.map((p: { counts: { granted: number; failed: number } }) => [p.counts.granted, p.counts.failed]), [[20, 0], [20, 1]]);

    await page.reload();
    const chart = section().getByRole('img', { name: `failure rate of ${NEW} on stable against the halt threshold of 30 %, over 1h` });
    await chart.waitFor();
    await section().getByText('1 of 20 granted failed (5 %); halts at 30 %').waitFor();
    // uPlot's legend names both lines: the rate and the threshold drawn across it.
    await section().getByText('failure rate (%)').waitFor();
    await section().getByText('halt threshold (30 %)').waitFor();
    assert.ok((await chart.locator('canvas').count()) > 0, 'uPlot drew on a canvas');
    await shoot(page, shots, 'rollout-failure-chart');
  });

  it('draws failed nodes against haltOn.failures when the plan halts on a count', async () => {
    // Aborted and started again with another plan: the counters (and so the series) stay.
    await s.t.http.post(`/api/v1/apps/${FLATCAR}/channels/stable/rollout/abort`).set('Authorization', s.t.auth).send({}).expect(200);
    await promote({ failures: 3 });
    await s.t.platte.live.series.snapshotNow();
    s.t.advance(MINUTE);
    await s.t.platte.live.series.snapshotNow();
    await page.reload();
    await section().getByRole('img', { name: `failed nodes of ${NEW} on stable against the halt threshold of 3 failures, over 1h` }).waitFor();
    // The new start acknowledged the earlier failure: the halt rule counts 0, the chart still 1.
    await section().getByText('0 of 20 granted failed (0 %); halts at 3 failures; 1 earlier failure is not held against the threshold; the chart still counts it').waitFor();
    await section().getByText('halt threshold (3 failures)').waitFor();
    await shoot(page, shots, 'rollout-failure-chart-count');
    assert.deepEqual(errors, [], 'no script error or CSP violation');
  });
});
