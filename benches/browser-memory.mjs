// The lab's wasm memory after an hour of virtual time played at the fastest speed, in
// headless Chromium. Animation frames are fed 100 ms apart (the most one frame may
// account for), as fast as the page takes them, so an hour at 4× plays in a few minutes
// of wall time instead of fifteen. Prints the memory every ten virtual minutes; exits 1
// if it ends above the engine's one-hour bound (64 MB, docs/benchmarks.md).
//
//   node benches/browser-memory.mjs          (needs pkg/: scripts/serve.sh or test.sh builds it)

import { chromium } from 'playwright-core';
import { startServer } from '../scripts/serve.mjs';
import { CHROMIUM, CHROMIUM_ARGS } from '../tests/e2e/harness.mjs';

const HOUR_MS = 3_600_000;
const BOUND_MB = 64;

// The benchmark office (benches/scenarios/office-5-60min.json): 5 branches, 5 parents/s.
const RUNS = [
  ['the opening scenario, played on past its end', '/'],
  [
    'office, 5 branches, 5 parents/s',
    '/#s=1.VZDdboMwDIVfBfna6tLfTVzuNRBCWXDbqCFBxrSrqr77HJjWcZecnPP5xA-4Eg8-RSjXCD0nSS4FKCEdj94RIFwtextFJZeYyYlqMbU0QLlHGIhaKN8RxEsgNX1SdOfO8qWYCVjsiy-2KtKQz71lijK86eVgis7HURSlSJJb4guUDwhWFHJvOh1RbQx-mBqh5dRDaVZGa7ZjH7xT1yQ8EXIyJNvmNKve9MRNLrgyCEzC98YeRbWM3Bijame_m_kla1vzJ96sFx9PGjYZLb6j4KOOqh5gnUyrAv2FfjifEaxMiPWMOHEa-1y8MriusdrgFnd1_cR_6TPZ8ArmPmbx7tgO55fht1xeuroXTqZBtMrLu1t6dXFjFB9mzsFMo34A',
  ],
];

function fastFrames() {
  let t = 0;
  window.requestAnimationFrame = (cb) => setTimeout(() => cb((t += 100)), 0);
}

const server = await startServer({ port: 0 });
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
let worst = 0;
try {
  for (const [name, path] of RUNS) {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await page.addInitScript(fastFrames);
    await page.goto(new URL(path, server.url).href);
    await page.locator('[data-testid=node-list] li').first().waitFor();
    // End on the speed slider: the fastest speed.
    await page.focus('[data-testid=speed]');
    await page.keyboard.press('End');
    const memoryMb = () =>
      page.evaluate(async () => (await (await import('/pkg/quorum.js')).default()).memory.buffer.byteLength / 2 ** 20);
    const started = Date.now();
    console.log(`${name}:`);
    for (let minute = 10; minute <= HOUR_MS / 60_000; minute += 10) {
      await page.waitForFunction(
        (ms) => {
          // Playback stops once at the scenario's end: play on.
          const play = document.querySelector('[data-testid=play]');
          if (play.getAttribute('aria-pressed') === 'false') play.click();
          return Number(document.querySelector('[data-testid=scrubber]').value) >= ms;
        },
        minute * 60_000,
        { timeout: 900_000, polling: 200 },
      );
      const mb = await memoryMb();
      worst = Math.max(worst, mb);
      console.log(`  ${minute} min: ${mb.toFixed(1)} MB of wasm memory (${Math.round((Date.now() - started) / 1000)} s)`);
    }
    await page.context().close();
  }
} finally {
  await browser.close();
  await server.close();
}
console.log(`largest: ${worst.toFixed(1)} MB (bound ${BOUND_MB} MB)`);
process.exit(worst <= BOUND_MB ? 0 : 1);
