// A page that reads cleanly at the desktop size: nothing moves when a badge appears in the
// scrubber ("End of the scenario"), and the scenario menu is wide enough for every preset's
// name. phone.spec.mjs checks the same badge at the phone size.

export async function badgeKeepsItsRoom(h) {
  const { page, assert } = h;
  await page.goto('about:blank');
  await page.goto(h.url('/'));
  await page.locator('[data-testid=node-list] li').first().waitFor();
  await page.locator('body').click({ position: { x: 2, y: 2 } });
  await page.keyboard.press(' ');
  const boxes = () =>
    page.$$eval('.track, .span-info, .canvas-wrap, [data-testid=invariant-bar]', (els) =>
      els.map((e) => JSON.stringify(e.getBoundingClientRect())));
  const before = await boxes();
  await page.keyboard.press('End');
  await page.locator('[data-testid=at-end]').waitFor();
  assert.deepEqual(await boxes(), before, 'the track, the panels below and the canvas stay where they were');
}

export async function run(h) {
  const { page, assert } = h;
  await badgeKeepsItsRoom(h);

  // Every preset's name fits in the closed menu.
  const tooNarrow = await page.$eval('[data-testid=preset]', (select) => {
    const ctx = document.createElement('canvas').getContext('2d');
    ctx.font = getComputedStyle(select).font;
    const inner = select.clientWidth - parseFloat(getComputedStyle(select).paddingLeft);
    // The drop-down arrow takes about 20 px on the right.
    return [...select.options].map((o) => o.textContent).filter((name) => ctx.measureText(name).width > inner - 20);
  });
  assert.deepEqual(tooNarrow, [], 'every preset name can be read in the menu');
}
