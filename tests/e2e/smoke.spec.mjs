// Smoke test: the page loads, the wasm app starts and draws on its canvas.

export async function run(h) {
  const { page, assert } = h;
  await page.goto(h.url('/'));
  const canvas = page.locator('canvas').first();
  await canvas.waitFor({ state: 'visible' });
  const box = await canvas.boundingBox();
  assert.ok(box && box.width > 100 && box.height > 100, `canvas too small: ${JSON.stringify(box)}`);
  // The app has rendered once the canvas holds something other than one flat colour.
  await page.waitForFunction(() => {
    const c = document.querySelector('canvas');
    const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
    for (let i = 4; i < data.length; i += 4) {
      if (data[i] !== data[0] || data[i + 1] !== data[1] || data[i + 2] !== data[2] || data[i + 3] !== data[3]) {
        return true;
      }
    }
    return false;
  }, null, { polling: 100 });
  h.log('screenshot:', await h.screenshot('smoke'));
}
