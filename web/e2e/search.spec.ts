import { expect, test, type Page, type Route } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { contrast, madePhoto, openPage, queryImage, queryImages, recordUploads, screenshots, showResults, slider, uploadQuery, uploads } from './helpers';

function countOf(text: string, pattern: RegExp): number {
  const match = pattern.exec(text);
  return match ? Number(match[1]) : 0;
}

/** The whole percent of each card's score, best first (a visually hidden "(NN%)" beside the words). */
async function shownPercents(page: Page): Promise<number[]> {
  return (await page.locator('#grid .score .visually-hidden').allTextContents()).map((text) => Number(/(\d+)%/.exec(text)?.[1]));
}

/** Answers the next POST /search with these results instead of the service's. */
async function fakeSearch(page: Page, results: object[]): Promise<void> {
  await page.route('**/search', (route: Route) => route.fulfill({ json: { results, count: results.length, threshold: 0, took_ms: 1 } }), { times: 1 });
}

function fakeResult(id: string, score: number, change: object = {}): object {
  return { id, name: `Product ${id}`, category: 'Shirt', price: 10, image_src: '/images/C0001', score, similarity: score, same_product: false, ...change };
}

test.beforeAll(() => {
  expect(queryImage, 'E2E_QUERY_IMAGE names a photo (set by e2e/run.sh)').not.toBe('');
  mkdirSync(screenshots, { recursive: true });
});

test('uploading a real photo shows ranked result cards that say how sure the service is', async ({ page }) => {
  await uploadQuery(page);

  await expect(page.locator('#query-preview')).toBeVisible();
  await expect(page.locator('#query-caption')).toHaveText('Your photo');
  const cards = page.locator('#grid .card');
  expect(await cards.count()).toBeGreaterThan(0);
  const first = cards.first();
  await expect(first.getByRole('heading', { level: 3 })).not.toBeEmpty();
  await expect(first.getByRole('button', { name: /More like this/ })).toBeVisible();
  // Words and a colour, never "99% match".
  await expect(first.locator('.confidence')).toHaveText(/^(Very likely|Likely|Possibly|Unlikely) a match$/);
  expect(await page.locator('#grid').textContent()).not.toMatch(/% match/);
  const scores = await shownPercents(page);
  const threshold = Number.parseInt((await page.locator('#threshold-value').textContent()) ?? '70', 10);
  expect(scores.every((score) => score >= threshold)).toBe(true);
  expect(scores).toEqual([...scores].sort((a, b) => b - a));
  // Every card's photo is served by the API, and is not read out again after the heading.
  await expect(first.locator('img')).toHaveJSProperty('complete', true);
  expect(await first.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  await expect(first.locator('img')).toHaveAttribute('alt', '');
  // The page explains the words, and the tab's title says what it shows.
  await page.getByText('What does "Likely a match" mean?').click();
  await expect(page.locator('.meaning')).toContainText('9 in 10');
  await expect(page).toHaveTitle(/\d+ match(es)? – Photo search – ImageSearch/);
});

test('on a phone the results are brought into view and focused after a search, and after an error', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 812 });
  await uploadQuery(page);
  await expect(page.locator('#grid .card').first()).toBeInViewport();
  await expect(page.locator('#results-heading')).toBeFocused();
  // One Tab from there reaches the first result.
  await page.keyboard.press('Tab');
  await expect(page.locator('#grid .card').first().locator('.card-link')).toBeFocused();

  await page.evaluate(() => { window.scrollTo(0, 0); });
  await page.locator('#file-input').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a photo') });
  await expect(page.getByRole('alert')).toBeInViewport();
});

test('on a phone a filter change announces the count and offers a button to the results', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 812 });
  await uploadQuery(page);
  await page.evaluate(() => { window.scrollTo(0, 0); });
  await page.locator('#sort').selectOption('price-asc');
  const jump = page.locator('#to-results');
  await expect(jump).toBeVisible();
  await expect(jump).toHaveText(/Show \d+ match(es)? ↓/);
  await jump.click();
  await expect(page.locator('#grid .card').first()).toBeInViewport();
});

