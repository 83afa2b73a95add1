// Presentation mode: the Present button, the P key and ?present; large type and little
// chrome; a slide clicker's keys (Page Down / Page Up, arrows, Space) step the run, or
// the story when a lesson is told, and `.` plays or pauses; Escape leaves.

import { eventIndex, playing } from './lab.mjs';

const presenting = (page) => page.locator('main.lab--present').count().then((n) => n === 1);
const step = (page) => page.innerText('[data-testid=story-step]');

export async function run(h) {
  const { page, assert } = h;
  await page.goto(h.url('/'));
  await page.locator('[data-testid=node-list] li').first().waitFor();
  await page.click('[data-testid=play]');
  assert.ok(!(await playing(page)));

  await page.click('[data-testid=present-button]');
  assert.ok(await presenting(page), 'the button presents');
  assert.ok(await page.locator('[data-testid=leave-present]').isVisible());
  assert.ok(!(await page.locator('[data-testid=trace]').isVisible()), 'little chrome: no trace');
  const at = await eventIndex(page);
  await page.keyboard.press('PageDown');
  assert.equal(await eventIndex(page), at + 1, 'Page Down: one event on');
  await page.keyboard.press('Space');
  assert.equal(await eventIndex(page), at + 2, 'Space: one more (not play)');
  assert.ok(!(await playing(page)));
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('PageUp');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await eventIndex(page), at + 1, 'Page Up and ←: back');
  await page.keyboard.press('.');
  assert.ok(await playing(page), '. plays');
  await page.keyboard.press('.');
  assert.ok(!(await playing(page)), '. pauses');
  await h.screenshot('present-run');
  await page.keyboard.press('Escape');
  assert.ok(!(await presenting(page)), 'Escape leaves');
  await page.keyboard.press('Space');
  assert.ok(await playing(page), 'out of it, Space plays again');
  await page.keyboard.press('p');
  assert.ok(await presenting(page), 'P presents');
  await page.keyboard.press('p');
  assert.ok(!(await presenting(page)), 'P again leaves');

  // A lesson, presented from its link: the clicker steps the story.
  await page.goto(h.url('/?present#lesson=office-majority'));
  await page.locator('[data-testid=story]').waitFor();
  assert.ok(await presenting(page), '?present');
  assert.equal(await step(page), 'Step 1 of 6');
  await page.keyboard.press('PageDown');
  assert.equal(await step(page), 'Step 2 of 6');
  await page.keyboard.press('ArrowRight');
  assert.equal(await step(page), 'Step 3 of 6');
  await page.keyboard.press('PageUp');
  assert.equal(await step(page), 'Step 2 of 6');
  await h.screenshot('present-lesson');
}
