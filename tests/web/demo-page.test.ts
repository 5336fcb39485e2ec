// `platte demo` as a person sees it: the demo (a small fleet, fast) runs in this process, Chromium
// signs in on the rollout page the banner names, and the page follows the rollout through its
// steps without a reload. Platte runs on the simulator's clock, so the open step's soak bar is read
// against the server's clock (X-Platte-Clock), not the browser's: it must move, and within the soak.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { runDemo, type DemoResult } from '../../platte/demo.ts';
import { desktopPage, ensureDashboardBuilt, launchChromium, screenshotDir, shoot, signIn } from './harness.ts';

const HOUR = 3600_000;
const SPEED = 400;

interface Demo {
  /** Its rollout page and token, once the banner is out. */
  banner: Promise<{ rolloutUrl: string; url: string; token: string }>;
  /** The fleet is done and Platte keeps serving (until Ctrl-C, as a person would press it). */
  served: Promise<void>;
  done: Promise<DemoResult>;
}

/** Runs the demo in this process, without --exit: the page keeps its server after the fleet. */
function startDemo(): Demo {
  const out = new PassThrough();
  let text = '';
  let served!: () => void;
  const servedP = new Promise<void>((resolve) => (served = resolve));
  const banner = new Promise<{ rolloutUrl: string; url: string; token: string }>((resolve) => {
    out.on('data', (d: Buffer) => {
      text += d.toString();
      const page = /Open (http:\/\/\S+?)(\/rollouts\/\S+) and sign in/.exec(text);
      const token = /PLATTE_TOKEN=([0-9a-f]{48})/.exec(text);
      if (page && token) resolve({ url: page[1]!, rolloutUrl: page[2]!, token: token[1]! });
      if (text.includes('Platte keeps running')) served();
    });
  });
  const done = runDemo({
    nodes: 100,
    speed: SPEED,
    port: 0,
    host: '127.0.0.1',
    groups: ['web', 'db'],
    slots: 5,
    faults: [],
    seed: 1,
    rollout: true,
    exitWhenDone: false,
    progress: false,
    stopServing: stopServing.signal,
    out,
  });
  const early = done.then(() => Promise.reject(new Error(`the demo ended too early:\n${text}`)));
  return { banner: Promise.race([banner, early]), served: Promise.race([servedP, early]), done };
}

/** Ends the demo's serving after the fleet, as Ctrl-C would (the test runner owns SIGINT itself). */
const stopServing = new AbortController();
const pressCtrlC = () => stopServing.abort();

describe('the demo in a browser', () => {
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let shots: string;
  let demo: Demo;

  before(async () => {
    ensureDashboardBuilt();
    shots = screenshotDir('demo-page');
    browser = await launchChromium();
    ({ page, errors } = await desktopPage(browser));
    demo = startDemo();
  });

  after(async () => {
    await browser?.close();
    if (demo) {
      await demo.served.catch(() => undefined);
      pressCtrlC();
      await demo.done.catch(() => undefined);
    }
  });

  const offered = () => page.locator('.headline .stat', { hasText: 'Offered to' }).innerText();
  const soakOf = (step: number) => page.getByRole('progressbar', { name: `soak of step ${step}` });

  it('shows the rollout moving through its steps, with soak times by the server clock, without a reload', async () => {
    const { url, rolloutUrl, token } = await demo.banner;
    await signIn(page, url, token, rolloutUrl);
    await page.getByRole('heading', { name: /Rollout of stable/ }).waitFor();
    // A mark in the page: a reload or a navigation would lose it.
    await page.evaluate(() => ((window as unknown as { demoMark: number }).demoMark = 1));

    await page.getByText('step 2 of 3').waitFor({ timeout: 30_000 });
    assert.match(await offered(), /50%/);
    // The open step's soak: elapsed by the server's clock, which runs SPEED× faster than the browser's.
    const first = Number(await soakOf(2).getAttribute('value'));
    await page.waitForTimeout(3000);
    await page.getByText('step 2 of 3').waitFor();
    const second = Number(await soakOf(2).getAttribute('value'));
    assert.ok(first >= 0 && second <= 2 * HOUR, `soak values ${first}, ${second}`);
    // 3 s real are up to 20 simulated minutes at 400× (less when the simulator is busy, and the bar
    // moves when the page draws, on each new answer); by the browser's own clock at most 3 s.
    assert.ok(second - first >= 60_000, `the soak bar moved ${(second - first) / 1000} s in 3 s real`);
    await shoot(page, shots, 'rollout-step-2');

    await page.getByText('step 3 of 3').waitFor({ timeout: 30_000 });
    assert.match(await offered(), /100%/);
    await page.getByRole('heading', { name: /Rollout of stable/ }).getByText('completed').waitFor({ timeout: 30_000 });
    await shoot(page, shots, 'rollout-completed');
    assert.equal(await page.evaluate(() => (window as unknown as { demoMark?: number }).demoMark), 1, 'the page was not reloaded');
    assert.deepEqual(errors, []);

    await demo.served;
    pressCtrlC();
    const result = await demo.done;
    assert.equal(result.rollout?.state, 'completed');
    assert.deepEqual(
      result.rollout?.history.map((h) => h.action),
      ['start', 'step', 'step', 'complete'],
    );
  });
});
