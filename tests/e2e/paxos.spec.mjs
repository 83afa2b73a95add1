// Paxos in the lab: roles drawn in rows, an adopted value shown on every card, the
// duel without backoff failing liveness, and Multi-Paxos filling a lost slot with a no-op.

import { choosePreset, inspect as card } from './lab.mjs';
async function choose(page, title, node) {
  await choosePreset(page, title);
  await page.locator(`[data-testid=node-${node}]`).waitFor();
}


export async function run(h) {
  const { page, assert } = h;
  await page.goto(h.url('/'));
  await page.locator('[data-testid=node-list] li').first().waitFor();

  // P2 proposes y after x was chosen: it adopts x, and its client is told x.
  await choose(page, 'a second proposer must adopt', 'L1');
  await page.keyboard.press('End');
  assert.match(await card(page, 'L1'), /learned x/);
  assert.match(await card(page, 'P2'), /knows x is chosen/, 'P2 adopted x');
  assert.match(await card(page, 'A1'), /accepted \(1\.2, x\)/, 'A1 accepted x again under P2\'s ballot');
  assert.equal(await page.$eval('[data-testid=invariant-bar]', (el) => el.dataset.state), 'ok');
  await h.screenshot('paxos-adopt');

  // The duel: ballots keep rising and nothing is learned; the end judges liveness.
  await choose(page, 'duelling proposers without backoff', 'L1');
  await page.keyboard.press('End');
  await page.waitForFunction(() => document.querySelector('[data-testid=end-judgement]')?.dataset.state === 'violated');
  assert.match(await card(page, 'L1'), /learned nothing yet/);
  const promised = Number((await card(page, 'A1')).match(/promised (\d+)\./)[1]);
  assert.ok(promised > 50, `A1 promised only round ${promised}`);
  assert.match(await page.innerText('[data-testid=end-judgement]'), /client r1 has waited since 200 ms/);
  assert.equal(await page.$eval('[data-testid=invariant-bar]', (el) => el.dataset.state), 'ok', 'a duel breaks no safety property');
  await h.screenshot('paxos-duel');

  // Multi-Paxos: the new leader fills slot 3 with a no-op so both replicas apply slot 4.
  await choose(page, 'successor fills the gap', 'L2');
  await page.keyboard.press('End');
  for (const replica of ['L1', 'L2']) {
    assert.match(await card(page, replica), /applied up to #6.*no-op/s, `${replica} applied past the no-op`);
  }
  assert.match(await card(page, 'P1'), /Leader/);
  await h.screenshot('multi-paxos-gap');
}
