// Downloads from the share box: the run as a scenario file (with what the user did, so
// quorum-sim and the lab replay it), the canvas as a PNG picture, and a WebM clip of the
// canvas while the run plays (stopped by its button, or by pausing).

import { readFile } from 'node:fs/promises';
import { choosePreset, playing } from './lab.mjs';

// WebM is Matroska: an EBML header first.
const EBML = [0x1a, 0x45, 0xdf, 0xa3];

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

  // A clip: its button plays the run and records; pressed again, it saves a WebM file.
  const clip = page.locator('[data-testid=record-clip]');
  await clip.click();
  assert.equal(await clip.getAttribute('aria-pressed'), 'true', 'recording');
  assert.equal(await playing(page), true, 'a clip plays the run');
  await page.waitForTimeout(1_200);
  const [video] = await Promise.all([page.waitForEvent('download'), clip.click()]);
  const bytes = await readFile(await video.path());
  assert.equal(video.suggestedFilename(), 'paxos-happy-path.webm');
  assert.deepEqual([...bytes.subarray(0, 4)], EBML, 'a WebM file');
  assert.ok(bytes.length > 5_000, `a clip of ${bytes.length} bytes`);
  assert.equal(await clip.getAttribute('aria-pressed'), 'false');

  // Pausing ends a clip too, and saves it.
  await clip.click();
  await page.waitForTimeout(600);
  const [paused] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=play]')]);
  assert.deepEqual([...(await readFile(await paused.path())).subarray(0, 4)], EBML, 'pausing saved the clip');
  assert.equal(await playing(page), false);
}
