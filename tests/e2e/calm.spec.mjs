// Calm by default: with prefers-reduced-motion the lab opens paused (a link that was
// playing too) and asks for no animation frames; messages wait half way along their link
// instead of gliding. The same moments with motion allowed do glide, which shows that a
// message was in flight.

import { OLD_LINK, canvasDigest, eventIndex, playing } from './lab.mjs';

export const contextOptions = { reducedMotion: 'reduce' };

function countFrames() {
  window.__frames = 0;
  const request = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (cb) => {
    window.__frames += 1;
    return request(cb);
  };
}

async function open(h, path) {
  await h.page.goto('about:blank');
  await h.page.goto(h.url(path));
  await h.page.locator('[data-testid=node-list] li').first().waitFor();
  await h.page.waitForTimeout(300);
}

// The canvas at view times `ms` (whole ms, by the scrubber), all after the same event.
async function digestsAt(page, times) {
  const digests = [];
  let event = null;
  for (const ms of times) {
    await page.$eval('[data-testid=scrubber]', (el, v) => {
      el.value = v;
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }, ms);
    await page.waitForTimeout(50);
    const now = await eventIndex(page);
    if (event !== null && now !== event) throw new Error(`an event happened between ${times[0]} and ${ms} ms`);
    event = now;
    digests.push(await page.evaluate(canvasDigest));
  }
  return digests;
}

// A moment with messages in flight and no event for a few ms (the default scenario is seeded).
const STILL = [1_023, 1_025, 1_027];

export async function run(h) {
  const { page, assert } = h;
  await page.addInitScript(countFrames);

  await open(h, '/');
  assert.equal(await playing(page), false, 'the lab opens paused');
  const frames = await page.evaluate(() => window.__frames);
  await page.waitForTimeout(500);
  assert.equal(await page.evaluate(() => window.__frames), frames, 'and asks for no animation frames');
  assert.equal(await page.$eval('[data-testid=scrubber]', (el) => Number(el.value)), 0, 'time stands at 0');

  const still = await digestsAt(page, STILL);
  assert.ok(still.every((d) => d === still[0]), 'messages stay put between events');
  h.log('screenshot:', await h.screenshot('calm-still'));

  await open(h, OLD_LINK);
  assert.equal(await playing(page), false, 'a link that plays elsewhere opens paused');

  // With motion allowed the same moments differ: messages were in flight, and glide.
  await page.emulateMedia({ reducedMotion: 'no-preference' });
  await open(h, '/');
  assert.equal(await playing(page), true, 'with motion allowed the lab plays');
  await page.click('[data-testid=play]');
  const moving = await digestsAt(page, STILL);
  assert.equal(new Set(moving).size, STILL.length, 'with motion allowed, messages glide');
}
