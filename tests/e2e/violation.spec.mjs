// Violations point at the culprit: every violation has its mark on the track; jumping to
// one (from the card, its list of the others, or its mark) shows its event with the nodes
// it involves ringed on the canvas and named on the card; the card's explanation is whole.

import { choosePreset, eventIndex } from './lab.mjs';

const NODE_RADIUS = 26;
// The culprit ring's radius, between a node's rim and its card (src/render/draw.rs).
const RING = NODE_RADIUS + 4.5;


// How many of eight points on a circle of radius `r` around `[x, y]` are in colour `rgb`.
const pointsInColour = ([[x, y], r, rgb]) => {
  const c = document.querySelector('[data-testid=canvas]');
  const ratio = c.width / c.getBoundingClientRect().width;
  const ctx = c.getContext('2d');
  let hits = 0;
  for (let i = 0; i < 8; i += 1) {
    const a = (i * Math.PI) / 4;
    const p = ctx.getImageData(Math.round((x + r * Math.cos(a)) * ratio), Math.round((y + r * Math.sin(a)) * ratio), 1, 1).data;
    if ([0, 1, 2].every((k) => Math.abs(p[k] - rgb[k]) <= 24)) hits += 1;
  }
  return hits;
};

// The nodes ringed on the canvas, by index.
async function ringed(page) {
  const canvas = page.locator('[data-testid=canvas]');
  const centers = JSON.parse(await canvas.getAttribute('data-node-centers'));
  const lost = await canvas.evaluate((c) => {
    const hex = getComputedStyle(c).getPropertyValue('--lost').trim().slice(1);
    return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
  });
  const rings = [];
  for (const [i, center] of centers.entries()) {
    if ((await page.evaluate(pointsInColour, [center, RING, lost])) >= 6) rings.push(i);
  }
  return rings;
}

// The nodes the card names, by index in the node list.
async function named(page) {
  const text = await page.innerText('[data-testid=culprits]');
  const names = await page.locator('[data-testid=node-list] li .name').allInnerTexts();
  const listed = text.replace(/^Involves /, '').replace(/\.$/, '').split(/, | and /);
  return listed.map((n) => names.indexOf(n)).sort();
}

export async function run(h) {
  const { page, assert } = h;
  await page.goto(h.url('/'));
  await page.locator('[data-testid=node-list] li').first().waitFor();
  await choosePreset(page, /^Split brain/);
  await page.locator('body').click({ position: { x: 2, y: 2 } });
  await page.keyboard.press('End');
  await page.locator('[data-testid=at-end]').waitFor();
  const bar = page.locator('[data-testid=invariant-bar]');
  assert.equal(await bar.getAttribute('data-state'), 'violated');

  // Every violation has its mark on the track.
  const more = Number((await page.innerText('[data-testid=more-violations] summary')).match(/^and (\d+) more$/)[1]);
  assert.ok(more >= 2, `several violations: ${more + 1}`);
  assert.equal(await page.locator('.mark--violation').count(), more + 1, 'one mark per violation');

  // "and N more" is a list; each entry jumps to its moment. The last number given to two
  // parents: the card leads with it, and both branches that gave it are ringed and named.
  await page.click('[data-testid=more-violations] summary');
  const entries = page.locator('[data-testid=more-violations] li button');
  assert.equal(await entries.count(), more);
  assert.deepEqual(await ringed(page), [], 'nothing is ringed before a jump');
  const twice = entries.filter({ hasText: 'was given to both' }).last();
  const twiceAt = (await twice.innerText()).match(/^At ([\d.]+ s):/)[1];
  await twice.click();
  assert.equal(await page.innerText('[data-testid=clock]'), twiceAt, 'the entry jumps to its moment');
  assert.match(await page.innerText('[data-testid=invariant-bar] .detail'), new RegExp(`^At ${twiceAt}: #\\d+ was given to both`));
  const both = await ringed(page);
  assert.equal(both.length, 2, `both branches that gave the number are ringed: ${both}`);
  assert.deepEqual(both, await named(page), 'and named');
  h.log('screenshot:', await h.screenshot('violation-culprits'));

  // The explanation is whole: not cut, not hidden.
  const clipped = await page.$$eval('[data-testid=invariant-bar] .detail', (els) =>
    els.filter((e) => e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1).length);
  assert.equal(clipped, 0, 'no part of the explanation is cut');

  // Stepping on leaves the moment: the rings go, the card leads with the first violation again.
  await page.keyboard.press('ArrowRight');
  assert.deepEqual(await ringed(page), [], 'the rings belong to the violation\'s moment');
  const first = (await page.innerText('[data-testid=invariant-bar] .detail')).match(/^At ([\d.]+ s):/)[1];
  assert.notEqual(first, twiceAt);

  // Back at the start, every violation still has its mark; the first one jumps there.
  await page.keyboard.press('Home');
  assert.equal(await page.locator('.mark--violation').count(), more + 1, 'the marks stay for the whole run');
  await page.locator('.mark--violation').first().click();
  assert.equal(await page.innerText('[data-testid=clock]'), first, 'the first mark is the first violation');
  assert.ok((await eventIndex(page)) > 0);
  const culprits = await named(page);
  assert.ok(culprits.length >= 1 && !culprits.includes(-1), `the card names the branches: ${culprits}`);
  assert.deepEqual(await ringed(page), culprits, 'they are ringed, and only they');

  // "Jump to the event" goes there too, from elsewhere.
  await page.keyboard.press('End');
  await page.click('[data-testid=jump-to-violation]');
  assert.equal(await page.innerText('[data-testid=clock]'), first);
  assert.deepEqual(await ringed(page), culprits);
}
