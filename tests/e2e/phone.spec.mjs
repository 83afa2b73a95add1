// The lab on a phone (390×844): node cards below the nodes, none covering a node; the
// violation card whole and on screen; nothing moves when a badge appears; nothing is wider
// than the screen. Screenshots of
// the violation card and of the node cards go to target/e2e/.

import path from 'node:path';
import { SCREENSHOT_DIR } from './harness.mjs';
import { choosePreset } from './lab.mjs';
import { badgeKeepsItsRoom } from './steady.spec.mjs';

export const contextOptions = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 };

const NODE_RADIUS = 26;

// How many of four points on each node's rim are in the cards' colour (a card over the node).
const coveredRims = () => {
  const c = document.querySelector('[data-testid=canvas]');
  const ratio = c.width / c.getBoundingClientRect().width;
  const hex = getComputedStyle(c).getPropertyValue('--card').trim().slice(1);
  const card = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
  const ctx = c.getContext('2d');
  return JSON.parse(c.dataset.nodeCenters).map(([x, y]) =>
    [0, 1, 2, 3].filter((k) => {
      const a = (k * Math.PI) / 2;
      const p = ctx.getImageData(Math.round((x + 26 * Math.cos(a)) * ratio), Math.round((y + 26 * Math.sin(a)) * ratio), 1, 1).data;
      return [0, 1, 2].every((i) => Math.abs(p[i] - card[i]) <= 6);
    }).length);
};

export async function run(h) {
  const { page, assert } = h;
  await badgeKeepsItsRoom(h);
  // Nothing is wider than the phone: the scenario menu (as wide as the longest preset's
  // name on a wide screen) once pushed the page sideways.
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 390, 'no sideways scrolling');

  await choosePreset(page, /^Split brain/);
  await page.locator('body').click({ position: { x: 2, y: 2 } });
  await page.keyboard.press('End');
  await page.locator('[data-testid=at-end]').waitFor();
  await page.click('[data-testid=jump-to-violation]');
  await page.waitForTimeout(200);

  assert.equal(NODE_RADIUS, 26);
  assert.deepEqual(await page.evaluate(coveredRims), [0, 0, 0, 0, 0], 'no card covers a node');
  const bar = page.locator('[data-testid=invariant-bar]');
  const box = await bar.boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= 390, `the violation card is on screen: ${JSON.stringify(box)}`);
  const clipped = await page.$$eval('[data-testid=invariant-bar] .detail', (els) =>
    els.filter((e) => e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1).length);
  assert.equal(clipped, 0, 'the explanation is whole');

  await bar.screenshot({ path: path.join(SCREENSHOT_DIR, 'phone-violation-card.png') });
  await page.locator('[data-testid=canvas]').screenshot({ path: path.join(SCREENSHOT_DIR, 'phone-node-cards.png') });
  h.log('screenshots: phone-violation-card.png, phone-node-cards.png in', SCREENSHOT_DIR);
}
