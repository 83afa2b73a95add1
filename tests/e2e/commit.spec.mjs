// 2PC and 3PC in the lab: the coordinator drawn in the middle, a coordinator crash that
// leaves 2PC's cohorts blocked with their locks held (and 3PC's not), and a partition that
// splits 3PC's decision, shown as the protocol's known limit rather than a bug.

import { choosePreset } from './lab.mjs';

async function choose(page, title) {
  await choosePreset(page, title);
  await page.locator('[data-testid=node-P3]').waitFor();
}

export async function run(h) {
  const { page, assert } = h;
  await page.goto(h.url('/'));
  await page.locator('[data-testid=node-list] li').first().waitFor();

  await choose(page, 'the coordinator crashes as the votes arrive');
  // Five seconds in: the coordinator is down, every cohort holds its lock, blocked.
  for (let i = 0; i < 5; i += 1) await page.keyboard.press('Shift+ArrowRight');
  await page.waitForFunction(() => document.querySelector('[data-testid=node-C]')?.innerText.includes('crashed'));
  for (const cohort of ['P1', 'P2', 'P3']) {
    await page.click(`[data-testid=node-${cohort}] button`);
    const inspector = await page.innerText('[data-testid=inspector]');
    assert.match(inspector, /PREPARED, lock held since .*blocked since/s, `${cohort} is blocked: ${inspector}`);
  }
  assert.equal(await page.$eval('[data-testid=invariant-bar]', (el) => el.dataset.state), 'ok', 'blocking is not a violation');
  await h.screenshot('2pc-blocked');

  // 3PC under the same crash: by five seconds the cohorts have terminated, no lock held.
  await choose(page, '3PC: the same coordinator crash');
  for (let i = 0; i < 5; i += 1) await page.keyboard.press('Shift+ArrowRight');
  for (const cohort of ['P1', 'P2', 'P3']) {
    await page.click(`[data-testid=node-${cohort}] button`);
    const inspector = await page.innerText('[data-testid=inspector]');
    assert.ok(!inspector.includes('lock held'), `${cohort} holds no lock: ${inspector}`);
  }

  // The split: the bar turns to the known limit and says so.
  await choose(page, 'splits the decision');
  await page.keyboard.press('End');
  await page.waitForFunction(() => document.querySelector('[data-testid=invariant-bar]')?.dataset.state !== 'ok');
  const bar = await page.innerText('[data-testid=invariant-bar]');
  assert.match(bar, /Known limit.*decide differently/s, bar);
  await h.screenshot('3pc-split');
}
