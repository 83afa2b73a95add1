// A scrubber that goes anywhere: on a run of one virtual hour, the handle goes anywhere on
// the track at once, ahead of what has been played, and the simulator runs ahead to it a
// slice per animation frame, saying how far it has got, while the page keeps drawing; End
// does the same. Hovering the track shows the time under the pointer.

import { eventIndex, viewMs } from './lab.mjs';

// The benchmark office (benches/scenarios/office-5-60min.json): 5 branches, 5 parents/s,
// one hour, as a version 1 link (`quorum-sim encode`).
const HOUR_LINK =
  '/#s=1.VZDdboMwDIVfBfna6tLfTVzuNRBCWXDbqCFBxrSrqr77HJjWcZecnPP5xA-4Eg8-RSjXCD0nSS4FKCEdj94RIFwtextFJZeYyYlqMbU0QLlHGIhaKN8RxEsgNX1SdOfO8qWYCVjsiy-2KtKQz71lijK86eVgis7HURSlSJJb4guUDwhWFHJvOh1RbQx-mBqh5dRDaVZGa7ZjH7xT1yQ8EXIyJNvmNKve9MRNLrgyCEzC98YeRbWM3Bijame_m_kla1vzJ96sFx9PGjYZLb6j4KOOqh5gnUyrAv2FfjifEaxMiPWMOHEa-1y8MriusdrgFnd1_cR_6TPZ8ArmPmbx7tgO55fht1xeuroXTqZBtMrLu1t6dXFjFB9mzsFMo34A';

// "30 min 00.0 s" → 1 800 000.
const minutesMs = (text) => {
  const [, min, s] = text.match(/^(\d+) min (\d+\.\d) s$/);
  return Number(min) * 60_000 + Number(s) * 1000;
};

// Counts animation frames, and records every value the run-ahead progress bar shows.
function instrument() {
  window.__frames = 0;
  window.__progress = [];
  const request = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (cb) =>
    request((t) => {
      window.__frames += 1;
      const bar = document.querySelector('[data-testid=running-ahead] progress');
      if (bar) window.__progress.push(bar.value);
      cb(t);
    });
}

async function open(h) {
  await h.page.goto('about:blank');
  await h.page.goto(h.url(HOUR_LINK));
  await h.page.locator('[data-testid=node-list] li').first().waitFor();
  // Paused, at the start: nothing past the first moments has been simulated.
  await h.page.locator('body').click({ position: { x: 2, y: 2 } });
  await h.page.keyboard.press(' ');
  h.assert.equal(await h.page.getAttribute('[data-testid=play]', 'aria-pressed'), 'false');
}

// Waits for a run ahead to finish, and checks that it was drawn a slice at a time.
async function ranAheadInSlices(h, what) {
  const { page, assert } = h;
  await page.locator('[data-testid=at-end]').waitFor({ timeout: 60_000 });
  assert.equal(await page.locator('[data-testid=running-ahead]').count(), 0, `${what}: the progress is gone`);
  const shown = await page.evaluate(() => window.__progress);
  assert.ok(shown.length >= 2, `${what}: the progress was drawn in ${shown.length} frames`);
  assert.ok(shown.some((v) => v > 0 && v < 1), `${what}: part-way progress was shown: ${shown.join(' ')}`);
  assert.ok(shown.every((v, i) => i === 0 || v >= shown[i - 1]), `${what}: progress only grows`);
  assert.ok((await eventIndex(page)) > 100_000, `${what}: an hour of events ran`);
}

export async function run(h) {
  const { page, assert } = h;
  await page.addInitScript(instrument);
  await open(h);
  const end = Number(await page.getAttribute('[data-testid=scrubber]', 'max'));
  assert.equal(end, 3_600_000, 'the track spans the scenario: an hour');

  // Hovering the track shows the time under the pointer.
  const track = await page.locator('.track').boundingBox();
  // Within a pixel's worth of time.
  const near = (text, ms) => Math.abs(minutesMs(text) - ms) <= end / track.width;
  await page.mouse.move(track.x + track.width / 2, track.y + track.height / 2);
  const half = await page.innerText('[data-testid=hover-time]');
  assert.ok(near(half, 1_800_000), `half way is 30 minutes, not ${half}`);
  await page.mouse.move(track.x + track.width / 4, track.y + track.height / 2);
  const quarter = await page.innerText('[data-testid=hover-time]');
  assert.ok(near(quarter, 900_000), `a quarter of the way is 15 minutes, not ${quarter}`);
  await page.mouse.move(2, 2);
  assert.equal(await page.locator('[data-testid=hover-time]').count(), 0, 'gone when the pointer leaves');

  // Dragging the handle near the end, far past what has been played: the handle and the
  // clock go there at once, and the simulator catches up a slice per frame.
  await page.$eval('[data-testid=scrubber]', (el) => {
    el.value = 3_500_000;
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
  assert.equal(await viewMs(page), 3_500_000, 'the handle stays where it was put');
  assert.equal(await page.innerText('[data-testid=clock]'), '58 min 20.0 s', 'the clock says the same');
  await page.locator('[data-testid=running-ahead]').waitFor();
  assert.match(await page.innerText('[data-testid=running-ahead]'), /Simulating up to 58 min 20\.0 s/);
  await page.waitForFunction(() => !document.querySelector('[data-testid=running-ahead]'), null, { timeout: 60_000 });
  assert.equal(await viewMs(page), 3_500_000);
  const shown = await page.evaluate(() => window.__progress);
  assert.ok(shown.some((v) => v > 0 && v < 1), `part-way progress was shown: ${shown.join(' ')}`);
  assert.equal(await page.getAttribute('[data-testid=play]', 'aria-pressed'), 'false', 'still paused');

  // End from the start of a fresh copy: the same slices, then the end of the scenario.
  await open(h);
  await page.evaluate(() => { window.__progress = []; });
  const frames = await page.evaluate(() => window.__frames);
  await page.keyboard.press('End');
  assert.equal(await viewMs(page), end, 'End puts the handle at the end at once');
  await ranAheadInSlices(h, 'End');
  assert.ok((await page.evaluate(() => window.__frames)) - frames >= 5, 'the page kept drawing frames meanwhile');
  h.log('screenshot:', await h.screenshot('scrub-end'));
}
