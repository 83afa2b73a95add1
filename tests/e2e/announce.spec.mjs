// Words for screen readers: A reads each event aloud as the user steps (the trace's lines
// of that event, in the polite live region), and says that it started and stopped; a
// violation is said in the alert region when the run reaches it, once.

import { choosePreset, eventIndex, playing } from './lab.mjs';

const said = (page, region) => page.textContent(`[data-testid=announce-${region}]`);

export async function run(h) {
  const { page, assert } = h;
  await page.goto(h.url('/'));
  await page.locator('[data-testid=node-list] li').first().waitFor();
  await page.locator('body').click({ position: { x: 2, y: 2 } });
  if (await playing(page)) await page.keyboard.press(' ');
  await page.keyboard.press('ArrowRight');
  assert.equal(await said(page, 'event'), '', 'events are not read until asked');

  await page.keyboard.press('a');
  assert.equal(await said(page, 'event'), 'Each event you step to is read aloud now.');
  for (let i = 0; i < 3; i += 1) {
    await page.keyboard.press('ArrowRight');
    const step = await eventIndex(page);
    // Every line of the event in view, in the trace's order, each said with its node and text.
    const lines = await page.$$eval('.trace-row.is-current', (rows) =>
      rows.map((r) => [...r.querySelectorAll('span')].map((s) => s.textContent)),
    );
    assert.ok(lines.length >= 1, `event ${step} has lines in the trace`);
    const words = await said(page, 'event');
    for (const [t, kind, node, text] of lines) {
      const at = node ? ` at ${node}` : '';
      assert.ok(words.includes(`${t}, ${kind.toLowerCase()}${at}: ${text}.`), `event ${step} said: "${words}" has "${text}"`);
    }
  }
  await page.keyboard.press('ArrowLeft');
  assert.ok((await said(page, 'event')).length > 0, 'stepping back reads the event stepped to');
  await page.keyboard.press('A');
  assert.equal(await said(page, 'event'), 'Events are no longer read aloud.');
  await page.keyboard.press('ArrowRight');
  assert.equal(await said(page, 'event'), '', 'stopped: nothing more is read');
  assert.equal(await said(page, 'violation'), '', 'no rule broken in the opening run');

  // The split brain breaks a rule: the alert says which, when, and how.
  await choosePreset(page, /^Split brain/);
  await page.locator('body').click({ position: { x: 2, y: 2 } });
  await page.keyboard.press('End');
  await page.locator('[data-testid=at-end]').waitFor();
  const alert = await said(page, 'violation');
  assert.match(alert, /^Rule broken at \d+(\.\d+)? s: .+\. .+/, `the alert: "${alert}"`);
  const headline = await page.textContent('[data-testid=invariant-bar]');
  const rule = alert.match(/^Rule broken at [^:]+: ([^.]+)\./)[1];
  assert.ok(headline.includes(rule), `the alert names a rule the bar lists: "${rule}"`);
  await page.keyboard.press('ArrowLeft');
  assert.equal(await said(page, 'violation'), alert, 'a step back does not change what was said');
}