test('moving the threshold slider changes how many are shown and hidden', async ({ page }) => {
  await uploadQuery(page);
  const status = page.locator('#status');
  await page.getByLabel(slider).fill('0');
  await expect(status).toContainText('at least 0% likely');
  const all = (await status.textContent()) ?? '';
  expect(all).not.toContain('less likely');

  await page.getByLabel(slider).fill('90');
  await expect(status).toContainText('at least 90% likely');
  await expect(page.locator('#threshold-value')).toHaveText('90%');
  const strict = (await status.textContent()) ?? '';
  expect(countOf(strict, /(\d+) less likely/)).toBeGreaterThan(0);
  expect(countOf(all, /of (\d+) matches/)).toBeGreaterThan(countOf(strict, /Showing (\d+)/));
});

test('a threshold the page lowered for one photo does not carry over to the next', async ({ page }) => {
  await openPage(page);
  // A photo of something this shop does not sell: every result unlikely.
  await fakeSearch(page, [fakeResult('C0001', 0.34), fakeResult('C0002', 0.2)]);
  await page.locator('#file-input').setInputFiles(queryImage);
  await expect(page.locator('#empty')).toContainText('Nothing like this here');
  await page.getByRole('button', { name: 'Show less likely matches (from 34%)' }).click();
  await expect(page.locator('#threshold-value')).toHaveText('34%');
  await expect(page.locator('#grid .card')).toHaveCount(1);

  // The next photo starts at the default again.
  await page.locator('#file-input').setInputFiles(queryImage);
  await expect(page.locator('#status')).toContainText('at least 70% likely');
  await expect(page.locator('#threshold-value')).toHaveText('70%');

  // A threshold the user set on the slider stays, and the status says so.
  await page.getByLabel(slider).fill('50');
  await page.locator('#file-input').setInputFiles(queryImage);
  await expect(page.locator('#status')).toContainText('at least 50% likely');
  await expect(page.locator('#status')).toContainText('Your own setting');
});

test('every state has a URL: Back and Forward, reload, a shared "more like this" link, recent searches', async ({ page }) => {
  await uploadQuery(page);
  await expect(page).toHaveURL(/\?photo=\w+/);
  const photoUrl = page.url();
  const first = page.locator('#grid .card').first();
  const firstId = await first.getAttribute('data-id');
  const firstName = (await first.locator('.card-name').textContent()) ?? '';
  await first.getByRole('button', { name: /More like this/ }).click();
  await expect(page).toHaveURL(new RegExp(`\\?similar=${firstId}`));
  await expect(page.locator('#query-caption')).toHaveText(`More like: ${firstName}`);
  await showResults(page);

  await page.goBack();
  await expect(page).toHaveURL(photoUrl);
  await expect(page.locator('#query-caption')).toHaveText('Your photo');
  await expect(page.locator('#status')).toContainText('Showing');
  await page.goForward();
  await expect(page.locator('#query-caption')).toHaveText(`More like: ${firstName}`);

  // Filters and a threshold are in the URL too, and a reload brings them back.
  await page.getByLabel(slider).fill('40');
  await page.getByLabel(slider).dispatchEvent('change');
  await expect(page).toHaveURL(/t=40/);
  await page.reload();
  await expect(page.locator('#threshold-value')).toHaveText('40%');
  await expect(page.locator('#query-caption')).toHaveText(`More like: ${firstName}`);

  // The photo search comes back from this browser's recent searches after a reload.
  await page.goto(photoUrl);
  await expect(page.locator('#query-caption')).toHaveText('Your photo');
  await expect(page.locator('#status')).toContainText('Showing');

  await page.goto('/');
  const recent = page.locator('#recent');
  await expect(recent).toBeVisible();
  await expect(recent.locator('.recent-item')).toHaveCount(2);
  await recent.locator('.recent-item').last().click();
  await expect(page.locator('#status')).toContainText('Showing');
  await page.goto('/');
  await page.getByRole('button', { name: 'Clear' }).click();
  await expect(recent).toBeHidden();
  await page.reload();
  await expect(recent).toBeHidden();
});

