// A shared link reopens the moment: the same frame, paused or playing, at the same speed,
// with the same node selected, the preset's title and summary and the violation jumped to
// (the card leads with it, its nodes ringed); "start at" can be
// unchecked to replay from the start. An old (version 1) link opens as it always did. A
// broken link says what is wrong in one sentence, puts the lab's own address back and
// leaves the run on screen alone.

import { OLD_LINK, canvasDigest, choosePreset, playing, viewMs } from './lab.mjs';


// What a moment looks like: everything a shared link must bring back.
async function moment(page) {
  return {
    clock: await page.innerText('[data-testid=clock]'),
    event: await page.innerText('.span-info'),
    playing: await playing(page),
    speed: await page.innerText('.speed output'),
    selected: await page.locator('.node-item.is-selected').evaluateAll((els) => els.map((e) => e.dataset.testid).join()),
    story: await page.innerText('[data-testid=scenario-title]'),
    canvas: await page.evaluate(canvasDigest),
  };
}

async function open(h, path) {
  // A blank page first, so that a link differing only in its #fragment is a real load.
  await h.page.goto('about:blank');
  await h.page.goto(h.url(path));
  await h.page.locator('[data-testid=node-list] li').first().waitFor();
  // The canvas draws after the first render.
  await h.page.waitForTimeout(300);
}

const hashOf = (page) => page.evaluate(() => location.hash);

export async function run(h) {
  const { page, assert } = h;
  await open(h, '/');

  // Play a little at 0.5×, select C, and pause by stepping: the moment is an event, not only a time.
  await page.focus('[data-testid=speed]');
  await page.keyboard.press('ArrowRight');
  await page.click('[data-testid=node-C] button');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=scrubber]').value) > 2500);
  await page.click('[data-testid=step]');
  await page.keyboard.press('ArrowRight');
  const before = await moment(page);
  assert.equal(before.playing, false);
  assert.equal(before.selected, 'node-C');
  assert.match(before.story, /A day at the office — Five branches/);

  await page.click('[data-testid=share]');
  const startAt = page.locator('[data-testid=start-at]');
  assert.equal(await startAt.isChecked(), true, '"start at" is checked away from the start');
  assert.match(await page.innerText('.start-at'), /^Start at 0:0\d\.\d$/);
  h.log('screenshot:', await h.screenshot('link-share-box'));
  const link = await page.locator('[data-testid=share-link]').inputValue();
  assert.match(link, /#s=2\..*&t=[\d.]+&e=\d+&paused=1&speed=0\.5&node=2&preset=office-tour$/);

  // The link reopens that very frame, paused.
  const path = new URL(link).pathname + new URL(link).hash;
  await open(h, path);
  assert.deepEqual(await moment(page), before, 'the link reopens the same moment');
  assert.equal(await page.locator('[data-testid=notice]').count(), 0);
  h.log('screenshot:', await h.screenshot('link-reopened'));

  // A playing link opens playing, from its moment on.
  await page.keyboard.press(' ');
  await page.click('[data-testid=share]');
  const playingLink = await page.locator('[data-testid=share-link]').inputValue();
  assert.doesNotMatch(playingLink, /paused/);
  const sharedAt = Number(new URL(playingLink).hash.match(/&t=([\d.]+)/)[1]);
  await open(h, new URL(playingLink).pathname + new URL(playingLink).hash);
  assert.equal(await playing(page), true, 'a playing link opens playing');
  assert.ok((await viewMs(page)) >= Math.floor(sharedAt), 'from its moment on');

  // Unchecked, "start at" makes a link that replays from the start.
  await page.click('[data-testid=share]');
  await startAt.uncheck();
  const fromStart = await page.locator('[data-testid=share-link]').inputValue();
  assert.doesNotMatch(fromStart, /&t=/);
  assert.equal(await hashOf(page), new URL(fromStart).hash, 'the address bar follows the box');
  await open(h, new URL(fromStart).pathname + new URL(fromStart).hash);
  assert.equal(await playing(page), true);
  assert.ok((await viewMs(page)) < sharedAt, 'it starts again from the start');

  // An old link opens as it always did: from the start, playing, at 0.25×.
  await open(h, OLD_LINK);
  assert.equal(await page.locator('[data-testid=notice]').count(), 0);
  assert.equal(await playing(page), true);
  assert.ok((await viewMs(page)) < 1000, 'from the start');
  assert.equal(await page.innerText('.speed output'), '0.25×');
  assert.match(await page.innerText('[data-testid=scenario-title]'), /^The zombie Main Office/);
  assert.equal(await page.locator('.node-item.is-selected').count(), 0);

  // A broken link pasted over a run: one sentence, the lab's own address, the run kept.
  await page.keyboard.press(' ');
  const kept = await moment(page);
  const notice = page.locator('[data-testid=notice]');
  const cut = path.slice(0, path.indexOf('&') - 20);
  await page.evaluate((hash) => { location.hash = hash; }, cut.slice(1));
  await notice.waitFor();
  assert.equal(await notice.innerText(), 'This link is cut short: copy all of it and try again.');
  assert.equal(await hashOf(page), '', 'the address bar is back to the lab\'s own address');
  assert.deepEqual(await moment(page), kept, 'the run on screen is untouched');
  h.log('screenshot:', await h.screenshot('link-cut-short'));
  await page.click('[data-testid=notice] [data-testid=dismiss]');
  await page.evaluate(() => { location.hash = '#s=3.AAAA&t=5'; });
  await notice.waitFor();
  assert.equal(await notice.innerText(), 'This link comes from a newer version of the lab.');
  assert.equal(await hashOf(page), '');
  assert.deepEqual(await moment(page), kept);

  // Opened fresh, a broken link says so over the default scenario.
  await open(h, '/#s=3.AAAA');
  assert.equal(await notice.innerText(), 'This link comes from a newer version of the lab.');
  assert.equal(await hashOf(page), '');
  assert.equal(await playing(page), true);

  // The violation jumped to comes back with the moment: the card leads with it and the
  // canvas rings its nodes (the canvas digest), not the first violation as before.
  await page.click('[data-testid=notice] [data-testid=dismiss]');
  await choosePreset(page, /^Split brain/);
  await page.locator('body').click({ position: { x: 2, y: 2 } });
  await page.keyboard.press('End');
  await page.locator('[data-testid=at-end]').waitFor();
  await page.click('[data-testid=more-violations] summary');
  await page.locator('[data-testid=more-violations] li button').filter({ hasText: 'was given to both' }).last().click();
  const card = async () => ({ ...(await moment(page)), detail: await page.innerText('[data-testid=invariant-bar] .detail') });
  const jumped = await card();
  await page.click('[data-testid=share]');
  const violationLink = new URL(await page.locator('[data-testid=share-link]').inputValue());
  assert.match(violationLink.hash, /&paused=1&v=\d+&/);
  await open(h, violationLink.pathname + violationLink.hash);
  assert.deepEqual(await card(), jumped, 'the link reopens the violation jumped to');
  assert.equal(await notice.count(), 0);

  // An index past the run's violations is ignored: the moment opens, led by the first one.
  await open(h, violationLink.pathname + violationLink.hash.replace(/&v=\d+/, '&v=999'));
  assert.equal(await notice.count(), 0);
  assert.equal((await card()).clock, jumped.clock);
  assert.notEqual((await card()).detail, jumped.detail, 'no violation is shown for a wrong index');
}
