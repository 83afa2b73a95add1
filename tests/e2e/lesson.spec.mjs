// Lessons: the list opens a lesson at its first step with its link in the address bar;
// Next and Back go to each step's moment in the run; playing stops at the next step; a
// challenge waits for the student's own action; leaving the story and coming back
// replays the lesson's own run; a lesson's link opens it; a caption step does not stop
// the run.

import { playing, viewMs } from './lab.mjs';

const step = (page) => page.innerText('[data-testid=story-step]');

export async function run(h) {
  const { page, assert } = h;
  await page.goto(h.url('/'));
  await page.locator('[data-testid=node-list] li').first().waitFor();
  await page.click('[data-testid=lessons-button]');
  const list = page.locator('[data-testid=lessons] li');
  assert.ok((await list.count()) >= 4, 'the lessons are listed');
  assert.match(await list.first().innerText(), /steps/);
  await h.screenshot('lesson-list');

  await page.click('[data-testid=lesson-office-majority]');
  await page.locator('[data-testid=story]').waitFor();
  assert.equal(await step(page), 'Step 1 of 6');
  assert.equal(new URL(page.url()).hash, '#lesson=office-majority');
  assert.ok(!(await playing(page)), 'a lesson waits at its step');
  assert.ok(await page.locator('[data-testid=story-back]').isDisabled());

  // Step 2 is where the first number is issued; step 3 the scripted split at 8 s.
  await page.click('[data-testid=story-next]');
  assert.equal(await step(page), 'Step 2 of 6');
  const issued = await viewMs(page);
  assert.ok(issued > 0 && issued < 8_000, `the first number is issued at ${issued} ms`);
  await page.click('[data-testid=story-next]');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=scrubber]').value) === 8_000);
  assert.match(await page.innerText('[data-testid=story-text]'), /The network splits/);
  await h.screenshot('lesson-step');
  await page.click('[data-testid=story-back]');
  assert.equal(await step(page), 'Step 2 of 6');
  assert.equal(await viewMs(page), issued, 'Back goes to the step before, at its moment');

  // Playing on (at the fastest speed) stops at the next step.
  await page.focus('[data-testid=speed]');
  await page.keyboard.press('End');
  await page.click('[data-testid=play]');
  await page.waitForFunction(() => document.querySelector('[data-testid=story-step]')?.textContent === 'Step 3 of 6');
  assert.ok(!(await playing(page)), 'playback stopped at the step');
  assert.equal(await viewMs(page), 8_000);

  // The last step asks for a split: it waits until the student makes one.
  for (let i = 0; i < 3; i += 1) await page.click('[data-testid=story-next]');
  assert.equal(await step(page), 'Step 6 of 6');
  assert.match(await page.innerText('[data-testid=story-ask]'), /split the network/);
  await page.click('[data-testid=partition]');
  await page.locator('[data-testid=story-done]').waitFor();

  // Leaving the story and coming back replays the lesson's own run at the step left.
  await page.click('[data-testid=story-leave]');
  await page.locator('[data-testid=story-return]').waitFor();
  await page.click('[data-testid=story-return]');
  assert.equal(await step(page), 'Step 6 of 6');
  assert.match(await page.innerText('[data-testid=story-ask]'), /split the network/, 'the own run: not done yet');

  // A lesson's link opens it.
  await page.goto(h.url('/#lesson=raft-election'));
  await page.reload();
  await page.locator('[data-testid=story]').waitFor();
  assert.match(await page.innerText('[data-testid=story]'), /Raft: the first election/);
  await page.click('[data-testid=play]');
  await page.waitForFunction(() => document.querySelector('[data-testid=story-step]')?.textContent === 'Step 2 of 3');
  assert.match(await page.innerText('[data-testid=story-text]'), /A leader is elected/);

  // A step can ring the messages it speaks of, and a caption step lets the run play on
  // under it: in Paxos' roles, playing from the prepares passes the promises (a caption)
  // and stops at the accepts.
  await page.goto(h.url('/#lesson=paxos-roles'));
  await page.reload();
  await page.locator('[data-testid=story]').waitFor();
  await page.click('[data-testid=story-next]');
  assert.equal(await step(page), 'Step 2 of 7');
  assert.equal(await viewMs(page), 220, 'P1\'s first prepare half way to A1');
  await h.screenshot('lesson-messages');
  await page.click('[data-testid=play]');
  await page.waitForFunction(() => document.querySelector('[data-testid=story-step]')?.textContent === 'Step 4 of 7');
  assert.ok(!(await playing(page)), 'playback stopped at the accepts');
  assert.equal(await viewMs(page), 322, 'the first accept half way to A1');
  await page.click('[data-testid=story-back]');
  assert.equal(await step(page), 'Step 3 of 7', 'Back shows the caption step');
  assert.match(await page.innerText('[data-testid=story-text]'), /promises/);

  // A link to a lesson this lab does not have says so and opens the lab.
  await page.goto(h.url('/#lesson=no-such-lesson'));
  await page.locator('[data-testid=notice]').first().waitFor();
  assert.match(await page.locator('[data-testid=notice]').first().innerText(), /lesson this version of the lab does not have/);
}
