// The space-time diagram: it shows below the network, follows the playhead, names an
// event's clocks when pointed at, seeks to it on a click, moves in time on a drag, and
// goes beside the network or away on request.

import { eventIndex, playing } from './lab.mjs';

const HINT = /^Point at an event/;

// Points along a lane of the diagram (time flowing right, or `down`), from the playhead
// back from its middle, until the readout names an event; returns where, and the readout.
async function pointAtAnEvent(page, lane, lanes, down = false, offset = 0) {
  const canvas = page.locator('[data-testid=diagram-canvas]');
  await canvas.scrollIntoViewIfNeeded(); // the mouse moves in the viewport
  const box = await canvas.boundingBox();
  const [along, across] = down ? [[box.y, box.height], [box.x, box.width]] : [[box.x, box.width], [box.y, box.height]];
  const at = across[0] + 16 + ((across[1] - 32) / lanes) * (lane + 0.5) + offset;
  for (let t = along[0] + along[1] * 0.55; t > along[0] + 40; t -= 2) {
    const [x, y] = down ? [at, t] : [t, at];
    await page.mouse.move(x, y);
    const text = await page.innerText('[data-testid=diagram-readout]');
    if (!HINT.test(text)) return { x, y, text };
  }
  throw new Error(`no event found along lane ${lane}`);
}

export async function run(h) {
  const { page, assert } = h;
  await page.goto(h.url('/'));
  await page.locator('[data-testid=node-list] li').first().waitFor();
  if (await playing(page)) await page.click('[data-testid=play]');
  const lanes = await page.locator('[data-testid=node-list] li').count();

  const diagram = page.locator('[data-testid=diagram-canvas]');
  const network = await page.locator('[data-testid=canvas]').boundingBox();
  const below = await diagram.boundingBox();
  assert.ok(below.y >= network.y + network.height, 'the diagram is below the network');
  assert.ok(below.height >= lanes * 20, `room for ${lanes} lanes: ${below.height} px`);

  // Three virtual seconds on: the diagram follows, and an event on it can be pointed at.
  for (let i = 0; i < 3; i += 1) await page.keyboard.press('Shift+ArrowRight');
  assert.match(await page.innerText('[data-testid=diagram-readout]'), HINT, 'a hint until an event is pointed at');
  const found = await pointAtAnEvent(page, 0, lanes);
  const clocks = found.text.match(/step (\d+)\. Lamport clock (\d+), vector clock \[([\d, ]+)\]/);
  assert.ok(clocks, `the readout gives the event's step and clocks: ${found.text}`);
  const vector = clocks[3].split(', ').map(Number);
  assert.equal(vector.length, lanes, 'one count per node in the vector clock');
  assert.ok(Number(clocks[2]) >= Math.max(...vector), 'a Lamport clock is at least every count it has seen');
  assert.match(found.text, /(\d+) events happened before it, (\d+) after it/);
  await h.screenshot('diagram-pointed');
  // Just above a lane, its log lines.
  const note = await pointAtAnEvent(page, 2, lanes, false, -9);
  assert.match(note.text, /^C's log at \d+ ms, step \d+: ./, note.text);
  await page.mouse.move(found.x, found.y);

  // A click goes to that event.
  await page.mouse.down();
  await page.mouse.up();
  await page.waitForFunction((step) => document.querySelector('.span-info')?.textContent.includes(`event ${step}`), clocks[1]);
  assert.equal(await eventIndex(page), Number(clocks[1]), 'the click seeks to the event pointed at');

  // A drag moves back in time and stops following; Follow brings the playhead back.
  const follow = page.locator('[data-testid=diagram-follow]');
  assert.ok(await follow.isDisabled(), 'following the playhead at first');
  const dragged = await diagram.boundingBox();
  await page.mouse.move(dragged.x + dragged.width * 0.3, dragged.y + dragged.height / 2);
  await page.mouse.down();
  await page.mouse.move(dragged.x + dragged.width * 0.6, dragged.y + dragged.height / 2, { steps: 5 });
  await page.mouse.up();
  assert.ok(await follow.isEnabled(), 'a drag leaves the playhead');
  await follow.click();
  assert.ok(await follow.isDisabled(), 'Follow comes back to it');

  // Beside the network, time flows down; hidden, there is no canvas at all.
  await page.selectOption('[data-testid=diagram-placement]', 'beside');
  const beside = await diagram.boundingBox();
  const shrunk = await page.locator('[data-testid=canvas]').boundingBox();
  assert.ok(beside.x >= shrunk.x + shrunk.width, 'beside: to the right of the network');
  assert.ok(beside.height > beside.width, 'beside: tall, time flowing down');
  assert.match((await pointAtAnEvent(page, 1, lanes, true)).text, /Lamport clock/);
  await h.screenshot('diagram-beside');
  await page.selectOption('[data-testid=diagram-placement]', 'hidden');
  assert.equal(await diagram.count(), 0, 'hidden: no diagram canvas');
  await page.selectOption('[data-testid=diagram-placement]', 'below');
  assert.equal(await diagram.count(), 1, 'back below');
}
