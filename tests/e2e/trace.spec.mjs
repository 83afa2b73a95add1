// The trace list is one Tab stop, a listbox: the arrows, Page Up/Down and Home/End move a
// highlighted row inside it and Enter shows that row's event, while the lab's own keys for
// those stay quiet. The highlight is an event, not a place on screen: it stays on its row
// as the run plays. A row clicked with the mouse does not keep focus, so Space then plays.

import path from 'node:path';
import { SCREENSHOT_DIR } from './harness.mjs';
import { eventIndex, playing } from './lab.mjs';

const lines = async (page) => Number((await page.innerText('#trace-heading .count')).match(/^\d+/)[0]);
const stepOf = async (row) => Number((await row.getAttribute('title')).match(/event (\d+)$/)[1]);

// The row the list highlights: its id, as the list names it and as the row is marked.
async function active(page) {
  return page.$eval('[data-testid=trace]', (list) => {
    const row = list.querySelector('.is-active');
    return { named: list.getAttribute('aria-activedescendant'), marked: row?.id ?? null, text: row?.innerText ?? null };
  });
}

export async function run(h) {
  const { page, assert } = h;
  await page.goto(h.url('/'));
  await page.locator('[data-testid=node-list] li').first().waitFor();
  await page.waitForFunction(() => parseInt(document.querySelector('#trace-heading .count').textContent, 10) > 40);
  await page.click('[data-testid=step]');
  const list = page.locator('[data-testid=trace]');

  // One Tab stop: nothing inside the list is reached by Tab, and Tab leaves it at once.
  assert.equal(await list.evaluate((l) => l.querySelectorAll('button, a, input, [tabindex]').length), 0);
  await list.focus();
  assert.equal(await list.evaluate((l) => document.activeElement === l), true, 'the list takes focus');
  assert.equal(await list.getAttribute('role'), 'listbox');
  assert.equal((await active(page)).named, null, 'nothing is highlighted before a key');
  await page.keyboard.press('ArrowDown');
  const entered = await active(page);
  const current = await page.$$eval('.trace-row.is-current', (rows) => rows.at(-1).id);
  assert.equal(entered.named, current, 'the first arrow highlights the event shown (its last row)');
  assert.equal(entered.marked, entered.named);
  await page.keyboard.press('Tab');
  assert.equal(await list.evaluate((l) => l.contains(document.activeElement)), false, 'Tab leaves the list');
  await page.keyboard.press('Shift+Tab');
  assert.equal(await list.evaluate((l) => document.activeElement === l), true, 'Shift+Tab comes back');
  assert.deepEqual(await active(page), entered, 'to the same row');

  // Home, the arrows and End move the highlight; the lab neither steps nor seeks.
  const event = await eventIndex(page);
  const time = await page.innerText('[data-testid=clock]');
  await page.keyboard.press('Home');
  assert.equal((await active(page)).named, 'trace-0', 'Home: the first line');
  for (const key of ['ArrowDown', 'ArrowDown', 'ArrowDown', 'ArrowUp', 'ArrowLeft', 'ArrowRight']) await page.keyboard.press(key);
  assert.equal((await active(page)).named, 'trace-2', 'the arrows move one line');
  assert.equal(await eventIndex(page), event, 'no step: the list has the arrows');
  assert.equal(await page.innerText('[data-testid=clock]'), time, 'Home did not go to the start');
  await page.keyboard.press('PageDown');
  assert.equal((await active(page)).named, 'trace-16', 'Page Down: a screenful');
  await page.keyboard.press('PageUp');
  assert.equal((await active(page)).named, 'trace-2');
  const total = await lines(page);
  await page.keyboard.press('End');
  assert.equal((await active(page)).named, `trace-${total - 1}`, 'End: the last line');
  await page.keyboard.press('Home');
  assert.equal(await playing(page), false);

  // Enter shows the highlighted row's event, as a click does.
  await page.keyboard.press('ArrowDown');
  const row = page.locator('#trace-1');
  await page.keyboard.press('Enter');
  assert.equal(await eventIndex(page), await stepOf(row), 'Enter shows the row\'s event');
  assert.equal(await playing(page), false);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  const shot = path.join(SCREENSHOT_DIR, 'trace-focused.png');
  await page.locator('.trace-panel').screenshot({ path: shot });
  h.log('screenshot:', shot);

  // As the run plays (K still plays), the highlight stays on its event.
  await page.keyboard.press('ArrowDown');
  const held = await active(page);
  await page.keyboard.press('k');
  assert.equal(await playing(page), true, 'K plays from the list');
  await page.waitForFunction((n) => parseInt(document.querySelector('#trace-heading .count').textContent, 10) > n + 20, total);
  assert.deepEqual(await active(page), held, 'the same event stays highlighted as rows arrive');
  await page.keyboard.press('k');
  assert.equal(await playing(page), false);

  // A row clicked with the mouse shows its event and leaves no focus behind: Space plays.
  await page.locator('body').click({ position: { x: 2, y: 2 } });
  const clicked = page.locator('.trace-row').nth(3);
  await clicked.click();
  assert.equal(await eventIndex(page), await stepOf(clicked), 'a click shows the row\'s event');
  await page.keyboard.press(' ');
  assert.equal(await playing(page), true, 'Space after clicking a row plays');
}
