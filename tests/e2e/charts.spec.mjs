// The charts: every engine chart and the protocol's own appear, follow the playhead with
// the values at it in words, and a click on a chart goes to that time.

import { choosePreset, playing, viewMs } from './lab.mjs';

export async function run(h) {
  const { page, assert } = h;
  await page.goto(h.url('/'));
  await page.locator('[data-testid=node-list] li').first().waitFor();
  await choosePreset(page, 'Raft: the leader crashes');
  if (await playing(page)) await page.click('[data-testid=play]');
  // Ten virtual seconds on: a leader was elected, crashed, and another took over.
  for (let i = 0; i < 10; i += 1) await page.keyboard.press('Shift+ArrowRight');
  const titles = await page.locator('[data-testid=chart] .chart-title').allInnerTexts();
  for (const title of ['Latency now (answers of the last 2 s)', 'Throughput', 'Messages per answer', 'Elections', 'Leaderless']) {
    assert.ok(titles.includes(title), `a chart of ${title}: ${titles.join(', ')}`);
  }
  const latency = await page.locator('[data-testid=chart-values]').first().innerText();
  assert.match(latency, /p50 \d+ ms/, `latency at the playhead: ${latency}`);
  const elections = page.locator('[data-testid=chart]', { hasText: 'Elections' });
  assert.match(await elections.locator('[data-testid=chart-values]').innerText(), /^[1-9]$/);
  const charts = page.locator('[data-testid=charts]');
  await charts.scrollIntoViewIfNeeded();
  await h.screenshot('charts');

  // A click a quarter of the way along a chart's plot goes to about a quarter of the run.
  const plot = await elections.locator('canvas').boundingBox();
  await page.mouse.click(plot.x + 44 + (plot.width - 52) * 0.25, plot.y + plot.height / 2);
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=scrubber]').value) < 5_000);
  const at = await viewMs(page);
  assert.ok(Math.abs(at - 15_000 * 0.25) < 300, `seeked to ${at} ms`);
}
