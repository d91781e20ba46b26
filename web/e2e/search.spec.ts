import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';

const queryImage = process.env.E2E_QUERY_IMAGE ?? '';
const screenshots = 'test-results/screenshots';

function countOf(text: string, pattern: RegExp): number {
  const match = pattern.exec(text);
  return match ? Number(match[1]) : 0;
}

/**
 * Waits for a search's results. Scores are calibrated probabilities, so a query may have nothing at the default 70%:
 * the empty state then offers a lower threshold, and taking it must show the best matches.
 */
async function showResults(page: Page): Promise<void> {
  await expect(page.locator('#status')).toContainText('Showing');
  if ((await page.locator('#grid .card:not(.skeleton)').count()) === 0) {
    const lower = page.getByRole('button', { name: /Lower the threshold to \d+%/ });
    await expect(lower).toBeVisible();
    await lower.click();
  }
  await expect(page.locator('#grid .card:not(.skeleton)').first()).toBeVisible();
}

async function uploadQuery(page: Page): Promise<void> {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'ImageSearch' })).toBeVisible();
  // The category chips come from /stats.
  await expect(page.locator('#categories .chip').first()).toBeVisible();
  await page.locator('#file-input').setInputFiles(queryImage);
  await showResults(page);
}

test.beforeAll(() => {
  expect(queryImage, 'E2E_QUERY_IMAGE names a photo (set by e2e/run.sh)').not.toBe('');
  mkdirSync(screenshots, { recursive: true });
});

test('uploading a real photo shows ranked result cards beside the query image', async ({ page }) => {
  await uploadQuery(page);

  await expect(page.locator('#query-preview')).toBeVisible();
  await expect(page.locator('#query-caption')).toContainText('Your photo');
  const cards = page.locator('#grid .card');
  expect(await cards.count()).toBeGreaterThan(0);
  const first = cards.first();
  await expect(first.getByRole('heading', { level: 3 })).not.toBeEmpty();
  await expect(first.getByRole('button', { name: /More like this/ })).toBeVisible();
  const scores = (await page.locator('#grid .score-label').allTextContents()).map((text) => Number.parseInt(text, 10));
  const threshold = Number.parseInt((await page.locator('#threshold-value').textContent()) ?? '70', 10);
  expect(scores.every((score) => score >= threshold)).toBe(true);
  expect(scores).toEqual([...scores].sort((a, b) => b - a));
  // Every card's photo is served by the API.
  await expect(first.locator('img')).toHaveJSProperty('complete', true);
  expect(await first.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
});

test('moving the threshold slider changes how many are shown and hidden', async ({ page }) => {
  await uploadQuery(page);
  const status = page.locator('#status');
  await page.getByLabel('Similarity threshold').fill('0');
  await expect(status).toContainText('at or above 0%');
  const all = (await status.textContent()) ?? '';
  expect(all).not.toContain('hidden below the threshold');

  await page.getByLabel('Similarity threshold').fill('90');
  await expect(status).toContainText('at or above 90%');
  await expect(page.locator('#threshold-value')).toHaveText('90%');
  const strict = (await status.textContent()) ?? '';
  expect(countOf(strict, /(\d+) hidden below the threshold/)).toBeGreaterThan(0);
  expect(countOf(strict, /Showing (\d+)/)).toBeLessThan(countOf(all, /Showing (\d+)/) + countOf(all, /(\d+) more past the limit/));

  // Above every score: the empty state offers to lower the threshold, and doing so shows the best match.
  await page.getByLabel('Similarity threshold').fill('100');
  const lower = page.getByRole('button', { name: /Lower the threshold to \d+%/ });
  if (await lower.isVisible()) {
    await lower.click();
    await expect(page.locator('#grid .card').first()).toBeVisible();
  }
});

test('"More like this" searches with a catalog product', async ({ page }) => {
  await uploadQuery(page);
  const firstName = (await page.locator('#grid .card-name').first().textContent()) ?? '';
  await page.locator('#grid .card').first().getByRole('button', { name: /More like this/ }).click();
  await expect(page.locator('#query-caption')).toHaveText(`More like: ${firstName}`);
  await showResults(page);
});

test('a forbidden image URL is explained in plain words', async ({ page }) => {
  await page.goto('/');
  await page.getByLabel('Or search by image URL').fill('http://169.254.169.254/');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('That image address cannot be used');
  await expect(alert).toContainText('public');
  await expect(page.locator('#grid .card')).toHaveCount(0);
});

test('a file that is not an image is explained in plain words', async ({ page }) => {
  await page.goto('/');
  await page.locator('#file-input').setInputFiles({ name: 'notes.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('this is not a photo') });
  await expect(page.getByRole('alert')).toContainText('not a supported image');
});

test('a catalog product\'s own photo finds it first, marked as this very item', async ({ page }) => {
  const photo = process.env.E2E_CATALOG_IMAGE ?? '';
  expect(photo, 'E2E_CATALOG_IMAGE names a catalog photo (set by e2e/run.sh)').not.toBe('');
  await page.goto('/');
  await page.locator('#file-input').setInputFiles(photo);
  await showResults(page);
  const first = page.locator('#grid .card').first();
  await expect(first.locator('.same-product')).toHaveText('Likely this very item');
  await expect(first.locator('.score-label')).toHaveText(/\d+% match/);
});

test('a price range the wrong way round is explained beside the fields, without a search', async ({ page }) => {
  await uploadQuery(page);
  const searches: string[] = [];
  page.on('request', (request) => { if (request.method() === 'POST') searches.push(request.url()); });
  await page.getByRole('spinbutton', { name: 'From', exact: true }).fill('50');
  await page.getByRole('spinbutton', { name: 'To', exact: true }).fill('10');
  await expect(page.locator('#price-help')).toHaveText('"To" is below "From": no product can match.');
  await expect(page.getByRole('spinbutton', { name: 'To', exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('button', { name: 'Clear the category and price filters' })).toBeVisible();
  await page.waitForTimeout(600); // past the refetch's pause
  expect(searches).toEqual([]);
  await page.getByRole('button', { name: 'Clear the category and price filters' }).click();
  await expect(page.locator('#price-help')).toBeEmpty();
});

test('screenshots at 375 px and 1280 px, light and dark', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 812 });
  await uploadQuery(page);
  await page.evaluate(() => document.fonts.ready);
  await expect(page.locator('#grid .card img').first()).toHaveJSProperty('complete', true);
  // No sideways scrolling on a phone.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  await page.screenshot({ path: `${screenshots}/page-375.png`, fullPage: false });
  await page.locator('#results-heading').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${screenshots}/page-375-results.png`, fullPage: false });

  await page.setViewportSize({ width: 1280, height: 900 });
  await page.evaluate(() => { window.scrollTo(0, 0); });
  for (const img of await page.locator('#grid .card img').all()) await img.scrollIntoViewIfNeeded();
  await page.evaluate(() => { window.scrollTo(0, 0); });
  await page.waitForFunction(() => Array.from(document.querySelectorAll<HTMLImageElement>('#grid img')).slice(0, 12).every((img) => img.complete));
  await page.screenshot({ path: `${screenshots}/page-1280.png` });

  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: `${screenshots}/page-1280-dark.png` });
});
