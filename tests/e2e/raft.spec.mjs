// Raft in the lab: a preset from the menu runs to its end; Figure 8's broken variant shows
// two servers applying different values at one index, and the node cards show what a
// lecturer checks against Figure 2 (term, vote, commit and applied index, the log by term).

import { choosePreset } from './lab.mjs';

export async function run(h) {
  const { page, assert } = h;
  await page.goto(h.url('/'));
  await page.locator('[data-testid=node-list] li').first().waitFor();

  await choosePreset(page, 'Figure 8, committing');
  await page.locator('[data-testid=node-E]').waitFor();
  await page.keyboard.press('End');
  await page.waitForFunction(() => document.querySelector('[data-testid=invariant-bar]')?.dataset.state !== 'ok');
  const bar = await page.innerText('[data-testid=invariant-bar]');
  assert.match(bar, /state-machine-safety|leader-completeness|apply|leads term/i, bar);

  await page.click('[data-testid=node-E] button');
  const inspector = await page.innerText('[data-testid=inspector]');
  for (const fact of ['Leader', 'term 17', 'voted for E', 'commit 3', 'applied 3', 'x=2']) {
    assert.ok(inspector.includes(fact), `the inspector shows ${fact}: ${inspector}`);
  }
  await h.screenshot('raft-figure-8-bug');

  // The first election, played: a leader appears and clients' puts commit.
  await choosePreset(page, 'the first election');
  await page.keyboard.press('End');
  await page.waitForFunction(() => document.querySelector('[data-testid=node-list]').innerText.includes('Leader'));
  assert.equal(await page.$eval('[data-testid=invariant-bar]', (el) => el.dataset.state), 'ok');
  await h.screenshot('raft-first-election');

  // The lab's own controls on Raft: crash the leader from its card, play on a few
  // seconds, and another server leads a later term with nothing broken.
  const leaderOf = () =>
    page.$$eval('[data-testid=node-list] li', (items) =>
      items.filter((li) => li.innerText.includes('Leader')).map((li) => li.dataset.testid),
    );
  const [before] = await leaderOf();
  await page.click(`[data-testid=${before}] button`);
  await page.click('[data-testid=crash]');
  for (let i = 0; i < 3; i += 1) await page.keyboard.press('Shift+ArrowRight');
  await page.waitForFunction(
    (old) => [...document.querySelectorAll('[data-testid=node-list] li')].some((li) => li.innerText.includes('Leader') && li.dataset.testid !== old),
    before,
  );
  assert.match(await page.innerText(`[data-testid=${before}]`), /crashed/);
  assert.equal(await page.$eval('[data-testid=invariant-bar]', (el) => el.dataset.state), 'ok');
}
