// Calm by default: with prefers-reduced-motion the lab opens paused (a link that was
// playing too) and asks for no animation frames; messages wait half way along their link
// instead of gliding. The same moments with motion allowed do glide, which shows that a
// message was in flight.

export const contextOptions = { reducedMotion: 'reduce' };

// A link made before links carried the moment: it opens playing where motion is allowed.
const OLD_LINK =
  '/#s=1.VZDBTsQwDER_JfI5QmkRCOUfEBduK1SF1F0i0rhy3V2Wqv-OU8RquSWTeZOxVzghz4kK-MbCxCQUKYMHGoYUESycAqdQRKVIzBhFtUI9zuAfLMyIvaLKSpKM6nr9QPNN43tC8xxSMS97kDfBZCpHM4VlrrEF5Uz8CX6FHARLvHSjRh5aZ5_cm4WeaQLv7pwelymnqKb9vlmoYKbQV5hV7ybkTuG2uhmFL10YRLWa2Dqn6hi-ut-Xqt27q3gOSVI56jCuRksaMaeiXx1WCFH2zcBf6SA7_rjTdQnaaLM3RsZ5GW-cTfPPqnMtRVK-FnPbDw';

const playing = async (page) => (await page.getAttribute('[data-testid=play]', 'aria-pressed')) === 'true';
const eventIndex = async (page) => Number((await page.innerText('.span-info')).match(/event (\d+)/)[1]);

function countFrames() {
  window.__frames = 0;
  const request = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (cb) => {
    window.__frames += 1;
    return request(cb);
  };
}

const canvasDigest = () => {
  const c = document.querySelector('[data-testid=canvas]');
  const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
  let h = 2166136261;
  for (let i = 0; i < data.length; i += 1) h = Math.imul(h ^ data[i], 16777619);
  return h >>> 0;
};

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
