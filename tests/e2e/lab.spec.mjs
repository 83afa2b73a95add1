// The lab as a student uses it: it opens playing, a node is crashed by clicking it on
// the canvas and pressing Crash, the run is shared as a link that reopens it, and a
// tampered link falls back to the default scenario with a clear message (link.spec.mjs
// has the rest of what links keep).

// A fingerprint of the canvas pixels in a small square around a point (CSS pixels), to
// tell whether what is drawn there changed. The square is well inside a node's circle,
// which is drawn over whatever passes beneath it.
const digestAround = ([x, y]) => {
  const c = document.querySelector('[data-testid=canvas]');
  const ratio = c.width / c.getBoundingClientRect().width;
  const half = 10 * ratio;
  const { data } = c.getContext('2d').getImageData(x * ratio - half, y * ratio - half, 2 * half, 2 * half);
  let h = 2166136261;
  for (let i = 0; i < data.length; i += 1) h = Math.imul(h ^ data[i], 16777619);
  return h >>> 0;
};

async function openLab(h, path = '/') {
  const { page, assert } = h;
  // A blank page first, so that a link differing only in its #fragment is a real load.
  await page.goto('about:blank');
  await page.goto(h.url(path));
  await page.locator('[data-testid=canvas]').waitFor({ state: 'visible' });
  await page.locator('[data-testid=node-list] li').first().waitFor();
  const nodes = await page.locator('[data-testid=node-list] li').count();
  assert.ok(nodes >= 3, `expected at least 3 nodes in the list, got ${nodes}`);
  return nodes;
}

async function clockAdvances(page) {
  const clock = page.locator('[data-testid=clock]');
  const first = await clock.innerText();
  await page.waitForFunction(
    (before) => document.querySelector('[data-testid=clock]').innerText !== before,
    first,
    { polling: 100, timeout: 5000 },
  );
}

// Counts animation frames requested by the page, and lets the test hide the tab.
function instrumentPage() {
  window.__frames = 0;
  const request = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (cb) => {
    window.__frames += 1;
    return request(cb);
  };
  window.__setHidden = (hidden) => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
    document.dispatchEvent(new Event('visibilitychange'));
  };
}

async function framesStayIdle(page, assert, what) {
  const before = await page.evaluate(() => window.__frames);
  await page.waitForTimeout(500);
  assert.equal(await page.evaluate(() => window.__frames), before, `no animation frames ${what}`);
}

export async function run(h) {
  const { page, assert } = h;
  await page.addInitScript(instrumentPage);

  // It opens straight onto a running scenario.
  await openLab(h);
  assert.equal(await page.getAttribute('[data-testid=play]', 'aria-pressed'), 'true', 'the lab opens playing');
  await clockAdvances(page);
  assert.match(await page.innerText('[data-testid=invariant-bar]'), /invariants hold/);
  h.log('screenshot:', await h.screenshot('lab-playing'));

  // Pause, then play again with the button.
  await page.click('[data-testid=play]');
  assert.equal(await page.getAttribute('[data-testid=play]', 'aria-pressed'), 'false');
  const paused = await page.innerText('[data-testid=clock]');
  await framesStayIdle(page, assert, 'while paused');
  assert.equal(await page.innerText('[data-testid=clock]'), paused, 'time stands still while paused');
  await page.click('[data-testid=play]');
  await clockAdvances(page);

  // A hidden tab gets no frames either; showing it again resumes playback.
  await page.evaluate(() => window.__setHidden(true));
  await framesStayIdle(page, assert, 'while the tab is hidden');
  await page.evaluate(() => window.__setHidden(false));
  await clockAdvances(page);

  // Keyboard: space pauses, → steps one event, ← steps back.
  await page.locator('body').click({ position: { x: 2, y: 2 } });
  await page.keyboard.press(' ');
  assert.equal(await page.getAttribute('[data-testid=play]', 'aria-pressed'), 'false', 'space pauses');
  const eventText = () => page.innerText('.span-info');
  const atPause = await eventText();
  await page.keyboard.press('ArrowRight');
  const stepped = await eventText();
  assert.notEqual(stepped, atPause, '→ steps one event');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await eventText(), atPause, '← steps back to where it was');
  await page.keyboard.press(' ');
  await clockAdvances(page);

  // Crash node B: pause so the canvas only changes because of the crash, click B on
  // the canvas, press Crash.
  await page.click('[data-testid=play]');
  const canvas = page.locator('[data-testid=canvas]');
  const centers = JSON.parse(await canvas.getAttribute('data-node-centers'));
  const box = await canvas.boundingBox();
  await page.mouse.click(box.x + centers[1][0], box.y + centers[1][1]);
  await page.locator('[data-testid=node-B].is-selected').waitFor();
  assert.match(await page.innerText('[data-testid=inspector] h2'), /\bB\b/);
  // The crash must show on B and nowhere else: B's circle changes, the node farthest
  // from it does not (the run is paused, so nothing else moves).
  const distance = (a, b) => Math.hypot(a[0] - b[0], a[1] - b[1]);
  const farthest = centers.reduce((best, c, i) => (distance(c, centers[1]) > distance(centers[best], centers[1]) ? i : best), 0);
  const [bBefore, otherBefore] = await Promise.all([centers[1], centers[farthest]].map((c) => page.evaluate(digestAround, c)));
  await page.click('[data-testid=crash]');
  await page.locator('[data-testid=node-B][data-liveness=crashed]').waitFor();
  await page.locator('[data-testid=restart]').waitFor();
  assert.notEqual(await page.evaluate(digestAround, centers[1]), bBefore, 'B is drawn as crashed');
  assert.equal(await page.evaluate(digestAround, centers[farthest]), otherBefore, `node ${farthest} is drawn as before`);
  h.log('screenshot:', await h.screenshot('lab-crashed'));

  // Share: the address bar and the share box carry the run.
  await page.click('[data-testid=share]');
  const shared = await page.locator('[data-testid=share-link]').inputValue();
  assert.match(shared, /#s=2\./, `share link: ${shared}`);
  assert.equal(new URL(page.url()).hash, new URL(shared).hash, 'the address bar shows the shared link');
  h.log('screenshot:', await h.screenshot('lab-shared'));

  // The link reopens the run, with the crash in its timeline and no error.
  await openLab(h, new URL(shared).pathname + new URL(shared).hash);
  assert.equal(await page.locator('[data-testid=notice]').count(), 0, 'a good link opens without complaint');
  const marks = await page.locator('.mark[title]').evaluateAll((els) => els.map((e) => e.title));
  assert.ok(marks.some((t) => /crash B/.test(t)), `the crash is in the shared timeline: ${marks.join(' | ')}`);
  await page.locator('[data-testid=node-B][data-liveness=crashed]').waitFor({ timeout: 20_000 });

  // A tampered link: a clear message, and the default scenario running underneath.
  await openLab(h, '/#s=garbage');
  const notice = page.locator('[data-testid=notice]');
  await notice.waitFor();
  const text = await notice.innerText();
  assert.match(text, /This link is damaged, so it cannot be opened\./);
  await clockAdvances(page);
  assert.equal(await page.getAttribute('[data-testid=play]', 'aria-pressed'), 'true');
  h.log('screenshot:', await h.screenshot('lab-bad-link'));
  await page.click('[data-testid=notice] [data-testid=dismiss]');
  assert.equal(await notice.count(), 0, 'the message can be dismissed');
}