test('a result opens the product details with its own URL; Escape and Back close it', async ({ page }) => {
  await uploadQuery(page);
  const first = page.locator('#grid .card').first();
  const name = (await first.locator('.card-name').textContent()) ?? '';
  await first.locator('.card-link').click();
  const details = page.getByRole('dialog', { name });
  await expect(details).toBeVisible();
  await expect(details.locator('#product-price')).not.toBeEmpty();
  await expect(details.locator('.confidence')).toBeVisible();
  await expect(page).toHaveURL(/product=/);
  await page.keyboard.press('Escape');
  await expect(details).toBeHidden();
  await expect(page).not.toHaveURL(/product=/);

  await first.locator('img').click();
  await expect(details).toBeVisible();
  const shared = page.url();
  await page.goBack();
  await expect(details).toBeHidden();
  // A shared product link opens the details with "more like" it behind.
  await page.goto(shared);
  await expect(page.getByRole('dialog', { name })).toBeVisible();
  await page.getByRole('dialog').getByRole('button', { name: 'More like this' }).click();
  await expect(page.locator('#query-caption')).toHaveText(`More like: ${name}`);
});

test('a 12 MP photo is made small before upload (≤ 400 kB), with progress and a Cancel that keeps what was on screen', async ({ page }) => {
  await recordUploads(page);
  await openPage(page);
  const large = await madePhoto(page, 'phone-4032x3024.jpg', queryImages.slice(0, 1), 4032, 3024, 1, 'image/jpeg', 0.95);
  expect(large.buffer.length).toBeGreaterThan(1_000_000);
  await page.locator('#file-input').setInputFiles(large);
  await showResults(page);
  const sent = (await uploads(page))[0] ?? 0;
  expect(sent).toBeLessThanOrEqual(400_000);
  expect(sent).toBeGreaterThan(10_000);
  test.info().annotations.push({ type: 'upload', description: `${large.buffer.length} bytes → ${sent} bytes` });

  // A slow upload: progress and Cancel; cancelling keeps the results and offers Retry.
  const before = await page.locator('#grid .card').count();
  await page.route('**/search', async (route) => { await new Promise((done) => setTimeout(done, 3000)); await route.fallback(); });
  await page.locator('#file-input').setInputFiles(large);
  await expect(page.locator('#progress')).toBeVisible();
  await expect(page.locator('#status')).toContainText(/Sending your photo|Searching/);
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('alert')).toContainText('Search cancelled');
  await expect(page.locator('#grid .card')).toHaveCount(before);
  await page.unroute('**/search');
  await page.getByRole('button', { name: 'Retry' }).click();
  await expect(page.getByRole('alert')).toBeHidden();
  await expect(page.locator('#status')).toContainText('Showing');
});

