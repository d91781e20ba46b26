/**
 * axe-core (Deque's accessibility engine, the one behind Lighthouse's accessibility score) on every state a shopper
 * sees: the first screen, results, the product details, an error, the crop box and on-device mode's notice, on a desktop
 * and on a phone, light and dark. Any WCAG 2.2 A or AA violation fails, named with the elements it was found on.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { openPage, queryImage, showResults, uploadQuery } from './helpers';

const WCAG_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** The violations axe finds on the page as it is now, one line each: rule, impact, help and where. */
async function violations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(WCAG_AA).analyze();
  return result.violations.map((v) => `${v.id} (${v.impact ?? 'unknown'}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Checks the page in light and in dark colours. */
async function expectNoViolations(page: Page, state: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme, reducedMotion: 'reduce' });
    expect(await violations(page), `${state}, ${colorScheme}`).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

for (const viewport of [{ width: 1280, height: 800 }, { width: 375, height: 812 }]) {
  test.describe(`at ${viewport.width}×${viewport.height}`, () => {
    test.use({ viewport });

    test('the first screen, results, the crop box and the product details have no WCAG A/AA violations', async ({ page }) => {
      await openPage(page);
      await expectNoViolations(page, 'first screen');

      await uploadQuery(page);
      await expectNoViolations(page, 'results');

      await page.getByRole('button', { name: 'Search a part of the photo' }).click();
      await expect(page.locator('#crop-box')).toBeVisible();
      await expectNoViolations(page, 'crop box');
      await page.getByRole('button', { name: 'Whole photo' }).click();

      await page.locator('#grid .card .card-link').first().click();
      await expect(page.getByRole('dialog')).toBeVisible();
      await expectNoViolations(page, 'product details');
    });

    test('an error message and the empty state have no WCAG A/AA violations', async ({ page }) => {
      await openPage(page);
      await page.locator('#file-input').setInputFiles({ name: 'fake.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('this is not a photo') });
      await expect(page.getByRole('alert')).toBeVisible();
      await expectNoViolations(page, 'error');

      await page.route('**/search', (route) => route.fulfill({ json: { results: [], count: 0, threshold: 0.7, took_ms: 1 } }), { times: 1 });
      await page.locator('#file-input').setInputFiles('../tests/Imaging/Fixtures/tiny.gif');
      await expect(page.locator('#status')).toContainText('Showing 0 matches');
      await expectNoViolations(page, 'empty state');
    });
  });
}

test('on-device mode, with its model downloaded and results shown, has no WCAG A/AA violations', async ({ page }) => {
  await openPage(page);
  await page.getByRole('switch', { name: /On-device/ }).check();
  await page.locator('#file-input').setInputFiles(queryImage);
  await showResults(page);
  await expectNoViolations(page, 'on-device results');
});

test('the check itself finds a violation when there is one (an image without a text alternative)', async ({ page }) => {
  await openPage(page);
  await page.evaluate(() => { document.querySelector('main')?.append(Object.assign(document.createElement('img'), { src: '/favicon.svg' })); });
  expect((await violations(page)).some((line) => line.startsWith('image-alt '))).toBe(true);
});
