// Downloads from the share box: the run as a scenario file (with what the user did, so
// quorum-sim and the lab replay it) and the canvas as a PNG picture.

import { readFile } from 'node:fs/promises';
import { choosePreset } from './lab.mjs';

async function download(page, testid) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(`[data-testid=${testid}]`)]);
  return { name: file.suggestedFilename(), bytes: await readFile(await file.path()) };
}

export async function run(h) {
  const { page, assert } = h;
  await page.goto(h.url('/'));
  await page.locator('[data-testid=node-list] li').first().waitFor();
  await choosePreset(page, 'Paxos: one proposer');
  await page.locator('[data-testid=node-A2]').waitFor();
  await page.click('[data-testid=node-A2] button'); // node 2: P1, A1, A2, …
  await page.click('[data-testid=crash]');
  await page.click('[data-testid=share]');

  const scenario = await download(page, 'download-scenario');
  assert.equal(scenario.name, 'paxos-happy-path.json');
  const json = JSON.parse(scenario.bytes.toString('utf8'));
  assert.equal(json.protocol, 'paxos');
  assert.ok(json.timeline.some((e) => e.action === 'crash' && e.node === 2), `the crash the user made is in the file: ${JSON.stringify(json.timeline)}`);

  const picture = await download(page, 'download-picture');
  assert.equal(picture.name, 'paxos-happy-path.png');
  assert.deepEqual([...picture.bytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'a PNG');
  assert.ok(picture.bytes.length > 2_000, `a picture of ${picture.bytes.length} bytes`);
}
