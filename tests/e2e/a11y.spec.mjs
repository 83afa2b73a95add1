// Accessibility: axe-core audits the lab (from npm, injected into the page) in the states a
// visitor meets: the opening run, a node open in the inspector, a violation shown, each
// protocol family, the lessons list and a lesson, an event pointed at on the space-time
// diagram, the dark theme and the phone layout, the Embed dialog (its form and preview) and
// presentation mode. No critical or serious finding is allowed.

import { auditSerious, choosePreset } from './lab.mjs';

async function expectClean(page, assert, where) {
  const found = await auditSerious(page);
  assert.deepEqual(found, [], `${where}: ${JSON.stringify(found, null, 2)}`);
}

export async function run(h) {
  const { page, assert } = h;
  await page.goto(h.url('/'));
  await page.locator('[data-testid=node-list] li').first().waitFor();
  await expectClean(page, assert, 'the opening run');

  await page.click('[data-testid=node-list] li button');
  await expectClean(page, assert, 'a node in the inspector');

  for (const title of ['Split brain', 'duelling proposers without backoff', 'gossiped as one number', 'coordinator crashes as the votes arrive']) {
    await choosePreset(page, title);
    await page.keyboard.press('End');
    await expectClean(page, assert, title);
  }
  await h.screenshot('a11y-violation-shown');

  await page.click('[data-testid=lessons-button]');
  await expectClean(page, assert, 'the lessons list');
  await page.click('[data-testid=lesson-raft-election]');
  await page.click('[data-testid=story-next]');
  await page.click('[data-testid=story-next]');
  await expectClean(page, assert, 'a lesson asking for a crash');
  const diagram = page.locator('[data-testid=diagram-canvas]');
  await diagram.scrollIntoViewIfNeeded();
  const box = await diagram.boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await expectClean(page, assert, 'the space-time diagram and the charts');

  await page.emulateMedia({ colorScheme: 'dark' });
  await expectClean(page, assert, 'the dark theme');
  await page.setViewportSize({ width: 390, height: 844 });
  await expectClean(page, assert, 'the phone layout, dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await expectClean(page, assert, 'the phone layout');

  await page.setViewportSize({ width: 1280, height: 800 });
  await page.click('[data-testid=embed-button]');
  await page.frameLocator('[data-testid=embed-preview]').locator('[data-testid=canvas]').waitFor();
  await page.check('[data-testid=embed-loop]');
  await page.fill('[data-testid=embed-origin]', 'not an origin');
  await page.locator('[data-testid=embed-origin]').blur();
  await page.locator('[data-testid=embed-problems]').waitFor();
  await expectClean(page, assert, 'the Embed dialog, with a problem shown');
  await page.keyboard.press('Escape');
  await page.keyboard.press('p');
  await page.locator('main.lab--present').waitFor();
  await expectClean(page, assert, 'presentation mode, a lesson told');
  await page.emulateMedia({ colorScheme: 'dark' });
  await expectClean(page, assert, 'presentation mode, dark');
  await page.emulateMedia({ colorScheme: 'light' });
}
