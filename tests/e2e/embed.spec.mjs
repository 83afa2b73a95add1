// Embedded in a blog page or slides (`?embed` in an iframe): the canvas is in view at
// 800×450 and at 480×270, with playback, the scrubber and the invariant bar, and a link
// that opens the same run in the full lab; the embed passes the accessibility audit.

import { OLD_LINK, auditSerious } from './lab.mjs';

export async function run(h) {
  const { page, assert } = h;
  for (const [width, height] of [
    [800, 450],
    [480, 270],
  ]) {
    await page.setContent(`<p>A blog post.</p><iframe title="Quorum" src="${h.url('/?embed')}" width="${width}" height="${height}"></iframe>`);
    const frame = page.frameLocator('iframe');
    const canvas = frame.locator('[data-testid=canvas]');
    await canvas.waitFor();
    const box = await page.locator('iframe').boundingBox();
    const drawn = await canvas.boundingBox();
    assert.ok(drawn.y + drawn.height <= box.y + box.height + 1, `${width}×${height}: the canvas ends inside the frame`);
    assert.ok(drawn.height >= height / 3, `${width}×${height}: the canvas is ${drawn.height} px high`);
    for (const shown of ['play', 'scrubber', 'invariant-bar']) {
      assert.ok(await frame.locator(`[data-testid=${shown}]`).isVisible(), `${width}×${height}: ${shown} shows`);
    }
    assert.ok(!(await frame.locator('[data-testid=preset]').isVisible()), 'the scenario picker is left to the full lab');
    await page.screenshot({ path: (await h.screenshot(`embed-${width}x${height}`)).replace('.png', '-host.png') });
  }
  // Embedding a shared run: the link opens that run in the full lab.
  const fragment = OLD_LINK.slice(1); // '#s=1.…'
  await page.setContent(`<iframe title="Quorum" src="${h.url('/?embed' + fragment)}" width="800" height="450"></iframe>`);
  const open = page.frameLocator('iframe').locator('[data-testid=open-full]');
  await open.waitFor();
  assert.equal(await open.getAttribute('href'), '/' + fragment);

  // Share offers the snippet; pasted into a page, it shows the same run.
  await page.goto(h.url(OLD_LINK));
  await page.locator('[data-testid=node-list] li').first().waitFor();
  await page.click('[data-testid=share]');
  const snippet = await page.inputValue('[data-testid=embed-snippet]');
  assert.match(snippet, /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/\?embed#s=/, snippet);
  await page.setContent(`<link rel="icon" href="data:,"><p>Slides.</p>${snippet}`);
  await page.frameLocator('iframe').locator('[data-testid=canvas]').waitFor();
  await h.screenshot('embed-from-snippet');

  await page.goto(h.url('/?embed'));
  await page.locator('[data-testid=canvas]').waitFor();
  const found = await auditSerious(page);
  assert.deepEqual(found, [], JSON.stringify(found, null, 2));
}
