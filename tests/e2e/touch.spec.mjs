// Touch, on a phone: a tap on a node selects it and shows its actions; a finger drags a
// node off to cut it off from the others, and (as the mouse does too) onto another node to
// put it back on that one's side, which heals a split of two; two fingers pinch the
// space-time diagram's timeline, apart to zoom in and together to zoom out.

export const contextOptions = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, hasTouch: true, isMobile: true };

import { playing } from './lab.mjs';

// The faults in the trace so far, in words.
const faults = (page) => page.$$eval('.trace-row--fault .text', (rows) => rows.map((r) => r.textContent));

const span = async (page) => Number(await page.getAttribute('[data-testid=diagram-canvas]', 'data-span-ms'));

// Two fingers on the diagram, `from` pixels either side of its middle, spread (or
// closed) to `to` pixels, in steps: the browser's own touch events, as a phone sends them.
async function pinch(page, cdp, from, to) {
  const box = await page.locator('[data-testid=diagram-canvas]').boundingBox();
  const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
  const fingers = (d) => [
    { x: x - d, y, id: 1 },
    { x: x + d, y, id: 2 },
  ];
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: fingers(from) });
  for (let i = 1; i <= 8; i += 1) {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: fingers(from + ((to - from) * i) / 8) });
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
}

export async function run(h) {
  const { page, assert } = h;
  await page.goto(h.url('/'));
  await page.locator('[data-testid=node-list] li').first().waitFor();

  // A tap on C's circle selects C: the inspector offers C's actions.
  if (await playing(page)) await page.click('[data-testid=play]');
  const canvas = page.locator('[data-testid=canvas]');
  await canvas.scrollIntoViewIfNeeded(); // a finger touches what is on screen
  const [cx, cy] = JSON.parse(await canvas.getAttribute('data-node-centers'))[2];
  const box = await canvas.boundingBox();
  await page.touchscreen.tap(box.x + cx, box.y + cy);
  await page.locator('[data-testid=crash]').waitFor();
  assert.match(await page.innerText('[data-testid=crash]'), /C$/, 'the tapped node’s crash button');

  // A finger drags B sideways off its place: B is cut off (the trace says so, and the
  // network panel's Heal button is what undoes it); a tap is not a drag, and after the
  // drag C stays the one selected.
  const cdp = await page.context().newCDPSession(page);
  const centers = JSON.parse(await canvas.getAttribute('data-node-centers'));
  const at = ([x, y]) => ({ x: box.x + x, y: box.y + y, id: 1 });
  const [bx, by] = centers[1];
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [at([bx, by])] });
  for (let i = 1; i <= 6; i += 1) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [at([bx - 12 * i, by + 2 * i])] });
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await page.keyboard.press('ArrowRight');
  assert.deepEqual(await faults(page), ['split A C D E | B'], 'B dragged off is cut off');
  assert.match(await page.innerText('[data-testid=crash]'), /C$/, 'a drag selects nothing');

  // The mouse drags B onto A: back on the only other side, the network heals.
  await page.mouse.move(box.x + bx, box.y + by);
  await page.mouse.down();
  await page.mouse.move(box.x + centers[0][0], box.y + centers[0][1], { steps: 6 });
  await page.mouse.up();
  await page.keyboard.press('ArrowRight');
  assert.deepEqual(await faults(page), ['split A C D E | B', 'heal the network'], 'B dropped on A heals the split');

  await page.locator('[data-testid=diagram-canvas]').scrollIntoViewIfNeeded();
  const before = await span(page);
  await pinch(page, cdp, 30, 120);
  const zoomedIn = await span(page);
  assert.ok(zoomedIn < before / 2.5 && zoomedIn > before / 5, `fingers 4× further apart zoom in about 4×: ${before} → ${zoomedIn} ms`);
  await pinch(page, cdp, 120, 60);
  const zoomedOut = await span(page);
  assert.ok(Math.abs(zoomedOut / zoomedIn - 2) < 0.3, `fingers half as far apart zoom out 2×: ${zoomedIn} → ${zoomedOut} ms`);
}
