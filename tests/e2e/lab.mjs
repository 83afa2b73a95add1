import path from 'node:path';
import { REPO_ROOT } from '../../scripts/serve.mjs';

// What several specs read off the lab page, in one place (specs import what they need).

// A link made before links carried the moment: the zombie preset, as a version 1 link.
export const OLD_LINK =
  '/#s=1.VZDBTsQwDER_JfI5QmkRCOUfEBduK1SF1F0i0rhy3V2Wqv-OU8RquSWTeZOxVzghz4kK-MbCxCQUKYMHGoYUESycAqdQRKVIzBhFtUI9zuAfLMyIvaLKSpKM6nr9QPNN43tC8xxSMS97kDfBZCpHM4VlrrEF5Uz8CX6FHARLvHSjRh5aZ5_cm4WeaQLv7pwelymnqKb9vlmoYKbQV5hV7ybkTuG2uhmFL10YRLWa2Dqn6hi-ut-Xqt27q3gOSVI56jCuRksaMaeiXx1WCFH2zcBf6SA7_rjTdQnaaLM3RsZ5GW-cTfPPqnMtRVK-FnPbDw';

export const playing = async (page) => (await page.getAttribute('[data-testid=play]', 'aria-pressed')) === 'true';
export const eventIndex = async (page) => Number((await page.innerText('.span-info')).match(/event (\d+)/)[1]);
// The view's virtual time, in whole ms, as the scrubber holds it.
export const viewMs = (page) => page.$eval('[data-testid=scrubber]', (el) => Number(el.value));

// A fingerprint of every pixel on the canvas (run in the page: `page.evaluate(canvasDigest)`).
export const canvasDigest = () => {
  const c = document.querySelector('[data-testid=canvas]');
  const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
  let h = 2166136261;
  for (let i = 0; i < data.length; i += 1) h = Math.imul(h ^ data[i], 16777619);
  return h >>> 0;
};

// Picks the preset whose title in the menu matches `title` (a RegExp or a substring).
export async function choosePreset(page, title) {
  const pattern = typeof title === 'string' ? title : title.source;
  const value = await page.$$eval(
    '[data-testid=preset] option',
    (options, [p, isText]) => options.find((o) => (isText ? o.textContent.includes(p) : new RegExp(p).test(o.textContent)))?.value,
    [pattern, typeof title === 'string'],
  );
  if (value === undefined) throw new Error(`no preset matches ${title}`);
  await page.selectOption('[data-testid=preset]', value);
}

// What the inspector shows for `node` (its role, facts, items and log), after selecting it.
export async function inspect(page, node) {
  await page.click(`[data-testid=node-${node}] button`);
  return page.innerText('[data-testid=inspector]');
}

const AXE = path.join(REPO_ROOT, 'node_modules', 'axe-core', 'axe.min.js');

// axe-core's critical and serious findings on the page as it is now (axe from npm,
// injected into the page), each with a few of the elements it names.
export async function auditSerious(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const { violations } = await window.axe.run(document, { resultTypes: ['violations'] });
    return violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ') + ': ' + n.failureSummary),
    }));
  });
  return violations.filter((v) => v.impact === 'critical' || v.impact === 'serious');
}
