// End-to-end test harness: serves the built app (scripts/serve.mjs, in this process, on a
// free 127.0.0.1 port) and drives Debian's Chromium through playwright-core.
//
// ## Writing a spec
// A spec is a file tests/e2e/<name>.spec.mjs that exports
//
//     export async function run(h) { ... }          // throw (or fail an assert) to fail
//     export const contextOptions = { ... };         // optional: Playwright newContext()
//                                                    // options, e.g. { deviceScaleFactor: 2 }
//
// and gets `h` with:
//   h.page               a fresh Playwright Page in its own browser context (own storage),
//                        1280x800 unless contextOptions say otherwise. Actions time out
//                        after 10 s, navigations after 30 s; the whole spec after 120 s.
//   h.url(path = '/')    absolute URL of `path` on the test server, e.g. h.url('/#s=...')
//   h.screenshot(name)   saves a full-page PNG to target/e2e/<name>.png; returns the path
//   h.assert             node:assert/strict
//   h.log(...args)       prints a line under the spec's name
//   h.allowErrors(re)    tolerates console errors matching the RegExp `re` in this spec
//                        (for tests that provoke one on purpose, e.g. a tampered #s=)
//   h.errors()           console and page errors seen so far (strings)
//
// What specs read off the lab page (play state, event index, view time, a canvas digest,
// picking a preset, an old link) is in lab.mjs.
//
// Any console error or uncaught page error that is not tolerated fails the spec after it
// has run. A failing spec also leaves target/e2e/<name>-failure.png.
// Run: `node tests/e2e/run.mjs [FILTER...]` (FILTER: part of a spec name). Needs pkg/
// from `wasm-pack build --target web` (scripts/test.sh builds it first).

import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { REPO_ROOT, startServer } from '../../scripts/serve.mjs';

export const CHROMIUM = '/usr/bin/chromium';
// Root on a closed network: no sandbox, no GPU, and nothing that phones home (each
// refused connection would otherwise be retried and logged).
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'target', 'e2e');

// Chromium's own complaints about the container, not the app's.
const HARMLESS = [/dbus/i, /\/dev\/shm/];

const ACTION_TIMEOUT_MS = 10_000;
const NAVIGATION_TIMEOUT_MS = 30_000;
const SPEC_TIMEOUT_MS = 120_000;
const LAUNCH_TIMEOUT_MS = 30_000;
const CLOSE_TIMEOUT_MS = 10_000;

// Resolves like `promise`, or rejects after `ms` with a message naming `what`.
export function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export class Harness {
  static async start() {
    const server = await startServer({ port: 0 });
    try {
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: CHROMIUM_ARGS,
        timeout: LAUNCH_TIMEOUT_MS,
      });
      await mkdir(SCREENSHOT_DIR, { recursive: true });
      return new Harness(server, browser);
    } catch (err) {
      await server.close();
      throw err;
    }
  }

  constructor(server, browser) {
    this.server = server;
    this.browser = browser;
  }

  // Runs one spec in a fresh context; resolves to null on success, else to an Error.
  async runSpec(name, spec) {
    const context = await this.browser.newContext({
      viewport: { width: 1280, height: 800 },
      ...spec.contextOptions,
    });
    const page = await context.newPage();
    page.setDefaultTimeout(ACTION_TIMEOUT_MS);
    page.setDefaultNavigationTimeout(NAVIGATION_TIMEOUT_MS);

    const errors = [];
    const allowed = [...HARMLESS];
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      const { url, lineNumber } = msg.location();
      errors.push(`console error: ${msg.text()}${url ? ` (${url}:${lineNumber})` : ''}`);
    });
    page.on('pageerror', (err) => errors.push(`page error: ${err.stack || err.message}`));
    page.on('crash', () => errors.push('page crashed'));

    const screenshot = async (shot) => {
      const file = path.join(SCREENSHOT_DIR, `${shot}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    };
    const h = {
      page,
      url: (p = '/') => new URL(p, this.server.url).href,
      screenshot,
      assert,
      log: (...args) => console.log(`  [${name}]`, ...args),
      allowErrors: (re) => allowed.push(re),
      errors: () => [...errors],
    };

    try {
      await withTimeout(spec.run(h), SPEC_TIMEOUT_MS, `spec ${name}`);
      const unexpected = errors.filter((e) => !allowed.some((re) => re.test(e)));
      if (unexpected.length > 0) {
        throw new Error(`${unexpected.length} unexpected browser error(s):\n    ${unexpected.join('\n    ')}`);
      }
      return null;
    } catch (err) {
      await withTimeout(screenshot(`${name}-failure`), ACTION_TIMEOUT_MS, 'failure screenshot').catch(() => {});
      return err;
    } finally {
      // Closing the context also aborts whatever a timed-out spec was still waiting for.
      await withTimeout(context.close(), CLOSE_TIMEOUT_MS, 'closing the browser context').catch(() => {});
    }
  }

  async close() {
    await withTimeout(this.browser.close(), CLOSE_TIMEOUT_MS, 'closing chromium').catch((err) =>
      console.error(`e2e: ${err.message}`),
    );
    await withTimeout(this.server.close(), CLOSE_TIMEOUT_MS, 'closing the server').catch((err) =>
      console.error(`e2e: ${err.message}`),
    );
  }
}
