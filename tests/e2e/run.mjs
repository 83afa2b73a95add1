// Runs the end-to-end specs (tests/e2e/*.spec.mjs) against the built app in headless
// Chromium, prints PASS/FAIL per spec and exits non-zero if any failed.
//
//   node tests/e2e/run.mjs [FILTER...]     FILTER: part of a spec name, e.g. `smoke`
//
// The harness API for specs is documented at the top of harness.mjs.

import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Harness } from './harness.mjs';
import { REPO_ROOT } from '../../scripts/serve.mjs';

// Hard stop for the whole run, whatever hangs (Playwright kills Chromium on exit).
const RUN_TIMEOUT_MS = 10 * 60_000;

const here = path.dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);

function fail(message) {
  console.error(`e2e: ${message}`);
  process.exit(1);
}

const specs = readdirSync(here)
  .filter((f) => f.endsWith('.spec.mjs'))
  .sort()
  .map((f) => ({ name: f.slice(0, -'.spec.mjs'.length), file: path.join(here, f) }))
  .filter(({ name }) => filters.length === 0 || filters.some((part) => name.includes(part)));
if (specs.length === 0) fail(`no specs in ${here} match ${filters.join(' ') || '*.spec.mjs'}`);

if (!existsSync(path.join(REPO_ROOT, 'pkg')) || !readdirSync(path.join(REPO_ROOT, 'pkg')).some((f) => f.endsWith('.wasm'))) {
  fail('no wasm in pkg/: build it first with `wasm-pack build --release --target web --mode no-install` (scripts/test.sh does)');
}

const watchdog = setTimeout(() => fail(`run timed out after ${RUN_TIMEOUT_MS / 60_000} min`), RUN_TIMEOUT_MS);

const harness = await Harness.start().catch((err) => fail(`cannot start server and Chromium: ${err.message}`));
// On Ctrl-C or SIGTERM Playwright's own handlers kill Chromium and exit (130); the
// server goes with this process.

// Resolves to null when the spec passed, else to the Error that failed it.
async function runOne(name, file) {
  try {
    const spec = await import(pathToFileURL(file).href);
    if (typeof spec.run !== 'function') {
      return new Error(`${path.basename(file)} does not export async function run(h)`);
    }
    return await harness.runSpec(name, spec);
  } catch (err) {
    return err;
  }
}

let failed = 0;
try {
  console.log(`e2e: ${specs.length} spec(s) against ${harness.server.url}`);
  for (const { name, file } of specs) {
    const started = Date.now();
    const err = await runOne(name, file);
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    if (err) {
      failed += 1;
      console.log(`FAIL ${name} (${secs} s): ${err.stack || err.message}`);
    } else {
      console.log(`PASS ${name} (${secs} s)`);
    }
  }
} finally {
  await harness.close();
  clearTimeout(watchdog);
}

console.log(`e2e: ${specs.length - failed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