test('files that are no photo get a clear message; a GIF is searched', async ({ page }) => {
  const requests: string[] = [];
  page.on('request', (request) => { requests.push(request.url()); });
  await openPage(page);
  const alert = page.getByRole('alert');
  await page.locator('#file-input').setInputFiles({ name: 'notes.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 not a photo') });
  await expect(alert).toContainText('not a supported image');
  await page.locator('#file-input').setInputFiles({ name: 'empty.jpg', mimeType: 'image/jpeg', buffer: Buffer.alloc(0) });
  await expect(alert).toContainText('The file is empty');
  await expect(alert).not.toContainText(/filter|price/);
  await page.locator('#file-input').setInputFiles({ name: 'fake.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('this is not a photo') });
  await expect(alert).toContainText('not a supported image');
  // No broken-image icon in the preview.
  expect(await page.locator('#query-image').evaluate((img: HTMLImageElement) => img.hidden || img.naturalWidth > 0)).toBe(true);
  expect(requests.filter((url) => url.endsWith('/search'))).toEqual([]);

  await page.locator('#file-input').setInputFiles('../tests/Imaging/Fixtures/tiny.gif');
  await expect(page.locator('#status')).toContainText('Showing');
  await expect(alert).toBeHidden();
});

test('a forbidden image URL is explained in plain words and never fetched by the browser', async ({ page }) => {
  const fetched: string[] = [];
  page.on('request', (request) => { if (request.url().includes('169.254.169.254')) fetched.push(request.url()); });
  await openPage(page);
  await page.getByLabel('Or search by image URL').fill('http://169.254.169.254/');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('That image address cannot be used');
  await expect(alert).toContainText('public');
  await expect(page.locator('#grid .card')).toHaveCount(0);
  await expect(page.locator('#query-preview')).toBeHidden();
  expect(fetched).toEqual([]);
});

test('when the service is down the results stay on screen and Retry searches again', async ({ page }) => {
  await uploadQuery(page);
  const category = (await page.locator('#grid .card-category').first().textContent()) ?? '';
  await page.route('**/search', (route) => route.abort('connectionrefused'));
  // Refining by the first result's category searches again (and keeps that result on screen).
  await page.locator('#categories .chip', { hasText: category }).first().click();
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('Cannot reach the search service');
  await expect(alert).not.toContainText('Failed to fetch');
  await expect(page.locator('#grid .card').first()).toBeVisible();
  await page.unroute('**/search');
  await alert.getByRole('button', { name: 'Retry' }).click();
  await expect(alert).toBeHidden();
  await expect(page.locator('#status')).toContainText('Showing');
});

test('"Show more" goes past 20 and past 50 to the end of the results, which is marked', async ({ page }) => {
  await uploadQuery(page);
  await page.getByLabel(slider).fill('0');
  await expect(page.locator('#grid .card')).toHaveCount(20);
  await expect(page.locator('#status')).toContainText('Showing 20 of 100 matches');
  for (let shown = 40; shown <= 100; shown += 20) {
    await page.getByRole('button', { name: /Show \d+ more/ }).click();
    await expect(page.locator('#grid .card')).toHaveCount(shown);
  }
  await expect(page.getByRole('button', { name: /Show \d+ more/ })).toBeHidden();
  await expect(page.locator('#end')).toContainText('End of the results');
});

test('a box drawn on the photo searches that part only; "Whole photo" goes back', async ({ page }) => {
  await recordUploads(page);
  await uploadQuery(page);
  await expect(page.locator('#crop-start')).toBeVisible();
  await page.getByRole('button', { name: 'Search a part of the photo' }).click();
  const image = page.locator('#query-image');
  const box = (await image.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.1, box.y + box.height * 0.1);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.7, { steps: 5 });
  await page.mouse.up();
  await page.getByRole('button', { name: 'Search this area' }).click();
  await expect(page.locator('#query-caption')).toContainText('the part in the box');
  await expect(page.locator('#status')).toContainText('Showing');
  // The part is sent, not the photo: fewer bytes than the whole photo's upload.
  const [whole, part] = await uploads(page);
  expect(part).toBeLessThan(whole!);
  await expect(page.locator('#status')).toContainText('Showing');
  await page.getByRole('button', { name: 'Whole photo' }).click();
  await expect(page.locator('#query-caption')).toHaveText('Your photo');
});

test('layout: long names and categories stay in their card, dark photos are not on white, filters reachable', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await openPage(page);
  await fakeSearch(page, [
    fakeResult('C0001', 0.95, { name: 'A very long product name '.repeat(8), category: 'Category'.repeat(250) }),
    fakeResult('C0002', 0.9),
    fakeResult('C0003', 0.8),
  ]);
  await page.locator('#file-input').setInputFiles(queryImage);
  await expect(page.locator('#grid .card')).toHaveCount(3);
  const heights = await page.locator('#grid .card').evaluateAll((cards) => cards.map((c) => c.getBoundingClientRect().height));
  expect(Math.max(...heights)).toBeLessThan(460);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
  // The side panel fits the window (it scrolls on its own), so "Sort by" is reachable without scrolling the page.
  expect(await page.locator('.sidebar').evaluate((s) => s.getBoundingClientRect().height)).toBeLessThanOrEqual(800);
  await page.locator('#sort').scrollIntoViewIfNeeded();
  await expect(page.locator('#sort')).toBeInViewport();

  await page.emulateMedia({ colorScheme: 'dark' });
  expect(await page.locator('#grid .card img').first().evaluate((img) => getComputedStyle(img).backgroundColor)).not.toBe('rgb(255, 255, 255)');
});

