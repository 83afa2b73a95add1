// Embed options in the query (docs/embed.md): autoplay, speed, a locked range that the
// scrubber and playback stay inside (and loop replays), the panels, the theme; bad values
// are refused with a visible message and the lab still runs on the defaults.

import { playing, viewMs } from './lab.mjs';

// The view's time as the clock says it (the slider's own value is clamped to its min and max).
const clock = (page) => page.innerText('[data-testid=clock]');
const bodyBackground = (page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);

async function open(page, url) {
  await page.goto(url);
  await page.locator('[data-testid=scrubber]').waitFor();
}

export async function run(h) {
  const { page, assert } = h;

  // Autoplay off: the embed waits; on, at 4×, time moves.
  await open(page, h.url('/?embed&autoplay=0'));
  await page.waitForTimeout(300);
  assert.ok(!(await playing(page)), 'autoplay=0 waits');
  assert.equal(await viewMs(page), 0);
  await open(page, h.url('/?embed&autoplay=1&speed=4'));
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=scrubber]').value) > 500);
  assert.ok(await playing(page), 'autoplay=1 plays');
  assert.match(await page.innerText('.speed output'), /^4×$/);

  // A locked range: the scrubber spans it, playback starts at from and stops at to.
  await open(page, h.url('/?embed&from=2000&to=3000&speed=4&autoplay=0'));
  const scrubber = page.locator('[data-testid=scrubber]');
  assert.equal(await scrubber.getAttribute('min'), '2000');
  assert.equal(await scrubber.getAttribute('max'), '3000');
  assert.equal(await clock(page), '2.00 s', 'opens at from');
  await page.click('[data-testid=play]');
  await page.waitForFunction(() => document.querySelector('[data-testid=play]').getAttribute('aria-pressed') === 'false');
  assert.equal(await clock(page), '3.00 s', 'stops at to');
  await page.keyboard.press('Home');
  assert.equal(await clock(page), '2.00 s', 'the start is the range start');
  await page.keyboard.press('End');
  assert.equal(await clock(page), '3.00 s', 'the end is the range end');
  await page.keyboard.press('Shift+ArrowRight');
  assert.equal(await clock(page), '3.00 s', 'a second on stays inside');
  await h.screenshot('embed-options-range');

  // Loop: the range plays again from its start, and keeps playing.
  await open(page, h.url('/?embed&from=1000&to=1500&speed=4&loop=1'));
  let wrapped = false;
  let last = await viewMs(page);
  for (let i = 0; i < 40 && !wrapped; i += 1) {
    await page.waitForTimeout(50);
    const now = await viewMs(page);
    wrapped = now < last;
    last = now;
    assert.ok(now >= 1000 && now <= 1500, `inside the range: ${now}`);
  }
  assert.ok(wrapped, 'the loop went back to the range start');
  assert.ok(await playing(page), 'and plays on');

  // Theme: forced either way, whatever the system prefers.
  await page.emulateMedia({ colorScheme: 'light' });
  await open(page, h.url('/?embed&theme=dark'));
  assert.equal(await bodyBackground(page), 'rgb(15, 18, 23)', 'dark on a light system');
  await h.screenshot('embed-options-dark');
  await page.emulateMedia({ colorScheme: 'dark' });
  await open(page, h.url('/?embed&theme=light'));
  assert.equal(await bodyBackground(page), 'rgb(243, 244, 247)', 'light on a dark system');
  await page.emulateMedia({ colorScheme: 'light' });

  // Panels: the diagram without the network, then all three.
  await open(page, h.url('/?embed&panels=diagram'));
  await page.locator('[data-testid=diagram-canvas]').waitFor();
  assert.ok(!(await page.locator('[data-testid=canvas]').isVisible()), 'no network');
  assert.ok(!(await page.locator('[data-testid=charts]').isVisible()), 'no charts');
  await h.screenshot('embed-options-diagram');
  await open(page, h.url('/?embed&panels=canvas,diagram,charts'));
  for (const shown of ['canvas', 'diagram-canvas', 'charts']) {
    assert.ok(await page.locator(`[data-testid=${shown}]`).isVisible(), `${shown} shows`);
  }

  // Bad values: each says so, the defaults stand, and the run plays.
  await open(page, h.url('/?embed&speed=fast&theme=neon&from=9000&to=3000&panels=map&origin=*'));
  const notices = await page.locator('[data-testid=notice]').allInnerTexts();
  for (const says of ['speed="fast"', 'theme="neon"', 'from= must come before to=', 'panels="map"', 'origin="*"']) {
    assert.ok(notices.some((n) => n.includes(says)), `${says} in ${JSON.stringify(notices)}`);
  }
  assert.ok(await page.locator('[data-testid=canvas]').isVisible(), 'the network shows');
  assert.equal(await scrubber.getAttribute('min'), '0', 'the whole run');
  await h.screenshot('embed-options-bad-values');
}
