// Keys that never misfire: after a mouse click on a button, Space plays or pauses and the
// arrows step (Space used to press the clicked button again: after Crash, it restarted
// the node); a control reached with Tab still takes Space and Enter; fields keep their
// keys. Home/End, Shift+arrows, K, ? and Escape; the scrubber moves by 1% and 10%.

import { eventIndex, playing, viewMs } from './lab.mjs';

const focused = (page) => page.evaluate(() => document.activeElement?.dataset.testid ?? document.activeElement?.tagName);

export async function run(h) {
  const { page, assert } = h;
  await page.goto(h.url('/'));
  await page.locator('[data-testid=node-list] li').first().waitFor();

  // Step clicked with the mouse: the arrows step from there and Space plays.
  await page.click('[data-testid=step]');
  assert.equal(await playing(page), false, 'Step pauses');
  const stepped = await eventIndex(page);
  await page.keyboard.press('ArrowRight');
  assert.equal(await eventIndex(page), stepped + 1, '→ after clicking Step steps one event');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await eventIndex(page), stepped, '← steps back');
  await page.keyboard.press(' ');
  assert.equal(await playing(page), true, 'Space after clicking Step plays, instead of stepping again');
  await page.keyboard.press('k');
  assert.equal(await playing(page), false, 'K pauses');

  // Crash clicked with the mouse: Space plays, and B stays crashed.
  await page.click('[data-testid=node-B] button');
  await page.click('[data-testid=crash]');
  await page.locator('[data-testid=node-B][data-liveness=crashed]').waitFor();
  await page.keyboard.press(' ');
  assert.equal(await playing(page), true, 'Space after clicking Crash plays');
  await page.keyboard.press(' ');
  assert.equal(await playing(page), false);
  assert.equal(await page.getAttribute('[data-testid=node-B]', 'data-liveness'), 'crashed', 'B stays crashed');

  // A control reached with Tab keeps Space and Enter: they press it. The arrows still step.
  await page.focus('[data-testid=play]');
  await page.keyboard.press('Tab');
  assert.equal(await focused(page), 'step', 'Tab from Play reaches Step');
  const before = await eventIndex(page);
  await page.keyboard.press(' ');
  assert.equal(await eventIndex(page), before + 1, 'Space presses the focused Step');
  await page.keyboard.press('Enter');
  assert.equal(await eventIndex(page), before + 2, 'so does Enter');
  await page.keyboard.press('ArrowRight');
  assert.equal(await eventIndex(page), before + 3, '→ steps');
  assert.equal(await playing(page), false);

  // Fields keep their keys: the speed slider takes → and ignores Space.
  await page.focus('[data-testid=speed]');
  const speed = await page.inputValue('[data-testid=speed]');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press(' ');
  assert.equal(Number(await page.inputValue('[data-testid=speed]')), Number(speed) + 1, '→ moves the speed slider');
  assert.equal(await eventIndex(page), before + 3, '… and does not step');
  assert.equal(await playing(page), false, 'Space in a slider does not play');

  // Shift+arrows move by a second of virtual time, Home and End go to the start and the end.
  await page.locator('body').click({ position: { x: 2, y: 2 } });
  const t0 = await viewMs(page);
  await page.keyboard.press('Shift+ArrowRight');
  assert.equal(await viewMs(page), t0 + 1000, 'Shift+→ is one second on');
  await page.keyboard.press('Shift+ArrowLeft');
  assert.equal(await viewMs(page), t0, 'Shift+← one second back');
  const end = Number(await page.getAttribute('[data-testid=scrubber]', 'max'));
  await page.keyboard.press('End');
  assert.equal(await viewMs(page), end, 'End goes to the end of the scenario');
  await page.locator('[data-testid=at-end]').waitFor();
  await page.keyboard.press('Home');
  assert.equal(await viewMs(page), 0, 'Home goes to the start');
  assert.equal(await playing(page), false);
  const atStart = await eventIndex(page);

  // The scrubber: arrows move 1% of the run, Page Up/Down 10%.
  await page.focus('[data-testid=scrubber]');
  await page.keyboard.press('ArrowRight');
  assert.equal(await viewMs(page), end / 100, '→ on the scrubber is 1% of the run');
  await page.keyboard.press('PageUp');
  assert.equal(await viewMs(page), end / 100 + end / 10, 'Page Up is 10%');
  await page.keyboard.press('PageDown');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await viewMs(page), 0, 'Page Down and ← come back');
  assert.equal(await eventIndex(page), atStart, 'the scrubber took the arrows: no step');

  // ? shows the keys, Escape hides them.
  await page.locator('body').click({ position: { x: 2, y: 2 } });
  await page.keyboard.press('?');
  const help = page.locator('[data-testid=key-help]');
  await help.waitFor();
  assert.match(await help.innerText(), /Shift/);
  h.log('screenshot:', await h.screenshot('keys-help'));
  await page.keyboard.press('Escape');
  assert.equal(await help.count(), 0, 'Escape closes the key help');

  // Escape gives focus back to the control that opened the box, even after a mouse click.
  await page.click('[data-testid=keys]');
  await help.waitFor();
  assert.equal(await focused(page), 'close-keys', 'focus moves into the key help');
  await page.keyboard.press('Escape');
  assert.equal(await help.count(), 0);
  assert.equal(await focused(page), 'keys', 'focus is back on the Keys button');
  await page.click('[data-testid=share]');
  await page.locator('[data-testid=share-box]').waitFor();
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('[data-testid=share-box]').count(), 0, 'Escape closes the share box');
  assert.equal(await focused(page), 'share', 'focus is back on Share');
}
