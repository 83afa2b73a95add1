// Touch, on a phone: a tap on a node selects it and shows its actions; two fingers
// pinch the space-time diagram's timeline, apart to zoom in and together to zoom out.

export const contextOptions = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, hasTouch: true, isMobile: true };

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
  const canvas = page.locator('[data-testid=canvas]');
  const [cx, cy] = JSON.parse(await canvas.getAttribute('data-node-centers'))[2];
  const box = await canvas.boundingBox();
  await page.touchscreen.tap(box.x + cx, box.y + cy);
  await page.locator('[data-testid=crash]').waitFor();
  assert.match(await page.innerText('[data-testid=crash]'), /C$/, 'the tapped node’s crash button');

  const cdp = await page.context().newCDPSession(page);
  await page.locator('[data-testid=diagram-canvas]').scrollIntoViewIfNeeded();
  const before = await span(page);
  await pinch(page, cdp, 30, 120);
  const zoomedIn = await span(page);
  assert.ok(zoomedIn < before / 2.5 && zoomedIn > before / 5, `fingers 4× further apart zoom in about 4×: ${before} → ${zoomedIn} ms`);
  await pinch(page, cdp, 120, 60);
  const zoomedOut = await span(page);
  assert.ok(Math.abs(zoomedOut / zoomedIn - 2) < 0.3, `fingers half as far apart zoom out 2×: ${zoomedIn} → ${zoomedOut} ms`);
}
