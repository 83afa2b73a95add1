// The postMessage API (docs/embed.md), driven by the example host page
// (static/embed-host.html) served on a different origin (another port): ready, play,
// pause, seek, step, load (a lesson, a scenario), events back (state, step, violation),
// bad messages answered with an error event, and a page whose origin is not allowed
// ignored without a word.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT, startServer } from '../../scripts/serve.mjs';

// The events the host page logged, parsed.
const events = (page) =>
  page.$eval('#log', (log) =>
    log.textContent.split('\n').filter((l) => l.startsWith('← ')).map((l) => JSON.parse(l.slice(2))),
  );

async function until(page, what, test) {
  for (let i = 0; i < 100; i += 1) {
    const found = (await events(page)).filter(test);
    if (found.length > 0) return found.at(-1);
    await page.waitForTimeout(50);
  }
  throw new Error(`no ${what} event came: ${JSON.stringify(await events(page))}`);
}

const post = (page, message) => page.evaluate((m) => document.getElementById('quorum').contentWindow.postMessage(m, '*'), message);

export async function run(h) {
  const { page, assert } = h;
  const other = await startServer({ port: 0 });
  const third = await startServer({ port: 0 });
  try {
    const embed = h.url('/?embed&autoplay=0');
    await page.goto(`${other.url}static/embed-host.html?src=${encodeURIComponent(embed)}`);
    const ready = await until(page, 'ready', (e) => e.type === 'ready');
    assert.equal(ready.version, 1);
    assert.equal(ready.playing, false);
    const frame = page.frameLocator('#quorum');
    const playing = async () => (await frame.locator('[data-testid=play]').getAttribute('aria-pressed')) === 'true';

    await page.click('text=Play');
    await until(page, 'playing state', (e) => e.type === 'state' && e.playing);
    assert.ok(await playing(), 'play plays');
    await page.click('text=Pause');
    await until(page, 'paused state', (e) => e.type === 'state' && !e.playing);
    assert.ok(!(await playing()), 'pause pauses');

    await page.fill('#seek-ms', '5000');
    await page.click('#seek');
    const sought = await until(page, 'state at 5 s', (e) => e.type === 'state' && e.time_ms === 5000);
    assert.equal(Number(await frame.locator('[data-testid=scrubber]').inputValue()), 5000);
    await page.click('text=Step back');
    await until(page, 'a step back', (e) => e.type === 'state' && e.step === sought.step - 1);
    await page.click('button:text-is("Step")');
    await until(page, 'a step forward', (e) => e.type === 'state' && e.step === sought.step);

    // A lesson: its first step is reported.
    await page.click('#load');
    const step = await until(page, 'lesson step', (e) => e.type === 'step');
    assert.deepEqual([step.lesson, step.step], ['office-split-brain', 1]);
    await frame.locator('[data-testid=story]').waitFor();

    // A scenario sent as JSON, with a broken variant: its violation is reported.
    const scenario = JSON.parse(await readFile(path.join(REPO_ROOT, 'protocols/scenarios/office-split-brain.json'), 'utf8'));
    scenario.variant = 'no-quorum';
    await post(page, { type: 'load', scenario });
    await post(page, { type: 'seek', ms: scenario.until_ms ?? 40000 });
    const violation = await until(page, 'violation', (e) => e.type === 'violation');
    assert.ok(violation.invariant && violation.time_ms > 0, JSON.stringify(violation));
    await h.screenshot('embed-api-host');

    // Bad messages get an error event, and change nothing.
    await post(page, { type: 'explode' });
    assert.match((await until(page, 'error', (e) => e.type === 'error')).message, /unknown command "explode"/);
    await post(page, 'not json');
    await until(page, 'error for text', (e) => e.type === 'error' && /a command is an object/.test(e.message));
    await post(page, { type: 'seek', ms: 'soon' });
    await until(page, 'error for a bad field', (e) => e.type === 'error' && /expected a number/.test(e.message));
    await post(page, { type: 'load', link: '#s=9.abc' });
    await until(page, 'error for a bad link', (e) => e.type === 'error' && /newer version/.test(e.message));

    // A page on an origin the embed does not allow: its commands are ignored, and it hears nothing.
    const locked = h.url(`/?embed&autoplay=0&origin=${other.url.slice(0, -1)}`);
    await page.goto(`${third.url}static/embed-host.html?src=${encodeURIComponent(locked)}`);
    await frame.locator('[data-testid=scrubber]').waitFor();
    await page.click('text=Play');
    await page.click('text=State?');
    await page.waitForTimeout(500);
    assert.deepEqual(await events(page), [], 'no event reaches a page that is not allowed');
    assert.ok(!(await playing()), 'its play was ignored');
    // The same embed, framed by the allowed origin, answers.
    await page.goto(`${other.url}static/embed-host.html?src=${encodeURIComponent(locked)}`);
    await until(page, 'ready for the allowed origin', (e) => e.type === 'ready');
  } finally {
    await other.close();
    await third.close();
  }
}
