// Smoke test: the page loads, the wasm app starts and draws on its canvas, and the
// invariant bar is up.

const CANVAS = '[data-testid=canvas]';

export async function run(h) {
  const { page, assert } = h;
  await page.goto(h.url('/'));
  const canvas = page.locator(CANVAS);
  await canvas.waitFor({ state: 'visible' });
  const box = await canvas.boundingBox();
  assert.ok(box && box.width > 100 && box.height > 100, `canvas too small: ${JSON.stringify(box)}`);
  // The app has rendered once the canvas holds something other than one flat colour.
  await page.waitForFunction(
    (selector) => {
      const c = document.querySelector(selector);
      const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
      for (let i = 4; i < data.length; i += 4) {
        if (data[i] !== data[0] || data[i + 1] !== data[1] || data[i + 2] !== data[2] || data[i + 3] !== data[3]) {
          return true;
        }
      }
      return false;
    },
    CANVAS,
    { polling: 100 },
  );
  await page.locator('[data-testid=invariant-bar]').waitFor({ state: 'visible' });
  h.log('screenshot:', await h.screenshot('smoke'));
}
