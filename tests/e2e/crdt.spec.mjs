// CRDTs in the lab: both sides of a partition keep counting and the heal adds them up;
// last-writer-wins keeps the write from the fast clock; a naive counter loses increments.

import { choosePreset, inspect as card, playing } from './lab.mjs';

async function choose(page, title) {
  await choosePreset(page, title);
  await page.locator('[data-testid=node-C]').waitFor();
}


export async function run(h) {
  const { page, assert } = h;
  await page.goto(h.url('/'));
  await page.locator('[data-testid=node-list] li').first().waitFor();

  // Four seconds in, the partition holds: each side counts only what it has seen
  // (A and B: three increments; C and D: the first increment, one more and a decrement).
  await choose(page, 'a counter incremented on both sides');
  if (await playing(page)) await page.click('[data-testid=play]');
  for (let i = 0; i < 4; i += 1) await page.keyboard.press('Shift+ArrowRight');
  assert.match(await card(page, 'A'), /value 3/);
  assert.match(await card(page, 'D'), /value 2.*P\[A1 B0 C1 D1\] N\[A0 B0 C0 D1\]/s, 'D shows its vectors');
  await h.screenshot('crdt-partitioned');
  await page.keyboard.press('End');
  for (const replica of ['A', 'B', 'C', 'D']) assert.match(await card(page, replica), /value 4/, `${replica} converged`);
  assert.equal(await page.$eval('[data-testid=end-judgement]', (el) => el.dataset.state), 'ok');

  // The fast clock's earlier write wins everywhere, and that is no violation.
  await choose(page, 'last writer wins, by a clock');
  await page.keyboard.press('End');
  for (const replica of ['A', 'B', 'C']) assert.match(await card(page, replica), /value 1/);
  assert.equal(await page.$eval('[data-testid=invariant-bar]', (el) => el.dataset.state), 'ok');

  // A clock can be set off from the inspector; a number that is no number cannot be sent.
  await page.click('[data-testid=node-B] button');
  await page.fill('[data-testid=clock-input]', '2500');
  await page.click('[data-testid=set-clock]');
  await page.waitForFunction(() => document.querySelector('[data-testid=clock-offset]')?.textContent.includes('+2500 ms'));
  await page.fill('[data-testid=clock-input]', '');
  assert.ok(await page.isDisabled('[data-testid=set-clock]'), 'an empty offset cannot be set');

  // The naive counter: the end judgement names the lost increments.
  await choose(page, 'gossiped as one number');
  await page.keyboard.press('End');
  await page.waitForFunction(() => document.querySelector('[data-testid=end-judgement]')?.dataset.state === 'violated');
  assert.match(await page.innerText('[data-testid=end-judgement]'), /counts 3, but .* add up to 4/);
  await h.screenshot('crdt-naive-counter');
}
