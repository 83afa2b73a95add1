// The Embed dialog: next to Share, it writes the iframe for the run on screen with the
// options chosen, shows a live preview of exactly that iframe, says what cannot be used,
// and the snippet pasted into a page opens the run with those options.

export async function run(h) {
  const { page, assert } = h;
  await page.goto(h.url('/'));
  await page.locator('[data-testid=node-list] li').first().waitFor();
  await page.click('[data-testid=embed-button]');
  const dialog = page.locator('[data-testid=embed-dialog]');
  await dialog.waitFor();
  const code = () => page.inputValue('[data-testid=embed-code]');
  assert.match(await code(), /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/\?embed&autoplay=1#s=2\.[^"]*" width="800" height="450" title="Quorum: [^"]+" style="border:0" allow="fullscreen"><\/iframe>$/);

  await page.selectOption('[data-testid=embed-theme]', 'dark');
  await page.check('[data-testid=embed-loop]');
  await page.check('[data-testid=embed-diagram]');
  await page.selectOption('[data-testid=embed-speed]', '2');
  await page.selectOption('[data-testid=embed-size]', '1');
  await page.fill('[data-testid=embed-from]', '2000');
  await page.fill('[data-testid=embed-to]', '6000');
  await page.locator('[data-testid=embed-to]').blur();
  const snippet = await code();
  assert.match(snippet, /\?embed&autoplay=1&loop=1&speed=2&from=2000&to=6000&panels=canvas,diagram&theme=dark#s=2\./, snippet);
  assert.match(snippet, /width="640" height="360"/);
  const src = snippet.match(/src="([^"]+)"/)[1].replaceAll('&amp;', '&');
  assert.equal(await page.getAttribute('[data-testid=embed-preview]', 'src'), src, 'the preview is the snippet');

  // The preview loads, with the options applied.
  const preview = page.frameLocator('[data-testid=embed-preview]');
  await preview.locator('[data-testid=diagram-canvas]').waitFor();
  assert.equal(await preview.locator('[data-testid=scrubber]').getAttribute('min'), '2000');
  await h.screenshot('embed-dialog');

  // What cannot be used is said, and left out of the snippet.
  await page.fill('[data-testid=embed-from]', '9000');
  await page.fill('[data-testid=embed-origin]', '*');
  await page.locator('[data-testid=embed-origin]').blur();
  const problems = await page.innerText('[data-testid=embed-problems]');
  assert.match(problems, /from= must come before to=/);
  assert.match(problems, /origin="\*"/);
  assert.doesNotMatch(await code(), /from=|origin=/);
  await page.fill('[data-testid=embed-from]', '');
  await page.fill('[data-testid=embed-origin]', 'https://blog.example.org');
  await page.locator('[data-testid=embed-origin]').blur();
  assert.match(await code(), /&to=6000&.*&origin=https:\/\/blog\.example\.org#/);

  await page.click('[data-testid=embed-copy]');
  await page.waitForFunction(() => document.querySelector('[data-testid=embed-copied]').textContent !== '');
  await page.keyboard.press('Escape');
  assert.ok(!(await dialog.isVisible()), 'Escape closes it');

  // Pasted into a page, the snippet opens the run.
  await page.setContent(`<link rel="icon" href="data:,"><p>Slides.</p>${snippet}`);
  const pasted = page.frameLocator('iframe');
  await pasted.locator('[data-testid=canvas]').waitFor();
  assert.equal(await pasted.locator('[data-testid=scrubber]').getAttribute('max'), '6000');
  await h.screenshot('embed-dialog-pasted');
}