test('keyboard: the focus ring and field borders have 3:1 contrast', async ({ page }) => {
  await openPage(page);
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  const ring = await page.evaluate(() => {
    const active = document.activeElement as HTMLElement;
    return { outline: getComputedStyle(active).outlineColor, width: getComputedStyle(active).outlineWidth };
  });
  expect(ring.width).toBe('3px');
  const surface = await page.locator('.panel').first().evaluate((p) => getComputedStyle(p).backgroundColor);
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(contrast(ring.outline, surface)).toBeGreaterThanOrEqual(3);
  expect(contrast(ring.outline, background)).toBeGreaterThanOrEqual(3);
  const border = await page.locator('#url-input').evaluate((i) => getComputedStyle(i).borderTopColor);
  expect(contrast(border, surface)).toBeGreaterThanOrEqual(3);
  // A desktop has no separate camera button; the hint names Ctrl+V.
  await expect(page.getByRole('button', { name: 'Take a photo' })).toBeHidden();
  await expect(page.locator('.dropzone-hint .pointer-only')).toBeVisible();
  await expect(page.locator('.dropzone-hint .touch-only')).toBeHidden();
});

test.describe('on a touch phone', () => {
  test.use({ hasTouch: true, isMobile: true, viewport: { width: 375, height: 812 } });
  test('the camera button shows and the Ctrl+V hint does not', async ({ page }) => {
    await openPage(page);
    await expect(page.getByRole('button', { name: 'Take a photo' })).toBeVisible();
    await expect(page.locator('.dropzone-hint .pointer-only')).toBeHidden();
    await expect(page.locator('.dropzone-hint .touch-only')).toBeVisible();
  });
});

test('a catalog product\'s own photo finds it first, marked as this very item', async ({ page }) => {
  const photo = process.env.E2E_CATALOG_IMAGE ?? '';
  expect(photo, 'E2E_CATALOG_IMAGE names a catalog photo (set by e2e/run.sh)').not.toBe('');
  await openPage(page);
  await page.locator('#file-input').setInputFiles(photo);
  await showResults(page);
  const first = page.locator('#grid .card').first();
  await expect(first.locator('.same-product')).toHaveText('Likely this very item');
  await expect(first.locator('.confidence')).toHaveText('Very likely a match');
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
  // No smooth scrolling, so the phone's shot shows where the page lands after a search: at the results.
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await uploadQuery(page);
  await expect(page.locator('#grid .card').first()).toBeInViewport();
  await page.evaluate(() => document.fonts.ready);
  await expect(page.locator('#grid .card img').first()).toHaveJSProperty('complete', true);
  // No sideways scrolling on a phone.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  await page.locator('#results-heading').blur();
  await page.screenshot({ path: `${screenshots}/page-375.png` });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: `${screenshots}/page-375-dark.png` });
  await page.emulateMedia({ colorScheme: 'light' });

  await page.setViewportSize({ width: 1280, height: 800 });
  for (const img of await page.locator('#grid .card img').all()) await img.scrollIntoViewIfNeeded();
  await page.evaluate(() => { window.scrollTo(0, 0); });
  await page.waitForFunction(() => Array.from(document.querySelectorAll<HTMLImageElement>('#grid img')).slice(0, 12).every((img) => img.complete));
  await page.screenshot({ path: `${screenshots}/page-1280.png` });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: `${screenshots}/page-1280-dark.png` });
});
