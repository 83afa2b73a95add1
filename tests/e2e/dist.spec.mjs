// The static build: assembled as scripts/dist.sh does, served under a sub-path the way a
// course page or a blog would host it, it runs; after the first visit it runs offline.

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { assemble } from '../../scripts/dist.mjs';
import { startServer } from '../../scripts/serve.mjs';

export async function run(h) {
  const { page, assert } = h;
  const out = await assemble(await mkdtemp(path.join(os.tmpdir(), 'quorum-dist-')));
  const server = await startServer({ root: out, prefix: '/talks/2026/quorum/' });
  try {
    await page.goto(server.url);
    await page.locator('[data-testid=node-list] li').first().waitFor();
    assert.ok(page.url().startsWith(server.url), page.url());
    const preset = await page.request.get(new URL('scenarios/office-tour.json', server.url).href);
    assert.equal(preset.status(), 200, 'the presets are files beside the lab');

    // The service worker has kept the shell; the network goes; a reload still opens the lab.
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.reload();
    await page.locator('[data-testid=node-list] li').first().waitFor();
    await page.context().setOffline(true);
    await page.reload();
    await page.locator('[data-testid=node-list] li').first().waitFor();
    await page.click('[data-testid=play]');
    await h.screenshot('dist-offline');
    await page.context().setOffline(false);
  } finally {
    await server.close();
    await rm(out, { recursive: true, force: true });
  }
}
